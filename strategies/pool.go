package strategies

import (
	"context"
	"sync"
)

// pool runs a job on a fixed set of workers fed task indices from a bounded
// channel. It starts min(workers, tasks) goroutines per job: workers beyond
// the number of tasks would never receive one.
type pool struct{ workers int }

func (p pool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	tasks := make(chan int, p.workers)
	var wg sync.WaitGroup
	for range min(p.workers, job.Tasks) {
		wg.Go(func() {
			for i := range tasks {
				t.task(ctx, i)
			}
		})
	}
	feed(ctx, t, job.Tasks, func(i int) bool {
		select {
		case tasks <- i:
			return true
		case <-ctx.Done():
			return false
		}
	})
	// Shutdown order: close the input, wait for the workers.
	close(tasks)
	wg.Wait()
	return t.result(ctx)
}

// feed offers tasks 0..n-1 to send in order until send refuses one, then
// counts the rest as cancelled.
func feed(ctx context.Context, t *tally, n int, send func(i int) bool) {
	for i := range n {
		if ctx.Err() != nil || !send(i) {
			t.skip(n - i)
			return
		}
	}
}
