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

// variant is one way to obtain a strategy: job scope, or server scope from a
// registry.
type variant struct {
	name string
	get  func(t *testing.T, r *strategies.Registry, p int) strategies.Strategy
}

func variants() []variant {
	var vs []variant
	for _, k := range strategies.Kinds {
		vs = append(vs, variant{k.String() + "/job", func(_ *testing.T, _ *strategies.Registry, p int) strategies.Strategy {
			return strategies.New(k, p)
		}})
	}
	for _, k := range []strategies.Kind{strategies.Serial, strategies.Pool, strategies.Semaphore} {
		vs = append(vs, variant{k.String() + "/server", func(t *testing.T, r *strategies.Registry, p int) strategies.Strategy {
			s, err := r.Get(k, p)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}})
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
			if got.Failed < 1 || got.Cancelled == 0 || got.Completed+got.Failed+got.Cancelled != 200 {
				t.Errorf("got %+v: want ≥1 failed, some cancelled, 200 in all", got)
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
		if v.name == "goroutine-per-task/job" {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			const p = 3
			want := int64(p)
			if v.name == "serial/job" || v.name == "serial/server" {
				want = 1
			}
			s1, high1 := highWater(200 * time.Microsecond)
			s2, high2 := highWater(100 * time.Microsecond)
			st := v.get(t, r, p)
			// Several concurrent jobs: a server-scoped strategy bounds them
			// all together, a job-scoped one each job (so check one job).
			jobs := 1
			if v.name[len(v.name)-6:] == "server" {
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
	synctest.Test(t, func(t *testing.T) {
		spec := workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}
		res, err := strategies.New(strategies.GoroutinePerTask, 1).Run(t.Context(), job(spec, 500, false))
		if err != nil || res.MaxInFlight != 500 {
			t.Fatalf("res %+v err %v, want all 500 in flight", res, err)
		}
	})
}

// TestIOTiming checks each strategy's schedule in a synctest bubble, where
// timers fire exactly: 24 tasks of 10 ms at parallelism 4.
func TestIOTiming(t *testing.T) {
	cases := []struct {
		kind strategies.Kind
		spec workload.Spec
		want time.Duration
	}{
		{strategies.Serial, workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}, 240 * time.Millisecond},
		{strategies.GoroutinePerTask, workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}, 10 * time.Millisecond},
		{strategies.Pool, workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}, 60 * time.Millisecond},
		{strategies.Semaphore, workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}, 60 * time.Millisecond},
		{strategies.Pipeline, workload.Spec{Kind: workload.IO, IOLatency: 10 * time.Millisecond}, 60 * time.Millisecond},
		// Mixed with a zero-cost CPU half: the pipeline's I/O stage bounds it.
		{strategies.Pipeline, workload.Spec{Kind: workload.Mixed, IOLatency: 10 * time.Millisecond}, 60 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.kind.String()+"/"+c.spec.Kind.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				res, err := strategies.New(c.kind, 4).Run(t.Context(), job(c.spec, 24, false))
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

// TestCancelIsPrompt cancels jobs of long I/O tasks after 20 ms: Run returns
// at once, counting every task.
func TestCancelIsPrompt(t *testing.T) {
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
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
				if took := time.Since(start); took != 20*time.Millisecond {
					t.Errorf("returned after %v, want 20ms", took)
				}
				if res.Cancelled != 100 {
					t.Errorf("cancelled = %d, want 100 (%+v)", res.Cancelled, res)
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
	for _, k := range []strategies.Kind{strategies.Pool, strategies.Semaphore} {
		t.Run(k.String(), func(t *testing.T) {
			r := newRegistry(t)
			s, err := r.Get(k, p)
			if err != nil {
				t.Fatal(err)
			}
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
	for _, k := range []strategies.Kind{strategies.GoroutinePerTask, strategies.Pipeline} {
		if _, err := r.Get(k, 2); !errors.Is(err, strategies.ErrNotShareable) {
			t.Errorf("Get(%v) err = %v, want ErrNotShareable", k, err)
		}
	}
	a, _ := r.Get(strategies.Pool, 2)
	b, _ := r.Get(strategies.Pool, 2)
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
