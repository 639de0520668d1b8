package strategies

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// gatedPool is a pool shared by every job of a server scope (the project's
// own, or a library's), behind a FIFO semaphore with one slot per worker. A
// task takes a slot before it is submitted and frees it when it ends, so the
// pool always has a worker for it and queues nothing for long. The gate is
// what keeps a waiting job cancellable: a task once in a channel, in ants'
// Invoke or in pond's queue cannot be withdrawn, so without the gate a job
// queued behind other jobs' long tasks could not stop until those ended.
type gatedPool struct {
	gate   *semaphore.Weighted
	submit func(poolTask) error // hands a task to the pool
	close  func()               // stops the pool and waits for its goroutines
}

func newGatedPool(workers int) *gatedPool {
	return &gatedPool{gate: semaphore.NewWeighted(int64(workers))}
}

// poolTask is one task of a job handed to a shared pool's worker.
type poolTask struct {
	ctx  context.Context
	t    *tally
	i    int
	done *sync.WaitGroup
}

// run is what a worker runs for each task.
func (g *gatedPool) run(pt poolTask) {
	pt.t.task(pt.ctx, pt.i)
	g.gate.Release(1)
	pt.done.Done()
}

func (g *gatedPool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var done sync.WaitGroup
	feed(ctx, t, job.Tasks, func(i int) bool {
		if g.gate.Acquire(ctx, 1) != nil {
			return false
		}
		done.Add(1)
		if g.submit(poolTask{ctx: ctx, t: t, i: i, done: &done}) != nil {
			// Only a closed pool refuses, and jobs end before Close.
			g.gate.Release(1)
			done.Done()
			return false
		}
		return true
	})
	done.Wait()
	return t.result()
}
