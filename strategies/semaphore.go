package strategies

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// sem runs one goroutine per task, starting each only once it holds one of
// the semaphore's slots, so at most the semaphore's weight run at once and no
// more than that many goroutines exist. Acquisition is FIFO, so jobs sharing
// one sem (server scope) are served in arrival order.
type sem struct{ w *semaphore.Weighted }

func newSemaphore(n int) sem { return sem{w: semaphore.NewWeighted(int64(n))} }

func (s sem) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var wg sync.WaitGroup
	feed(ctx, t, job.Tasks, func(i int) bool {
		if s.w.Acquire(ctx, 1) != nil {
			return false
		}
		wg.Add(1)
		go s.spawned(ctx, t, i, &wg)
		return true
	})
	wg.Wait()
	return t.result()
}

// spawned runs task i on its own goroutine and releases its slot. A go
// statement calling a method with arguments allocates no closure, unlike
// wg.Go(func() {...}), which saves two allocations per task.
func (s sem) spawned(ctx context.Context, t *tally, i int, wg *sync.WaitGroup) {
	defer wg.Done()
	defer s.w.Release(1)
	t.task(ctx, i)
}
