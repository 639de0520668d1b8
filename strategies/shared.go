package strategies

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/semaphore"
)

// ErrNotShareable is returned by Registry.Get for strategies that have no
// server-wide form: goroutine-per-task is unbounded, a pipeline's stages
// belong to one job, and a conc pool or an errgroup is waited for as a
// whole.
var ErrNotShareable = errors.New("strategy has no server scope")

// ErrRegistryFull is returned by Registry.Get when it already holds its
// maximum number of shared instances.
var ErrRegistryFull = errors.New("too many distinct server-scoped strategies")

// ErrRegistryClosed is returned by Registry.Get after Close.
var ErrRegistryClosed = errors.New("registry closed")

// Registry holds server-scoped strategies: one instance per (kind,
// implementation, parallelism), shared by every job that asks for it, so
// that its limit is a bulkhead across concurrent jobs. Serial, Pool and
// Semaphore can be shared, and the ants and pond pools (see Shareable).
// The zero value is not usable; call NewRegistry.
type Registry struct {
	max    int
	mu     sync.Mutex
	m      map[registryKey]Strategy
	stops  []func() // stop the long-lived pools' workers and wait for them
	closed bool
}

type registryKey struct {
	kind        Kind
	impl        Implementation
	parallelism int
}

// NewRegistry returns a Registry holding at most max instances. A shared
// pool's workers live until Close, so max bounds the goroutines a registry
// can hold to max × the largest parallelism allowed (plus one clock
// goroutine per ants pool).
func NewRegistry(max int) *Registry {
	return &Registry{max: max, m: make(map[registryKey]Strategy)}
}

// Get returns the shared instance of kind k, in the project's own
// implementation, with the given parallelism: GetImpl(k, Own, parallelism).
func (r *Registry) Get(k Kind, parallelism int) (Strategy, error) {
	return r.GetImpl(k, Own, parallelism)
}

// GetImpl returns the shared instance of kind k carried out by impl with the
// given parallelism, creating it on first use. Serial ignores parallelism.
// It fails with ErrNotShareable unless Shareable(k, impl).
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
	if s, ok := r.m[key]; ok {
		return s, nil
	}
	if len(r.m) >= r.max {
		return nil, fmt.Errorf("%w: limit %d", ErrRegistryFull, r.max)
	}
	var s Strategy
	switch {
	case k == Serial:
		s = sharedSerial{w: semaphore.NewWeighted(1)}
	case k == Semaphore:
		s = newSemaphore(parallelism)
	default:
		newPool := map[Implementation]func(int) *gatedPool{Own: newSharedPool, Ants: newSharedAnts, Pond: newSharedPond}[impl]
		p := newPool(parallelism)
		r.stops = append(r.stops, p.close)
		s = p
	}
	r.m[key] = s
	return s, nil
}

// Close stops the shared pools' workers (and an ants pool's background
// goroutines) and waits for them. Every job run through the registry's
// strategies must have returned before Close is called. Get fails after
// Close; Close is idempotent.
func (r *Registry) Close() {
	r.mu.Lock()
	stops := r.stops
	r.stops, r.closed = nil, true
	r.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
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

// newSharedPool returns a server-scoped pool of the project's own: workers
// goroutines that outlive jobs, reading every sharing job's tasks from one
// bounded channel, behind a gate (see gatedPool). close closes the channel
// and waits for the workers.
func newSharedPool(workers int) *gatedPool {
	g := newGatedPool(workers)
	work := make(chan poolTask, queueDepth(workers))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for pt := range work {
				g.run(pt)
			}
		})
	}
	// The gate holds the tasks in flight to workers, so the send never
	// waits for long.
	g.submit = func(pt poolTask) error {
		work <- pt
		return nil
	}
	g.close = func() {
		close(work)
		wg.Wait()
	}
	return g
}
