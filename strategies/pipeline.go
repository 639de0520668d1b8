package strategies

import (
	"context"
	"sync"
)

// pipeline runs a job as producer → stage workers → collector over bounded
// channels. Each stage of the job has its own min(workers, tasks) workers, so
// the I/O half and the CPU half of a mixed task overlap across tasks: up to
// len(job.Stages) × workers stage executions run at once, at most workers in
// any one stage. The collector is the calling goroutine. It starts
// 1 + len(job.Stages) × (1 + min(workers, tasks)) goroutines per job: the
// producer, and per stage its workers and the goroutine that waits for them.
//
// Shutdown flows down the pipeline one way: the producer closes its output
// when it has fed every task, and each stage closes its output once its
// workers have drained their input (wg.Wait(); close(out)).
type pipeline struct{ workers int }

// item is one task travelling down the pipeline.
type item struct {
	task int
	v    uint64
}

func (p pipeline) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var wg sync.WaitGroup
	src := make(chan item, queueDepth(p.workers))
	wg.Go(func() {
		defer close(src)
		feed(ctx, t, job.Tasks, func(i int) bool {
			v, err := t.seed(i)
			if err != nil {
				t.fail(ctx, i, err)
				return true
			}
			select {
			case src <- item{task: i, v: v}:
				return true
			case <-ctx.Done():
				return false
			}
		})
	})
	next := src
	for _, s := range job.Stages {
		out := make(chan item, queueDepth(p.workers))
		in, n := next, min(p.workers, job.Tasks)
		wg.Go(func() { p.stage(ctx, t, s, n, in, out) })
		next = out
	}
	for it := range next {
		t.complete(ctx, it.task, it.v)
	}
	wg.Wait()
	return t.result()
}

// stage runs n workers of stage s from in to out and closes out once they
// have all returned. Workers drain in even once ctx is done, so that no
// upstream sender blocks; cancelled items are counted and dropped, and so
// are failed ones.
func (pipeline) stage(ctx context.Context, t *tally, s Stage, n int, in <-chan item, out chan<- item) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for it := range in {
				if ctx.Err() != nil {
					t.skip(1)
					continue
				}
				v, err := t.stage(ctx, s, it.task, it.v)
				if err != nil {
					t.fail(ctx, it.task, err)
					continue
				}
				out <- item{task: it.task, v: v}
			}
		})
	}
	wg.Wait()
	close(out)
}
