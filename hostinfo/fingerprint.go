package hostinfo

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"

	"google.golang.org/grpc"
)

// Fingerprint describes a host and the build of the process that measured on
// it. It is recorded by both the server and the client of every run, and its
// JSON form (snake_case keys) is what hosts.json holds.
//
// A field that could not be determined holds its zero value: "" for strings
// and 0 for numbers. CPUModel is the exception: it is "unknown (GOARCH)" when
// the model could not be read.
type Fingerprint struct {
	// Hostname is the kernel's host name, as os.Hostname reports it.
	Hostname string `json:"hostname"`
	// OS and Arch are runtime.GOOS and runtime.GOARCH.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// CPUModel names the processor, from /proc/cpuinfo on Linux.
	CPUModel string `json:"cpu_model"`
	// LogicalCPUs is the number of logical CPUs this process may run on, as
	// runtime.NumCPU reports it (it honours the CPU affinity mask).
	LogicalCPUs int `json:"logical_cpus"`
	// GOMAXPROCS is runtime.GOMAXPROCS(0) at collection time.
	GOMAXPROCS int `json:"gomaxprocs"`
	// CgroupCPUQuota is the number of CPUs the tightest cgroup CPU quota
	// (v2 cpu.max or v1 cpu.cfs_quota_us) allows, such as 1.5; 0 when none.
	CgroupCPUQuota float64 `json:"cgroup_cpu_quota"`
	// TotalMemoryBytes is MemTotal from /proc/meminfo, in bytes.
	TotalMemoryBytes uint64 `json:"total_memory_bytes"`
	// GoVersion is runtime.Version, such as "go1.26.8".
	GoVersion string `json:"go_version"`
	// GRPCVersion is grpc.Version of the linked grpc-go, such as "1.85.0".
	GRPCVersion string `json:"grpc_version"`
	// StratbenchVersion is [Version].
	StratbenchVersion string `json:"stratbench_version"`
}

// Collect returns the fingerprint of the current host and process. It never
// fails: a field it cannot determine is left at its zero value, as documented
// on [Fingerprint]. It reads a few small files under /proc and /sys, so it
// costs well under a millisecond; call it once per run, not per request.
func Collect() Fingerprint {
	return collect(os.DirFS("/"))
}

// collect is Collect reading the /proc and /sys files from fsys, whose root
// stands for the file system root, so that tests can supply fixtures.
func collect(fsys fs.FS) Fingerprint {
	f := Fingerprint{
		OS:                runtime.GOOS,
		Arch:              runtime.GOARCH,
		CPUModel:          "unknown (" + runtime.GOARCH + ")",
		LogicalCPUs:       runtime.NumCPU(),
		GOMAXPROCS:        runtime.GOMAXPROCS(0),
		CgroupCPUQuota:    cgroupCPUQuota(fsys),
		GoVersion:         runtime.Version(),
		GRPCVersion:       grpc.Version,
		StratbenchVersion: Version(),
	}
	// A missing field is part of Collect's contract, so errors are dropped
	// here rather than returned.
	if name, err := os.Hostname(); err == nil {
		f.Hostname = name
	}
	if b, err := fs.ReadFile(fsys, "proc/cpuinfo"); err == nil {
		if model, err := ParseCPUModel(bytes.NewReader(b)); err == nil {
			f.CPUModel = model
		}
	}
	if b, err := fs.ReadFile(fsys, "proc/meminfo"); err == nil {
		if total, err := ParseMemTotal(bytes.NewReader(b)); err == nil {
			f.TotalMemoryBytes = total
		}
	}
	return f
}

// String returns a one-line human summary of f, such as
//
//	box1: linux/amd64, AMD EPYC 7B13, 2 logical CPUs, GOMAXPROCS 2, no cgroup CPU quota, 23.5 GiB memory, go1.26.8, grpc-go 1.85.0, stratbench (devel)
//
// Unknown fields are written as "unknown". The format is for people and may
// change; machines should read the JSON form.
func (f Fingerprint) String() string {
	var b strings.Builder
	b.WriteString(orUnknown(f.Hostname))
	fmt.Fprintf(&b, ": %s/%s, %s", orUnknown(f.OS), orUnknown(f.Arch), orUnknown(f.CPUModel))
	fmt.Fprintf(&b, ", %s logical CPUs, GOMAXPROCS %s", countOrUnknown(f.LogicalCPUs), countOrUnknown(f.GOMAXPROCS))
	if f.CgroupCPUQuota > 0 {
		fmt.Fprintf(&b, ", cgroup CPU quota %s", strconv.FormatFloat(f.CgroupCPUQuota, 'g', -1, 64))
	} else {
		b.WriteString(", no cgroup CPU quota")
	}
	if f.TotalMemoryBytes > 0 {
		fmt.Fprintf(&b, ", %.1f GiB memory", float64(f.TotalMemoryBytes)/(1<<30))
	} else {
		b.WriteString(", unknown memory")
	}
	fmt.Fprintf(&b, ", %s, grpc-go %s, stratbench %s",
		orUnknown(f.GoVersion), orUnknown(f.GRPCVersion), orUnknown(f.StratbenchVersion))
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func countOrUnknown(n int) string {
	if n <= 0 {
		return "unknown"
	}
	return strconv.Itoa(n)
}
