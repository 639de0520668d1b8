package strategies_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

// variant is one way to obtain a strategy: an implementation of a kind, at
// job scope or at server scope from a registry.
type variant struct {
	name   string
	kind   strategies.Kind
	server bool
	// synctest is false for pond, whose StopAndWait runs on a package-level
	// pool with one WaitGroup: a WaitGroup can serve only one synctest
	// bubble, so pond cannot run in bubbles.
	synctest bool
	get      func(t *testing.T, r *strategies.Registry, p int) strategies.Strategy
}

// bubble runs f in a synctest bubble, or, for a variant that cannot run in
// one, directly on the real clock: a test of hour-long tasks then hangs
// instead of failing if cancellation does not reach them.
func (v variant) bubble(t *testing.T, f func(t *testing.T)) {
	if v.synctest {
		synctest.Test(t, f)
	} else {
		f(t)
	}
}

// variants lists every implementation of every kind at job scope, and every
// shareable one at server scope, so that each contract test runs over all.
func variants() []variant {
	var vs []variant
	for _, k := range strategies.Kinds {
		for _, impl := range strategies.Implementations(k) {
			name := k.String()
			if impl != strategies.Own {
				name += "/" + impl.String()
			}
			inBubble := impl != strategies.Pond
			vs = append(vs, variant{name + "/job", k, false, inBubble, func(_ *testing.T, _ *strategies.Registry, p int) strategies.Strategy {
				return strategies.NewImpl(k, impl, p)
			}})
			if strategies.Shareable(k, impl) {
				vs = append(vs, variant{name + "/server", k, true, inBubble, func(t *testing.T, r *strategies.Registry, p int) strategies.Strategy {
					s, err := r.GetImpl(k, impl, p)
					if err != nil {
						t.Fatal(err)
					}
					return s
				}})
			}
		}
	}
	return vs
}

func newRegistry(t *testing.T) *strategies.Registry {
	r := strategies.NewRegistry(16, 1000, time.Minute)
	t.Cleanup(r.Close)
	return r
}

func job(spec workload.Spec, tasks int, failFast bool) strategies.Job {
	return strategies.Job{Tasks: tasks, Stages: spec.Stages(), Seed: workload.Seed, Fold: workload.Fold, FailFast: failFast}
}

func TestChecksumAgreesAcrossStrategies(t *testing.T) {
	specs := []workload.Spec{
		{Kind: workload.CPU, CPUIterations: 50},
		{Kind: workload.IO, IOLatency: 100 * time.Microsecond},
		{Kind: workload.Mixed, CPUIterations: 20, IOLatency: 50 * time.Microsecond},
		{Kind: workload.CPU, CPUIterations: 10, FailEvery: 3, PanicEvery: 5},
	}
	for _, spec := range specs {
		t.Run(fmt.Sprintf("%v/fail%d", spec.Kind, spec.FailEvery), func(t *testing.T) {
			r := newRegistry(t)
			want, err := strategies.New(strategies.Serial, 1).Run(t.Context(), job(spec, 37, false))
			if err != nil {
				t.Fatal(err)
			}
			if want.Checksum == 0 || want.Completed == 0 {
				t.Fatalf("serial result %+v: no work done", want)
			}
			for _, v := range variants() {
				for _, p := range []int{1, 3, 64} {
					got, err := v.get(t, r, p).Run(t.Context(), job(spec, 37, false))
					if err != nil {
						t.Fatalf("%s p=%d: %v", v.name, p, err)
					}
					if got.Checksum != want.Checksum || got.Completed != want.Completed || got.Failed != want.Failed {
						t.Errorf("%s p=%d: got checksum %x completed %d failed %d, serial gave %x %d %d",
							v.name, p, got.Checksum, got.Completed, got.Failed, want.Checksum, want.Completed, want.Failed)
					}
				}
			}
		})
	}
}

