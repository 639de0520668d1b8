package strategies

import (
	"context"
	"fmt"
	"sync"

	"github.com/panjf2000/ants/v2"
)

// Importing ants starts its package-level default pool, whose purge and
// clock goroutines then wake the process every half second for its whole
// life and make every goroutine-leak check fail. stratbench never uses that
// pool, so it is released at once.
func init() { ants.Release() }

// antsPool runs a job on a github.com/panjf2000/ants/v2 pool of
// min(workers, tasks) goroutines made for the job and released, waiting for
// its workers and its clock goroutine, before Run returns. It uses the
// library's fastest form, a PoolWithFuncGeneric, which passes each task its
// index without a closure; the periodic purge of idle workers is off, since
// the pool lives for one job. Submission blocks while every worker is busy,
// without a context, but only on this job's own tasks, which end promptly
// once ctx is done.
type antsPool struct{ workers int }

func (p antsPool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var wg sync.WaitGroup
	ap, err := ants.NewPoolWithFuncGeneric(min(p.workers, job.Tasks), func(i int) {
		defer wg.Done()
		t.task(ctx, i)
	}, ants.WithDisablePurge(true))
	if err != nil {
		panic(fmt.Sprintf("strategies: ants pool of %d: %v", p.workers, err))
	}
	feed(ctx, t, job.Tasks, func(i int) bool {
		wg.Add(1)
		if ap.Invoke(i) != nil {
			wg.Done()
			return false
		}
		return true
	})
	wg.Wait()
	releaseAnts(ap.ReleaseContext)
	return t.result()
}

// releaseAnts closes an ants pool and waits for its workers and background
// goroutines to end. With a context that never ends, ReleaseContext fails
// only on a pool already closed: a programmer error.
func releaseAnts(release func(context.Context) error) {
	if err := release(context.Background()); err != nil {
		panic(fmt.Sprintf("strategies: releasing an ants pool: %v", err))
	}
}

// newSharedAnts returns a server-scoped ants pool: one long-lived
// PoolWithFuncGeneric of workers goroutines serving every job that shares
// it, behind a gate (see gatedPool). Idle workers are purged after ants'
// default second; close releases the pool and waits for all its goroutines.
func newSharedAnts(workers int) *gatedPool {
	g := newGatedPool(workers)
	ap, err := ants.NewPoolWithFuncGeneric(workers, g.run)
	if err != nil {
		panic(fmt.Sprintf("strategies: ants pool of %d: %v", workers, err))
	}
	g.submit = ap.Invoke
	g.close = func() { releaseAnts(ap.ReleaseContext) }
	return g
}
