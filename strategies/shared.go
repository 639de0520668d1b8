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
// server-wide form: goroutine-per-task is unbounded, a pipeline's stages
// belong to one job, and a conc pool or an errgroup is waited for as a
// whole.
var ErrNotShareable = errors.New("strategy has no server scope")

// ErrRegistryFull is returned by Registry.Get when a new shared instance
// would pass the registry's limit on instances or on pool workers.
var ErrRegistryFull = errors.New("too many server-scoped strategies")

// ErrRegistryClosed is returned by Registry.Get after Close.
var ErrRegistryClosed = errors.New("registry closed")

// Registry holds server-scoped strategies: one instance per (kind,
// implementation, parallelism), shared by every job that asks for it, so
// that its limit is a bulkhead across concurrent jobs. Serial, Pool and
// Semaphore can be shared, and the ants and pond pools (see Shareable).
//
// The project's own shared pool starts its workers on demand, up to its
// parallelism, and a worker idle for the registry's idle time ends; an
// instance no job has used for the idle time is dropped from the registry,
// freeing its place (a library pool is released then). The parallelism of
// all pools held together is bounded, so the registry holds at most that
// many worker goroutines. The zero value is not usable; call NewRegistry.
type Registry struct {
	max, maxWorkers int
	idle            time.Duration

	mu      sync.Mutex
	m       map[registryKey]*entry
	workers int // parallelism of the pools in m
	closed  bool

	live atomic.Int64  // own pools' workers running, in every pool
	quit chan struct{} // closed by Close: idle workers end
	wg   sync.WaitGroup
}

type registryKey struct {
	kind        Kind
	impl        Implementation
	parallelism int
}

// entry is one shared instance and its use.
type entry struct {
	s        Strategy
	workers  int    // the pool's parallelism, 0 for the others
	stop     func() // releases a library pool and waits for it; nil for the others
	active   int    // jobs running through it
	lastUsed time.Time
}

// NewRegistry returns a Registry holding at most max instances, whose
// pools have at most maxWorkers workers together, and which retires pool
// workers and unused instances after idle.
func NewRegistry(max, maxWorkers int, idle time.Duration) *Registry {
	return &Registry{max: max, maxWorkers: maxWorkers, idle: idle,
		m: make(map[registryKey]*entry), quit: make(chan struct{})}
}

// Get returns the shared instance of kind k, in the project's own
// implementation, with the given parallelism: GetImpl(k, Own, parallelism).
func (r *Registry) Get(k Kind, parallelism int) (Strategy, error) {
	return r.GetImpl(k, Own, parallelism)
}

// GetImpl returns the shared instance of kind k carried out by impl with the
// given parallelism, creating it on first use. Serial ignores parallelism.
// It fails with ErrNotShareable unless Shareable(k, impl), and with
// ErrRegistryFull when creating the instance would pass the limit on
// instances or on pool workers even after retiring the unused ones.
func (r *Registry) GetImpl(k Kind, impl Implementation, parallelism int) (Strategy, error) {
	switch {
	case !Shareable(k, impl):
		return nil, fmt.Errorf("%v/%v: %w", k, impl, ErrNotShareable)
	case k == Serial:
		parallelism = 1
	case parallelism < 1:
		return nil, fmt.Errorf("%v with parallelism %d: must be at least 1", k, parallelism)
	}
	key := registryKey{k, impl, parallelism}
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
	case Semaphore:
		e.s = newSemaphore(parallelism)
	case Pool:
		if r.workers+parallelism > r.maxWorkers {
			return nil, fmt.Errorf("%w: shared pools have %d workers, a pool of %d would pass the limit %d",
				ErrRegistryFull, r.workers, parallelism, r.maxWorkers)
		}
		var g *gatedPool
		switch impl {
		case Ants:
			g = newSharedAnts(parallelism)
			e.stop = g.close
		case Pond:
			g = newSharedPond(parallelism)
			e.stop = g.close
		default:
			// The own pool's workers end by themselves once idle or at
			// Close, so it needs no stop.
			g = r.newSharedPool(parallelism)
		}
		e.s, e.workers = g, parallelism
		r.workers += parallelism
	}
	r.m[key] = e
	return shared{r, e}, nil
}

// retire drops the instances that no job has used for the idle time. A
// dropped own pool's workers have been idle as long, so they are ending
// too; a dropped library pool is released on a goroutine Close waits for.
func (r *Registry) retire(now time.Time) {
	var stops []func()
	for k, e := range r.m {
		if e.active == 0 && now.Sub(e.lastUsed) >= r.idle {
			delete(r.m, k)
			r.workers -= e.workers
			if e.stop != nil {
				stops = append(stops, e.stop)
			}
		}
	}
	if len(stops) > 0 {
		r.wg.Go(func() {
			for _, stop := range stops {
				stop()
			}
		})
	}
}

// Workers returns the number of the own shared pools' workers running now.
func (r *Registry) Workers() int { return int(r.live.Load()) }

// Close stops the shared pools' workers (and an ants pool's background
// goroutines) and waits for them. Every job run through the registry's
// strategies must have returned before Close is called. Get fails after
// Close; Close is idempotent.
func (r *Registry) Close() {
	var stops []func()
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.quit)
		for k, e := range r.m {
			if e.stop != nil {
				stops = append(stops, e.stop)
			}
			delete(r.m, k)
		}
	}
	r.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
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