func TestFailuresAndPanicsCountedExactly(t *testing.T) {
	// 100 tasks, fail every 7th (14 tasks), panic every 10th (10 tasks),
	// overlapping at task 69 (counted once, as a failure): 23 failed.
	spec := workload.Spec{Kind: workload.CPU, CPUIterations: 5, FailEvery: 7, PanicEvery: 10}
	r := newRegistry(t)
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			got, err := v.get(t, r, 4).Run(t.Context(), job(spec, 100, false))
			if err != nil {
				t.Fatal(err)
			}
			if got.Failed != 23 || got.Completed != 77 || got.Cancelled != 0 {
				t.Errorf("got completed %d failed %d cancelled %d, want 77 23 0", got.Completed, got.Failed, got.Cancelled)
			}
			if got.FirstFailure == nil || len(got.Failures) != strategies.MaxFailures || got.Failures[0] != got.FirstFailure {
				t.Errorf("FirstFailure %v, %d failures listed; want %d", got.FirstFailure, len(got.Failures), strategies.MaxFailures)
			}
		})
	}
}

func TestFailFastAborts(t *testing.T) {
	spec := workload.Spec{Kind: workload.IO, IOLatency: time.Millisecond, FailEvery: 5}
	r := newRegistry(t)
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			got, err := v.get(t, r, 2).Run(t.Context(), job(spec, 200, true))
			if !errors.Is(err, strategies.ErrAborted) {
				t.Fatalf("err = %v, want ErrAborted", err)
			}
			var te *strategies.TaskError
			if !errors.As(err, &te) || !errors.Is(err, workload.ErrInjected) {
				t.Fatalf("err = %v, want a TaskError wrapping the injected failure", err)
			}
			if got.Failed < 1 || got.Completed+got.Failed+got.Cancelled != 200 {
				t.Errorf("got %+v: want ≥1 failed, 200 in all", got)
			}
			// A bounded strategy runs 2 tasks at a time, so the first failure
			// finds most of the 200 unstarted. Goroutine-per-task starts all
			// 200 at once, each waiting the same 1 ms: whether any is still
			// waiting when the abort comes is a race it may lose.
			if v.kind != strategies.GoroutinePerTask && got.Cancelled == 0 {
				t.Errorf("got %+v: want some cancelled", got)
			}
		})
	}
}

func TestPanicBecomesTaskError(t *testing.T) {
	spec := workload.Spec{Kind: workload.CPU, CPUIterations: 1, PanicEvery: 1}
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			got, err := v.get(t, newRegistry(t), 2).Run(t.Context(), job(spec, 3, true))
			var te *strategies.TaskError
			if !errors.As(err, &te) || !te.Panic {
				t.Fatalf("err = %v, want a panic TaskError", err)
			}
			if got.Failed < 1 {
				t.Errorf("failed = %d", got.Failed)
			}
		})
	}
}

// highWater returns a stage that records the most concurrent executions of
// itself and holds each for d.
func highWater(d time.Duration) (strategies.Stage, func() int64) {
	var cur, high atomic.Int64
	s := func(ctx context.Context, _ int, in uint64) (uint64, error) {
		n := cur.Add(1)
		defer cur.Add(-1)
		for h := high.Load(); n > h && !high.CompareAndSwap(h, n); h = high.Load() {
		}
		time.Sleep(d)
		return in, nil
	}
	return s, high.Load
}

func TestNeverExceedsParallelism(t *testing.T) {
	r := newRegistry(t)
	for _, v := range variants() {
		if v.kind == strategies.GoroutinePerTask {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			const p = 3
			want := int64(p)
			if v.kind == strategies.Serial {
				want = 1
			}
			s1, high1 := highWater(200 * time.Microsecond)
			s2, high2 := highWater(100 * time.Microsecond)
			st := v.get(t, r, p)
			// Several concurrent jobs: a server-scoped strategy bounds them
			// all together, a job-scoped one each job (so check one job).
			jobs := 1
			if v.server {
				jobs = 4
			}
			var wg sync.WaitGroup
			for range jobs {
				wg.Go(func() {
					res, err := st.Run(t.Context(), strategies.Job{Tasks: 60, Stages: []strategies.Stage{s1, s2}})
					if err != nil || res.Completed != 60 {
						t.Errorf("res %+v err %v", res, err)
					}
					if res.MaxInFlight > 2*p {
						t.Errorf("MaxInFlight = %d > %d", res.MaxInFlight, 2*p)
					}
				})
			}
			wg.Wait()
			if h1, h2 := high1(), high2(); h1 > want || h2 > want {
				t.Errorf("stage high-water marks %d, %d exceed %d", h1, h2, want)
			}
			if h1 := high1(); h1 < 1 {
				t.Errorf("high-water %d: nothing ran", h1)
			}
		})
	}
}

