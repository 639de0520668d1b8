package strategies_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/strategies"
)

// TestMixedBoundIsHowStrategiesSchedule checks cell.Bound's mixed-work
// formula for each strategy against the strategy itself. Under synctest a
// task's wait of io and its "chain" (a wait of cpu standing for CPU work on
// a core of its own: GOMAXPROCS is set high so that cores never bind) take
// exactly their time, so J closed-loop workers each running K jobs back to
// back reach exactly the throughput the strategy's scheduling allows. The
// bound must equal it: a looser formula would overstate what the strategy
// can do, a tighter one would not be a bound.
func TestMixedBoundIsHowStrategiesSchedule(t *testing.T) {
	const (
		jobs   = 3 // J, closed-loop workers
		rounds = 4 // K, jobs per worker
	)
	for _, c := range []struct {
		kind       strategies.Kind
		tasks, par int
		io, cpu    time.Duration
		scope      string
	}{
		{strategies.Serial, 8, 1, 2 * time.Millisecond, 500 * time.Microsecond, "job"},
		{strategies.Pool, 8, 4, 2 * time.Millisecond, 500 * time.Microsecond, "job"},
		{strategies.Semaphore, 8, 4, 2 * time.Millisecond, 500 * time.Microsecond, "job"},
		{strategies.GoroutinePerTask, 8, 1, 2 * time.Millisecond, 500 * time.Microsecond, "job"},
		{strategies.Pipeline, 4, 8, 2 * time.Millisecond, 500 * time.Microsecond, "job"},  // one wave
		{strategies.Pipeline, 16, 4, 2 * time.Millisecond, 500 * time.Microsecond, "job"}, // waits dominate
		{strategies.Pipeline, 6, 2, 1 * time.Millisecond, 3 * time.Millisecond, "job"},    // chains dominate
	} {
		t.Run(fmt.Sprintf("%v/tasks=%d/par=%d/io=%v/cpu=%v", c.kind, c.tasks, c.par, c.io, c.cpu), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sleep := func(d time.Duration) strategies.Stage {
					return func(ctx context.Context, _ int, in uint64) (uint64, error) {
						select {
						case <-time.After(d):
							return in + 1, nil
						case <-ctx.Done():
							return 0, ctx.Err()
						}
					}
				}
				job := strategies.Job{Tasks: c.tasks, Stages: []strategies.Stage{sleep(c.io), sleep(c.cpu)}}
				start := time.Now()
				var wg sync.WaitGroup
				for range jobs {
					wg.Go(func() {
						s := strategies.New(c.kind, c.par)
						for range rounds {
							res, err := s.Run(t.Context(), job)
							if err != nil || res.Completed != c.tasks {
								t.Errorf("job: %+v, %v", res, err)
							}
						}
					})
				}
				wg.Wait()
				measured := float64(jobs*rounds*c.tasks) / time.Since(start).Seconds()
				bound := cell.Bound(cell.BoundParams{
					Strategy: c.kind.String(), Workload: "mixed", Scope: c.scope, Tasks: c.tasks, Parallelism: c.par,
					CPUIterations: uint64(c.cpu), ServerNsPerIteration: 1, ServerGOMAXPROCS: 1 << 20,
					IOLatencyMs: float64(c.io) / 1e6, JobsInFlight: jobs,
				})
				if math.Abs(measured/bound-1) > 1e-9 {
					t.Errorf("measured %.3f tasks/s, bound %.3f", measured, bound)
				}
			})
		})
	}
}
