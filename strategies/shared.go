package strategies

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// ErrNotShareable is returned by Registry.Get for strategies that have no
// server-wide form: goroutine-per-task is unbounded and a pipeline's stages
// belong to one job.
var ErrNotShareable = errors.New("strategy has no server scope")

// ErrRegistryFull is returned by Registry.Get when a new shared instance
// would pass the registry's limit on instances or on pool workers.
var ErrRegistryFull = errors.New("too many server-scoped strategies")

// ErrRegistryClosed is returned by Registry.Get after Close.
var ErrRegistryClosed = errors.New("registry closed")

// Registry holds server-scoped strategies: one instance per (kind,
// parallelism), shared by every job that asks for it, so that its limit is a
// bulkhead across concurrent jobs. Serial, Pool and Semaphore can be shared.
//
// A shared pool starts its workers on demand, up to its parallelism, and a
// worker idle for the registry's idle time ends; an instance no job has used
// for the idle time is dropped from the registry, freeing its place. The
// parallelism of all pools held together is bounded, so the registry holds
// at most that many worker goroutines. The zero value is not usable; call
// NewRegistry.
type Registry struct {
	max, maxWorkers int
	idle            time.Duration

	mu      sync.Mutex
	m       map[registryKey]*entry
	workers int // parallelism of the pools in m
	closed  bool

	live atomic.Int64  // workers running, in every pool
	quit chan struct{} // closed by Close: idle workers end
	wg   sync.WaitGroup
}

type registryKey struct {
	kind        Kind
	parallelism int
}

// entry is one shared instance and its use.
type entry struct {
	s        Strategy
	workers  int // the pool's parallelism, 0 for the others
	active   int // jobs running through it
	lastUsed time.Time
}

// NewRegistry returns a Registry holding at most max instances, whose
// pools have at most maxWorkers workers together, and which retires pool
// workers and unused instances after idle.
func NewRegistry(max, maxWorkers int, idle time.Duration) *Registry {
	return &Registry{max: max, maxWorkers: maxWorkers, idle: idle,
		m: make(map[registryKey]*entry), quit: make(chan struct{})}
}

// Get returns the shared instance of kind k with the given parallelism,
// creating it on first use. Serial ignores parallelism. It fails with
// ErrRegistryFull when creating the instance would pass the limit on
// instances or on pool workers even after retiring the unused ones.
func (r *Registry) Get(k Kind, parallelism int) (Strategy, error) {
	switch k {
	case Serial:
		parallelism = 1
	case Pool, Semaphore:
		if parallelism < 1 {
			return nil, fmt.Errorf("%v with parallelism %d: must be at least 1", k, parallelism)
		}
	default:
		return nil, fmt.Errorf("%v: %w", k, ErrNotShareable)
	}
	key := registryKey{k, parallelism}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrRegistryClosed
	}
	now := time.Now()
	if e, ok := r.m[key]; ok {
		e.lastUsed = now
		return shared{r, e}, nil
	}
	r.retire(now)
	if len(r.m) >= r.max {
		return nil, fmt.Errorf("%w: %d instances in use, limit %d", ErrRegistryFull, len(r.m), r.max)
	}
	e := &entry{lastUsed: now}
	switch k {
	case Serial:
		e.s = sharedSerial{w: semaphore.NewWeighted(1)}
	case Pool:
		if r.workers+parallelism > r.maxWorkers {
			return nil, fmt.Errorf("%w: shared pools have %d workers, a pool of %d would pass the limit %d",
				ErrRegistryFull, r.workers, parallelism, r.maxWorkers)
		}
		e.s, e.workers = &sharedPool{r: r, max: parallelism, work: make(chan poolTask, queueDepth(parallelism))}, parallelism
		r.workers += parallelism
	case Semaphore:
		e.s = newSemaphore(parallelism)
	}
	r.m[key] = e
	return shared{r, e}, nil
}

// retire drops the instances that no job has used for the idle time. A
// dropped pool's workers have been idle as long, so they are ending too.
func (r *Registry) retire(now time.Time) {
	for k, e := range r.m {
		if e.active == 0 && now.Sub(e.lastUsed) >= r.idle {
			delete(r.m, k)
			r.workers -= e.workers
		}
	}
}

// Workers returns the number of shared pool workers running now.
func (r *Registry) Workers() int { return int(r.live.Load()) }

// Close stops the shared pools' workers and waits for them. Every job run
// through the registry's strategies must have returned before Close is
// called. Get fails after Close; Close is idempotent.
func (r *Registry) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.quit)
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// shared runs jobs on a registry entry, marking it in use meanwhile so that
// it is not retired under a running job.
type shared struct {
	r *Registry
	e *entry
}

func (s shared) Run(ctx context.Context, job Job) (Result, error) {
	s.use(1)
	defer s.use(-1)
	return s.e.s.Run(ctx, job)
}

func (s shared) use(n int) {
	s.r.mu.Lock()
	s.e.active += n
	s.e.lastUsed = time.Now()
	s.r.mu.Unlock()
}

// sharedSerial runs each job's tasks in order on the calling goroutine,
// holding a server-wide slot of weight 1 for each task, so that at most one
// task of all the jobs sharing it runs at any moment.
type sharedSerial struct{ w *semaphore.Weighted }

func (s sharedSerial) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	feed(ctx, t, job.Tasks, func(i int) bool {
		if s.w.Acquire(ctx, 1) != nil {
			return false
		}
		defer s.w.Release(1)
		t.task(ctx, i)
		return true
	})
	return t.result()
}

// sharedPool is a pool whose workers outlive jobs: every job sharing it
// submits its tasks to one bounded channel read by the same workers. A
// worker starts when a task is queued and no worker is idle to take it, up
// to max, and ends after the registry's idle time without a task.
type sharedPool struct {
	r    *Registry
	max  int
	work chan poolTask

	mu                  sync.Mutex
	live, idle, pending int // pending: tasks submitted and not yet taken
}

type poolTask struct {
	ctx  context.Context
	t    *tally
	i    int
	done *sync.WaitGroup
}

func (p *sharedPool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var done sync.WaitGroup
	feed(ctx, t, job.Tasks, func(i int) bool {
		done.Add(1)
		if !p.submit(ctx, poolTask{ctx: ctx, t: t, i: i, done: &done}) {
			done.Done()
			return false
		}
		return true
	})
	// The job's tasks run on the pool's workers; Run returns once they
	// have all ended, so nothing of the job outlives the call.
	done.Wait()
	return t.result()
}

// submit queues pt, starting a worker first when more tasks are pending
// than workers are idle. It returns false if ctx ends first.
func (p *sharedPool) submit(ctx context.Context, pt poolTask) bool {
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
	select {
	case p.work <- pt:
		return true
	case <-ctx.Done():
		p.mu.Lock()
		p.pending--
		p.mu.Unlock()
		return false
	}
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
			pt.t.task(pt.ctx, pt.i)
			pt.done.Done()
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
