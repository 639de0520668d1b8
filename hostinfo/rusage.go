package hostinfo

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// AvailableCPUs returns how many CPUs this process can use at once: GOMAXPROCS,
// or the cgroup CPU quota when one is set and smaller. A quota may be
// fractional, such as 1.5. It reads the cgroup files on every call (tens of
// microseconds), so that a quota or GOMAXPROCS changed at run time is seen;
// call it once per measurement, not per request.
func AvailableCPUs() float64 {
	cpus := float64(runtime.GOMAXPROCS(0))
	if quota := cgroupCPUQuota(os.DirFS("/")); quota > 0 && quota < cpus {
		return quota
	}
	return cpus
}

// CPUUsage is the CPU a process used over an interval of wall-clock time.
type CPUUsage struct {
	// CPU is the user plus system CPU time the process used.
	CPU time.Duration
	// Wall is the wall-clock length of the interval.
	Wall time.Duration
	// AvailableCPUs is AvailableCPUs at the start of the interval.
	AvailableCPUs float64
	// Percent is CPU / (Wall × AvailableCPUs) × 100: near 100 means the
	// process used all the CPU it could, so it was saturated. Kernel CPU
	// accounting is coarser than the wall clock, and the Go runtime runs
	// threads beyond GOMAXPROCS, so it may slightly exceed 100. It is 0 when
	// Wall or AvailableCPUs is 0.
	Percent float64
}

// CPUMeter measures the share of its available CPU a process used between
// StartCPUMeter and Stop. It measures the whole process, not the calling
// goroutine. A CPUMeter is safe for concurrent use: Stop does not change it.
type CPUMeter struct {
	start         time.Time // carries a monotonic reading, so Wall ignores clock steps
	startCPU      time.Duration
	availableCPUs float64
}

// StartCPUMeter records the current wall time, the process's CPU time and
// AvailableCPUs, and returns a meter that reports usage from this moment. It
// returns an error when the CPU time cannot be read.
func StartCPUMeter() (*CPUMeter, error) {
	cpu, err := CPUTime()
	if err != nil {
		return nil, fmt.Errorf("hostinfo: start CPU meter: %w", err)
	}
	return &CPUMeter{start: time.Now(), startCPU: cpu, availableCPUs: AvailableCPUs()}, nil
}

// Stop returns the CPU the process used since StartCPUMeter. Stop may be
// called more than once; each call reports the interval from the start to
// that call. It returns an error when the CPU time cannot be read.
func (m *CPUMeter) Stop() (CPUUsage, error) {
	cpu, err := CPUTime()
	if err != nil {
		return CPUUsage{}, fmt.Errorf("hostinfo: stop CPU meter: %w", err)
	}
	u := CPUUsage{
		CPU:           cpu - m.startCPU,
		Wall:          time.Since(m.start),
		AvailableCPUs: m.availableCPUs,
	}
	if u.Wall > 0 && u.AvailableCPUs > 0 {
		u.Percent = u.CPU.Seconds() / (u.Wall.Seconds() * u.AvailableCPUs) * 100
	}
	return u, nil
}
