package strategies

import (
	"context"
	"sync"
)

// goroutinePerTask fans out one goroutine per task and fans in with a
// WaitGroup. Parallelism is unbounded: a job of n tasks runs n goroutines,
// about 1 µs and 2–8 KiB of stack each.
type goroutinePerTask struct{}

func (goroutinePerTask) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var wg sync.WaitGroup
	for i := range job.Tasks {
		if ctx.Err() != nil {
			t.skip(job.Tasks - i)
			break
		}
		wg.Add(1)
		go t.spawned(ctx, i, &wg)
	}
	wg.Wait()
	return t.result()
}
