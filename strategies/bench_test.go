package strategies_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

// benchJob runs one job per iteration and reports the cost per task.
func benchJob(b *testing.B, s strategies.Strategy, j strategies.Job) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Run(context.Background(), j); err != nil {
			b.Fatal(err)
		}
	}
	reportPerTask(b, j.Tasks)
}

// reportPerTask reports time and allocations per task of jobs of tasks
// tasks, in place of the per-job figures.
func reportPerTask(b *testing.B, tasks int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tasks), "ns/task")
	b.ReportMetric(float64(tasks*b.N)/b.Elapsed().Seconds(), "tasks/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkDispatch measures the cost of scheduling an empty task: the
// strategy's own overhead, in every implementation, at parallelism
// GOMAXPROCS. "strategy=channel-pool" is the floor to compare pools with: a
// plain pool of GOMAXPROCS workers reading task indices from a buffered
// channel, with no context, accounting or panic recovery.
func BenchmarkDispatch(b *testing.B) {
	empty := func(_ context.Context, _ int, in uint64) (uint64, error) { return in, nil }
	p := runtime.GOMAXPROCS(0)
	const tasks = 10000
	b.Run("strategy=channel-pool", func(b *testing.B) {
		b.ReportAllocs()
		var sum atomic.Uint64
		for b.Loop() {
			work := make(chan int, 8*p)
			var wg sync.WaitGroup
			for range p {
				wg.Go(func() {
					var local uint64
					for i := range work {
						out, _ := empty(context.Background(), i, uint64(i))
						local += out
					}
					sum.Add(local)
				})
			}
			for i := range tasks {
				work <- i
			}
			close(work)
			wg.Wait()
		}
		reportPerTask(b, tasks)
	})
	for _, k := range strategies.Kinds {
		for _, impl := range strategies.Implementations(k) {
			b.Run("strategy="+k.String()+"/implementation="+impl.String(), func(b *testing.B) {
				benchJob(b, strategies.NewImpl(k, impl, p), strategies.Job{Tasks: tasks, Stages: []strategies.Stage{empty}})
			})
		}
	}
}

// BenchmarkCPU runs jobs of 64 tasks of about 100 µs of SHA-256 work at
// parallelism = GOMAXPROCS. Each iteration runs one job under the strategy
// and one under serial, back to back, so that the reported "efficiency" —
// the strategy's rate ÷ (GOMAXPROCS × serial's rate) — compares the two under
// the same machine conditions even on a noisy host.
func BenchmarkCPU(b *testing.B) {
	ns := workload.Calibrate(5)
	iters := uint64(100e3 / ns)
	p := runtime.GOMAXPROCS(0)
	j := job(workload.Spec{Kind: workload.CPU, CPUIterations: iters}, 64, false)
	serialS := strategies.New(strategies.Serial, 1)
	for _, k := range strategies.Kinds[1:] {
		b.Run("strategy="+k.String(), func(b *testing.B) {
			s := strategies.New(k, p)
			var tS, tSerial time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := s.Run(context.Background(), j); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := serialS.Run(context.Background(), j); err != nil {
					b.Fatal(err)
				}
				tS += mid.Sub(start)
				tSerial += time.Since(mid)
			}
			b.ReportMetric(float64(j.Tasks*b.N)/tS.Seconds(), "tasks/s")
			b.ReportMetric(float64(tS.Nanoseconds())/float64(j.Tasks*b.N), "ns/task")
			b.ReportMetric(tSerial.Seconds()/(tS.Seconds()*float64(p)), "efficiency")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkIO runs 10 000 tasks of 10 ms at parallelism 1 000: the
// Little's-law bound is 1 000 ÷ 10 ms = 100 000 tasks/s (serial excluded:
// it would take 100 s a job). The "bare" case is the runtime's own ceiling:
// 1 000 plain goroutines each waiting on 10 timers in a row, with no
// strategy, no context and no accounting; compare the strategies with it
// as well as with the bound.
func BenchmarkIO(b *testing.B) {
	spec := workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}
	b.Run("strategy=bare", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			var wg sync.WaitGroup
			for range 1000 {
				wg.Go(func() {
					for range 10 {
						t := time.NewTimer(10 * time.Millisecond)
						<-t.C
					}
				})
			}
			wg.Wait()
		}
		el := time.Since(start)
		b.ReportMetric(float64(10000*b.N)/el.Seconds(), "tasks/s")
		b.ReportMetric(float64(el.Nanoseconds())/float64(10000*b.N), "ns/task")
		b.ReportMetric(0, "ns/op")
	})
	for _, k := range strategies.Kinds[1:] {
		b.Run("strategy="+k.String(), func(b *testing.B) {
			benchJob(b, strategies.New(k, 1000), job(spec, 10000, false))
		})
	}
}