func TestGoroutinePerTaskIsUnbounded(t *testing.T) {
	for _, impl := range strategies.Implementations(strategies.GoroutinePerTask) {
		t.Run(impl.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				spec := workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}
				s := strategies.NewImpl(strategies.GoroutinePerTask, impl, 1)
				res, err := s.Run(t.Context(), job(spec, 500, false))
				if err != nil || res.MaxInFlight != 500 {
					t.Fatalf("res %+v err %v, want all 500 in flight", res, err)
				}
			})
		})
	}
}

// TestIOTiming checks each strategy's schedule, in every implementation, in
// a synctest bubble, where timers fire exactly: 24 tasks of 10 ms at
// parallelism 4.
func TestIOTiming(t *testing.T) {
	io := workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}
	cases := []struct {
		kind strategies.Kind
		spec workload.Spec
		want time.Duration
	}{
		{strategies.Serial, io, 240 * time.Millisecond},
		{strategies.GoroutinePerTask, io, 10 * time.Millisecond},
		{strategies.Pool, io, 60 * time.Millisecond},
		{strategies.Semaphore, io, 60 * time.Millisecond},
		{strategies.Pipeline, io, 60 * time.Millisecond},
		// Mixed with a zero-cost CPU half: the pipeline's I/O stage bounds it.
		{strategies.Pipeline, workload.Spec{Kind: workload.Mixed, IOLatency: 10 * time.Millisecond}, 60 * time.Millisecond},
	}
	for _, c := range cases {
		for _, impl := range strategies.Implementations(c.kind) {
			if impl == strategies.Pond {
				continue // cannot run in a bubble: see variant.synctest
			}
			t.Run(c.kind.String()+"/"+impl.String()+"/"+c.spec.Kind.String(), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					start := time.Now()
					res, err := strategies.NewImpl(c.kind, impl, 4).Run(t.Context(), job(c.spec, 24, false))
					if err != nil || res.Completed != 24 {
						t.Fatalf("res %+v err %v", res, err)
					}
					if got := time.Since(start); got != c.want {
						t.Errorf("took %v, want %v", got, c.want)
					}
				})
			})
		}
	}
}

// TestCancelIsPrompt cancels jobs of long I/O tasks after 20 ms: Run returns
// at once, counting every task.
func TestCancelIsPrompt(t *testing.T) {
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			v.bubble(t, func(t *testing.T) {
				r := strategies.NewRegistry(4, 1000, time.Minute)
				defer r.Close()
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
				defer cancel()
				start := time.Now()
				spec := workload.Spec{Kind: workload.Mixed, IOLatency: time.Hour, CPUIterations: 1}
				res, err := v.get(t, r, 8).Run(ctx, job(spec, 100, false))
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want DeadlineExceeded", err)
				}
				if took := time.Since(start); v.synctest && took != 20*time.Millisecond {
					t.Errorf("returned after %v, want 20ms", took)
				}
				if res.Cancelled != 100 {
					t.Errorf("cancelled = %d, want 100 (%+v)", res.Cancelled, res)
				}
			})
		})
	}
}

