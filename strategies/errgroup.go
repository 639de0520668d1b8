package strategies

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// errgroupLimit is the semaphore strategy as golang.org/x/sync/errgroup
// does it: a Group with SetLimit(limit) starts one goroutine per task, Go
// blocking while limit run; Wait ends them before Run returns. Tasks return
// nil to the group: failures are counted per task, and FailFast cancels
// through the job's own context, not the group's.
type errgroupLimit struct{ limit int }

func (e errgroupLimit) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var g errgroup.Group
	g.SetLimit(e.limit)
	feed(ctx, t, job.Tasks, func(i int) bool {
		g.Go(func() error {
			t.task(ctx, i)
			return nil
		})
		return true
	})
	_ = g.Wait() // always nil: every task returns nil
	return t.result()
}
