package strategies

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/semaphore"
)

// ErrNotShareable is returned by Registry.Get for strategies that have no
// server-wide form: goroutine-per-task is unbounded and a pipeline's stages
// belong to one job.
var ErrNotShareable = errors.New("strategy has no server scope")

// ErrRegistryFull is returned by Registry.Get when it already holds its
// maximum number of shared instances.
var ErrRegistryFull = errors.New("too many distinct server-scoped strategies")

// ErrRegistryClosed is returned by Registry.Get after Close.
var ErrRegistryClosed = errors.New("registry closed")

// Registry holds server-scoped strategies: one instance per (kind,
// parallelism), shared by every job that asks for it, so that its limit is a
// bulkhead across concurrent jobs. Serial, Pool and Semaphore can be shared.
// The zero value is not usable; call NewRegistry.
type Registry struct {
	max    int
	mu     sync.Mutex
	m      map[registryKey]Strategy
	pools  []*sharedPool
	closed bool
}

type registryKey struct {
	kind        Kind
	parallelism int
}

// NewRegistry returns a Registry holding at most max instances. A shared
// pool's workers live until Close, so max bounds the goroutines a registry
// can hold to max × the largest parallelism allowed.
func NewRegistry(max int) *Registry {
	return &Registry{max: max, m: make(map[registryKey]Strategy)}
}

// Get returns the shared instance of kind k with the given parallelism,
// creating it on first use. Serial ignores parallelism.
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
	if s, ok := r.m[key]; ok {
		return s, nil
	}
	if len(r.m) >= r.max {
		return nil, fmt.Errorf("%w: limit %d", ErrRegistryFull, r.max)
	}
	var s Strategy
	switch k {
	case Serial:
		s = sharedSerial{w: semaphore.NewWeighted(1)}
	case Pool:
		p := newSharedPool(parallelism)
		r.pools = append(r.pools, p)
		s = p
	case Semaphore:
		s = newSemaphore(parallelism)
	}
	r.m[key] = s
	return s, nil
}

// Close stops the shared pools' workers and waits for them. Every job run
// through the registry's strategies must have returned before Close is
// called. Get fails after Close; Close is idempotent.
func (r *Registry) Close() {
	r.mu.Lock()
	pools := r.pools
	r.pools, r.closed = nil, true
	r.mu.Unlock()
	for _, p := range pools {
		p.close()
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

// sharedPool is a pool whose workers outlive jobs: every job sharing it
// submits its tasks to one bounded channel read by the same workers.
type sharedPool struct {
	work chan poolTask
	wg   sync.WaitGroup
}

type poolTask struct {
	ctx  context.Context
	t    *tally
	i    int
	done *sync.WaitGroup
}

func newSharedPool(workers int) *sharedPool {
	p := &sharedPool{work: make(chan poolTask, queueDepth(workers))}
	for range workers {
		p.wg.Go(func() {
			for pt := range p.work {
				pt.t.task(pt.ctx, pt.i)
				pt.done.Done()
			}
		})
	}
	return p
}

func (p *sharedPool) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	var done sync.WaitGroup
	feed(ctx, t, job.Tasks, func(i int) bool {
		done.Add(1)
		select {
		case p.work <- poolTask{ctx: ctx, t: t, i: i, done: &done}:
			return true
		case <-ctx.Done():
			done.Done()
			return false
		}
	})
	// The job's tasks run on the pool's workers; Run returns once they
	// have all ended, so nothing of the job outlives the call.
	done.Wait()
	return t.result()
}

// close stops the workers once the queue drains and waits for them.
func (p *sharedPool) close() {
	close(p.work)
	p.wg.Wait()
}