// TestCancelWhileQueuedBehindOtherJobs fills a server-scoped strategy with
// another job's hour-long tasks, then cancels a second job waiting for
// capacity after 20 ms: the second job returns at once, every task
// cancelled, though none of the first job's tasks has ended.
func TestCancelWhileQueuedBehindOtherJobs(t *testing.T) {
	for _, v := range variants() {
		if !v.server {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			v.bubble(t, func(t *testing.T) {
				r := strategies.NewRegistry(4, 1000, time.Minute)
				defer r.Close()
				s := v.get(t, r, 2)
				hog, stop := context.WithCancel(t.Context())
				var wg sync.WaitGroup
				wg.Go(func() {
					_, _ = s.Run(hog, job(workload.Spec{Kind: workload.IO, IOLatency: time.Hour}, 2, false))
				})
				defer wg.Wait()
				defer stop()
				// Let the first job take every slot.
				time.Sleep(time.Millisecond)
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
				defer cancel()
				start := time.Now()
				res, err := s.Run(ctx, job(workload.Spec{Kind: workload.CPU, CPUIterations: 1}, 10, false))
				if !errors.Is(err, context.DeadlineExceeded) || res.Cancelled != 10 {
					t.Errorf("res %+v err %v, want 10 cancelled by the deadline", res, err)
				}
				if took := time.Since(start); v.synctest && took != 20*time.Millisecond {
					t.Errorf("returned after %v, want 20ms", took)
				}
			})
		})
	}
}

// TestCancelCPUWork cancels a job of very long CPU tasks; the chain notices
// within ~64 steps, so Run returns long before the work could finish.
func TestCancelCPUWork(t *testing.T) {
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(10*time.Millisecond, cancel)
			spec := workload.Spec{Kind: workload.CPU, CPUIterations: 1 << 40}
			res, err := v.get(t, newRegistry(t), 2).Run(ctx, job(spec, 4, false))
			if !errors.Is(err, context.Canceled) || res.Cancelled != 4 {
				t.Errorf("res %+v err %v, want 4 cancelled", res, err)
			}
		})
	}
}

// TestSharedCapacityNotLeaked runs jobs full of failures, panics and
// cancellations through a shared pool and semaphore, then proves that all
// parallelism slots are still there: a job whose tasks wait until p of them
// run at once completes.
func TestSharedCapacityNotLeaked(t *testing.T) {
	const p = 4
	for _, v := range variants() {
		if !v.server || v.kind == strategies.Serial {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			r := newRegistry(t)
			s := v.get(t, r, p)
			for i := range 20 {
				spec := workload.Spec{Kind: workload.IO, IOLatency: time.Millisecond, FailEvery: 2, PanicEvery: 3}
				ctx, cancel := context.WithTimeout(t.Context(), time.Duration(i%4)*time.Millisecond)
				_, _ = s.Run(ctx, job(spec, 30, i%2 == 0))
				cancel()
			}
			var arrived sync.WaitGroup
			arrived.Add(p)
			barrier := func(ctx context.Context, _ int, in uint64) (uint64, error) {
				arrived.Done()
				arrived.Wait()
				return in, nil
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			res, err := s.Run(ctx, strategies.Job{Tasks: p, Stages: []strategies.Stage{barrier}})
			if err != nil || res.Completed != p {
				t.Fatalf("res %+v err %v: capacity leaked", res, err)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	r := strategies.NewRegistry(2, 1000, time.Minute)
	defer r.Close()
	for _, k := range strategies.Kinds {
		for _, impl := range strategies.Implementations(k) {
			if strategies.Shareable(k, impl) {
				continue
			}
			if _, err := r.GetImpl(k, impl, 2); !errors.Is(err, strategies.ErrNotShareable) {
				t.Errorf("GetImpl(%v, %v) err = %v, want ErrNotShareable", k, impl, err)
			}
		}
	}
	if _, err := r.GetImpl(strategies.Semaphore, strategies.Ants, 2); !errors.Is(err, strategies.ErrNotShareable) {
		t.Errorf("GetImpl(semaphore, ants) err = %v, want ErrNotShareable", err)
	}
	a, _ := r.Get(strategies.Pool, 2)
	b, _ := r.GetImpl(strategies.Pool, strategies.Own, 2)
	if a != b {
		t.Error("same key gave two instances")
	}
	if _, err := r.Get(strategies.Semaphore, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(strategies.Semaphore, 3); !errors.Is(err, strategies.ErrRegistryFull) {
		t.Errorf("err = %v, want ErrRegistryFull", err)
	}
	r.Close()
	if _, err := r.Get(strategies.Pool, 2); !errors.Is(err, strategies.ErrRegistryClosed) {
		t.Errorf("err = %v, want ErrRegistryClosed", err)
	}
}
