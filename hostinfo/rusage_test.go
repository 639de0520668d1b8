package hostinfo_test

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
)

func TestCPUTimeMonotonic(t *testing.T) {
	first, err := hostinfo.CPUTime()
	if err != nil {
		t.Fatalf("CPUTime: %v", err)
	}
	burn(20 * time.Millisecond)
	second, err := hostinfo.CPUTime()
	if err != nil {
		t.Fatalf("CPUTime: %v", err)
	}
	if first < 0 || second < first {
		t.Errorf("CPUTime went %v then %v, want non-negative and non-decreasing", first, second)
	}
	if second == first {
		t.Errorf("CPUTime unchanged at %v after 20ms of busy work", first)
	}
}

func TestAvailableCPUs(t *testing.T) {
	got := hostinfo.AvailableCPUs()
	if got <= 0 || got > float64(runtime.GOMAXPROCS(0)) {
		t.Errorf("AvailableCPUs = %v, want in (0, GOMAXPROCS=%d]", got, runtime.GOMAXPROCS(0))
	}
	if q := hostinfo.Collect().CgroupCPUQuota; q > 0 && got > q {
		t.Errorf("AvailableCPUs = %v, above the cgroup quota %v", got, q)
	}
}

// TestCPUMeter keeps one goroutine busy for about 100ms and checks the meter
// reports about one CPU's worth of use. The bounds are loose: the machine is
// shared and the race detector adds its own work.
func TestCPUMeter(t *testing.T) {
	const busy = 100 * time.Millisecond
	m, err := hostinfo.StartCPUMeter()
	if err != nil {
		t.Fatalf("StartCPUMeter: %v", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { burn(busy) })
	wg.Wait()
	u, err := m.Stop()
	if err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("usage: %+v", u)

	if u.Wall < busy {
		t.Errorf("Wall = %v, want at least the %v of busy work", u.Wall, busy)
	}
	if u.AvailableCPUs != hostinfo.AvailableCPUs() {
		t.Errorf("AvailableCPUs = %v, want %v", u.AvailableCPUs, hostinfo.AvailableCPUs())
	}
	// The goroutine can be descheduled on a noisy host, but it cannot get
	// no CPU at all over 100ms of spinning.
	if u.CPU < busy/10 {
		t.Errorf("CPU = %v, want at least %v for %v of busy work", u.CPU, busy/10, busy)
	}
	// Nor can the process use more than every core for the whole interval.
	if limit := time.Duration(float64(u.Wall) * float64(runtime.NumCPU()) * 1.2); u.CPU > limit {
		t.Errorf("CPU = %v, want at most %v (wall %v × %d CPUs, +20%%)", u.CPU, limit, u.Wall, runtime.NumCPU())
	}
	want := u.CPU.Seconds() / (u.Wall.Seconds() * u.AvailableCPUs) * 100
	if u.Percent != want {
		t.Errorf("Percent = %v, want CPU/(Wall×AvailableCPUs)×100 = %v", u.Percent, want)
	}
	if u.Percent <= 0 || u.Percent > 100*float64(runtime.NumCPU())/u.AvailableCPUs*1.2 {
		t.Errorf("Percent = %v, want in (0, %v]", u.Percent, 100*float64(runtime.NumCPU())/u.AvailableCPUs*1.2)
	}

	// Stop does not change the meter: a second call covers the longer interval.
	again, err := m.Stop()
	if err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if again.Wall < u.Wall || again.CPU < u.CPU {
		t.Errorf("second Stop = %+v, want an interval containing the first, %+v", again, u)
	}
}

// burn keeps the calling goroutine on a CPU for d of wall time.
func burn(d time.Duration) {
	deadline := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(deadline) {
		for range 1000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
}

// sink keeps burn's arithmetic from being optimized away.
var sink uint64
