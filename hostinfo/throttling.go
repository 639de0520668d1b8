package hostinfo

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// Throttling is the CFS bandwidth counters of a cgroup, from its cpu.stat
// file. Every field counts from the cgroup's creation.
type Throttling struct {
	// Periods is the number of enforcement periods that have elapsed while
	// the cgroup had runnable tasks (nr_periods).
	Periods uint64
	// ThrottledPeriods is the number of those periods in which the cgroup
	// used up its quota and was throttled (nr_throttled).
	ThrottledPeriods uint64
	// Throttled is the total time the cgroup's tasks were throttled
	// (throttled_usec in cgroup v2, throttled_time in nanoseconds in v1).
	Throttled time.Duration
}

// ParseCPUStat reads the throttling counters from b, the contents of a
// cgroup cpu.stat file: lines of "key value", cgroup v2 (throttled_usec) or
// v1 (throttled_time, in nanoseconds). Other keys are ignored. It returns an
// error when nr_periods, nr_throttled or the throttled time is missing or
// not a decimal unsigned integer, or when a value overflows a Duration.
func ParseCPUStat(b []byte) (Throttling, error) {
	var t Throttling
	var seen [3]bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		var field int
		var unit time.Duration
		switch key {
		case "nr_periods":
			field = 0
		case "nr_throttled":
			field = 1
		case "throttled_usec":
			field, unit = 2, time.Microsecond
		case "throttled_time":
			field, unit = 2, time.Nanosecond
		default:
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return Throttling{}, fmt.Errorf("hostinfo: cpu.stat %s: %w", key, err)
		}
		switch field {
		case 0:
			t.Periods = n
		case 1:
			t.ThrottledPeriods = n
		case 2:
			if n > uint64(1<<63-1)/uint64(unit) {
				return Throttling{}, fmt.Errorf("hostinfo: cpu.stat %s %d overflows a duration", key, n)
			}
			t.Throttled = time.Duration(n) * unit
		}
		seen[field] = true
	}
	if err := sc.Err(); err != nil {
		return Throttling{}, fmt.Errorf("hostinfo: cpu.stat: %w", err)
	}
	for i, name := range []string{"nr_periods", "nr_throttled", "throttled_usec or throttled_time"} {
		if !seen[i] {
			return Throttling{}, fmt.Errorf("hostinfo: cpu.stat has no %s", name)
		}
	}
	return t, nil
}

// CPUStatFile returns the path of the cpu.stat file of the cgroup whose CPU
// quota binds this process (the tightest, as AvailableCPUs finds it), or ""
// when the process has no quota. It walks the cgroup tree, tens to hundreds
// of microseconds: call it once and read the file with ReadCPUThrottling.
func CPUStatFile() string {
	if p := cpuStatFile(os.DirFS("/")); p != "" {
		return "/" + p
	}
	return ""
}

// cpuStatFile is CPUStatFile with fsys standing for the file system root;
// the path it returns is relative to fsys.
func cpuStatFile(fsys fs.FS) string {
	_, dir := bindingCgroup(fsys)
	if dir == "" {
		return ""
	}
	p := path.Join(dir, "cpu.stat")
	if _, err := fs.Stat(fsys, p); err != nil {
		return ""
	}
	return p
}

// ReadCPUThrottling reads and parses the cpu.stat file at path (see
// ParseCPUStat): one small file, a few microseconds.
func ReadCPUThrottling(path string) (Throttling, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Throttling{}, fmt.Errorf("hostinfo: %w", err)
	}
	return ParseCPUStat(b)
}
