package strategies

import (
	"context"

	"github.com/sourcegraph/conc"
	concpool "github.com/sourcegraph/conc/pool"
)

// concPool runs a job on a github.com/sourcegraph/conc/pool Pool limited to
// min(workers, tasks) goroutines, which it starts lazily; Go hands each task
// (a closure) to an idle worker or blocks, on this job's own tasks only,
// until one is free. Wait ends the workers before Run returns. conc catches
// a panic and raises it again in Wait; tasks here never panic out of their
// accounting, so Wait does not.
type concPool struct{ workers int }

func (p concPool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	cp := concpool.New().WithMaxGoroutines(min(p.workers, job.Tasks))
	feed(ctx, t, job.Tasks, func(i int) bool {
		cp.Go(func() { t.task(ctx, i) })
		return true
	})
	cp.Wait()
	return t.result()
}

// concWaitGroup is goroutine-per-task with github.com/sourcegraph/conc's
// WaitGroup: one goroutine per task, unbounded, each with conc's panic
// catcher around it.
type concWaitGroup struct{}

func (concWaitGroup) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var wg conc.WaitGroup
	feed(ctx, t, job.Tasks, func(i int) bool {
		wg.Go(func() { t.task(ctx, i) })
		return true
	})
	wg.Wait()
	return t.result()
}
