package hostinfo

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ParseCPUMax returns the number of CPUs allowed by b, the contents of a
// cgroup v2 cpu.max file: "$MAX $PERIOD" in microseconds, such as
// "200000 100000" (2 CPUs) or "50000 100000" (0.5). It returns 0 when the
// quota is "max" (no limit). The period may be omitted only with "max". It
// returns an error for any other text.
func ParseCPUMax(b []byte) (float64, error) {
	fields := strings.Fields(string(b))
	if len(fields) == 1 && fields[0] == "max" {
		return 0, nil
	}
	if len(fields) != 2 {
		return 0, fmt.Errorf("hostinfo: malformed cpu.max %q, want \"$MAX $PERIOD\"", b)
	}
	if fields[0] == "max" {
		return 0, nil
	}
	return quotaCPUs(fields[0], fields[1])
}

// ParseCFSQuota returns the number of CPUs allowed by a cgroup v1 CPU
// controller whose cpu.cfs_quota_us file holds quota and whose
// cpu.cfs_period_us file holds period, both in microseconds: quota 200000
// with period 100000 is 2 CPUs. It returns 0 when quota is -1 (no limit). It
// returns an error when either value is malformed or not positive.
func ParseCFSQuota(quota, period []byte) (float64, error) {
	q, p := strings.TrimSpace(string(quota)), strings.TrimSpace(string(period))
	if q == "-1" {
		return 0, nil
	}
	return quotaCPUs(q, p)
}

// quotaCPUs divides a quota by a period, both decimal microsecond counts.
func quotaCPUs(quota, period string) (float64, error) {
	q, err := strconv.ParseInt(quota, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("hostinfo: parse CPU quota %q: %w", quota, err)
	}
	p, err := strconv.ParseInt(period, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("hostinfo: parse CPU period %q: %w", period, err)
	}
	if q <= 0 || p <= 0 {
		return 0, fmt.Errorf("hostinfo: CPU quota %d / period %d, want both positive", q, p)
	}
	return float64(q) / float64(p), nil
}

// cgroupRoot is where cgroup file systems are mounted, relative to the root
// of the fs.FS that cgroupCPUQuota reads.
const cgroupRoot = "sys/fs/cgroup"

// cgroupV1CPUMounts are the usual mount points of the cgroup v1 CPU
// controller; the first is often a link to the second.
var cgroupV1CPUMounts = []string{cgroupRoot + "/cpu", cgroupRoot + "/cpu,cpuacct"}

// cgroupCPUQuota returns the tightest CPU quota that applies to this process,
// in CPUs, or 0 when there is none or it cannot be read. fsys stands for the
// file system root.
//
// A quota on any ancestor cgroup limits its descendants, so it reads cpu.max
// (v2) and cpu.cfs_quota_us (v1) in the process's own cgroup, named by
// /proc/self/cgroup, and in every directory above it up to the mount point,
// and keeps the smallest. Inside a container the named cgroup often does not
// exist under the mount (the container sees its own cgroup as the root); the
// walk then still reaches the mount point, which is that cgroup.
func cgroupCPUQuota(fsys fs.FS) float64 {
	cpus, _ := bindingCgroup(fsys)
	return cpus
}

// bindingCgroup returns the tightest CPU quota that applies to this process
// (see cgroupCPUQuota) and the cgroup directory that sets it, or 0 and ""
// when there is none.
func bindingCgroup(fsys fs.FS) (cpus float64, dir string) {
	unified, v1CPU := selfCgroups(fsys)
	keep := func(d string, q float64, err error) {
		if err == nil && q > 0 && (cpus == 0 || q < cpus) {
			cpus, dir = q, d
		}
	}
	for _, d := range cgroupDirs(cgroupRoot, unified) {
		if b, err := fs.ReadFile(fsys, path.Join(d, "cpu.max")); err == nil {
			q, err := ParseCPUMax(b)
			keep(d, q, err)
		}
	}
	for _, mount := range cgroupV1CPUMounts {
		for _, d := range cgroupDirs(mount, v1CPU) {
			quota, err := fs.ReadFile(fsys, path.Join(d, "cpu.cfs_quota_us"))
			if err != nil {
				continue
			}
			period, err := fs.ReadFile(fsys, path.Join(d, "cpu.cfs_period_us"))
			if err != nil {
				continue
			}
			q, err := ParseCFSQuota(quota, period)
			keep(d, q, err)
		}
	}
	return cpus, dir
}

// selfCgroups returns this process's cgroup v2 path and cgroup v1 CPU
// controller path from /proc/self/cgroup, each "/" when not listed.
func selfCgroups(fsys fs.FS) (unified, v1CPU string) {
	unified, v1CPU = "/", "/"
	b, err := fs.ReadFile(fsys, "proc/self/cgroup")
	if err != nil {
		return unified, v1CPU
	}
	// Each line is "hierarchy-ID:controller-list:cgroup-path"; the v2
	// hierarchy has ID 0 and an empty controller list.
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), ":", 3)
		if len(fields) != 3 {
			continue
		}
		switch {
		case fields[0] == "0" && fields[1] == "":
			unified = fields[2]
		case slices.Contains(strings.Split(fields[1], ","), "cpu"):
			v1CPU = fields[2]
		}
	}
	return unified, v1CPU
}

// cgroupDirs returns the directory of cgroup p under mount, then each of its
// ancestors up to and including mount. Cleaning p as an absolute path drops
// any leading "..", which a cgroup namespace shows for cgroups outside it, so
// the result never leaves mount.
func cgroupDirs(mount, p string) []string {
	p = path.Clean("/" + p)
	var dirs []string
	for {
		dirs = append(dirs, path.Join(mount, p))
		if p == "/" {
			return dirs
		}
		p = path.Dir(p)
	}
}
