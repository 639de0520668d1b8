package strategies

import (
	"context"
	"sync"
	"sync/atomic"
)

// pipeline runs a job as producer → stage workers → collector over bounded
// channels. Each stage of the job has its own min(workers, tasks) workers, so
// the I/O half and the CPU half of a mixed task overlap across tasks: up to
// len(job.Stages) × workers stage executions run at once, at most workers in
// any one stage. The collector is the calling goroutine. It starts
// 1 + len(job.Stages) × min(workers, tasks) goroutines per job.
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
			select {
			case src <- item{task: i, v: t.seed(i)}:
				return true
			case <-ctx.Done():
				return false
			}
		})
	})
	var next chan item = src
	for _, s := range job.Stages {
		in, out := next, make(chan item, queueDepth(p.workers))
		n := min(p.workers, job.Tasks)
		var running atomic.Int32
		running.Store(int32(n))
		for range n {
			wg.Go(func() {
				// The last worker of a stage to finish closes its output:
				// shutdown flows down the pipeline, input before output.
				defer func() {
					if running.Add(-1) == 0 {
						close(out)
					}
				}()
				// Workers drain their input even once ctx is done, so that
				// no upstream sender blocks; cancelled items are counted
				// and dropped. Failed items are dropped too.
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
		if n == 0 {
			close(out)
		}
		next = out
	}
	for it := range next {
		t.complete(it.task, it.v)
	}
	wg.Wait()
	return t.result(ctx)
}
