package strategies

import (
	"context"

	"github.com/alitto/pond/v2"
)

// pondPool runs a job on a github.com/alitto/pond/v2 pool of at most
// min(workers, tasks) goroutines made for the job, submitting each task as a
// closure with Go (one allocation per task); pond's queue is unbounded, so
// submission never blocks. StopAndWait ends the pool before Run returns;
// pond starts workers on demand and keeps no background goroutine, but
// StopAndWait itself runs on pond's package-level pool for an instant.
type pondPool struct{ workers int }

func (p pondPool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	pp := pond.NewPool(min(p.workers, job.Tasks))
	feed(ctx, t, job.Tasks, func(i int) bool {
		return pp.Go(func() { t.task(ctx, i) }) == nil
	})
	// Every queued task runs, even once ctx is done: each then only counts
	// itself cancelled.
	pp.StopAndWait()
	return t.result()
}

// newSharedPond returns a server-scoped pond pool: one long-lived pool of
// at most workers goroutines serving every job that shares it, behind a
// gate (see gatedPool). close stops it and waits for its workers.
func newSharedPond(workers int) *gatedPool {
	g := newGatedPool(workers)
	pp := pond.NewPool(workers)
	g.submit = func(pt poolTask) error { return pp.Go(func() { g.run(pt) }) }
	g.close = pp.StopAndWait
	return g
}
