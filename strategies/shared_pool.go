package strategies

import (
	"sync"
	"time"
)

// sharedPool is the project's own server-scoped pool: workers that outlive
// jobs read every sharing job's tasks from one bounded channel. A worker
// starts when a task is queued and no worker is idle to take it, up to max,
// and ends after the registry's idle time without a task. It sits behind a
// gate (see gatedPool), so at most max tasks are ever queued or running.
type sharedPool struct {
	r    *Registry
	g    *gatedPool
	max  int
	work chan poolTask

	mu                  sync.Mutex
	live, idle, pending int // pending: tasks submitted and not yet taken
}

// newSharedPool returns the own server-scoped pool of at most workers
// goroutines, behind its gate.
func (r *Registry) newSharedPool(workers int) *gatedPool {
	g := newGatedPool(workers)
	p := &sharedPool{r: r, g: g, max: workers, work: make(chan poolTask, queueDepth(workers))}
	g.submit = p.submit
	return g
}

// submit queues pt, starting a worker first when more tasks are pending
// than workers are idle. The gate holds the tasks in flight to at most
// max, so the send never waits for long.
func (p *sharedPool) submit(pt poolTask) error {
	p.mu.Lock()
	p.pending++
	if p.pending > p.idle && p.live < p.max {
		// The new worker counts as idle from now, so that tasks submitted
		// before it reaches its receive do not start more than needed.
		p.live++
		p.idle++
		p.r.live.Add(1)
		p.r.wg.Go(p.worker)
	}
	p.mu.Unlock()
	p.work <- pt
	return nil
}

// worker runs queued tasks until it has been idle for the registry's idle
// time with nothing pending, or the registry closes.
func (p *sharedPool) worker() {
	defer p.r.live.Add(-1)
	timer := time.NewTimer(p.r.idle)
	defer timer.Stop()
	for {
		select {
		case pt := <-p.work:
			p.mu.Lock()
			p.pending--
			p.idle--
			p.mu.Unlock()
			p.g.run(pt)
			p.mu.Lock()
			p.idle++
			p.mu.Unlock()
			timer.Reset(p.r.idle)
		case <-timer.C:
			p.mu.Lock()
			if p.pending > 0 {
				// A submitter counted on this worker: stay for its task.
				p.mu.Unlock()
				timer.Reset(p.r.idle)
				continue
			}
			p.idle--
			p.live--
			p.mu.Unlock()
			return
		case <-p.r.quit:
			p.mu.Lock()
			p.idle--
			p.live--
			p.mu.Unlock()
			return
		}
	}
}
