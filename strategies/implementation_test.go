package strategies_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
	"go.uber.org/goleak"
)

// TestNoGoroutineOutlivesJob runs a clean job, a job of failures and panics
// and a cancelled job under every implementation, then checks that no
// goroutine the jobs started is left: the libraries' workers and background
// goroutines (ants' clock and purger, pond's stopper) included. A
// server-scoped strategy's workers belong to its registry, so they are
// checked after Registry.Close.
func TestNoGoroutineOutlivesJob(t *testing.T) {
	specs := []workload.Spec{
		{Kind: workload.CPU, CPUIterations: 5},
		{Kind: workload.CPU, CPUIterations: 5, FailEvery: 3, PanicEvery: 4},
		{Kind: workload.IO, IOLatency: time.Hour},
	}
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			r := strategies.NewRegistry(1, 1000, time.Minute)
			s := v.get(t, r, 3)
			for _, spec := range specs {
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
				res, _ := s.Run(ctx, job(spec, 40, false))
				cancel()
				if n := res.Completed + res.Failed + res.Cancelled; n != 40 {
					t.Errorf("%v: %d tasks counted, want 40", spec.Kind, n)
				}
				if !v.server {
					goleak.VerifyNone(t, before)
				}
			}
			r.Close()
			goleak.VerifyNone(t, before)
		})
	}
}

func TestImplementations(t *testing.T) {
	for _, k := range strategies.Kinds {
		impls := strategies.Implementations(k)
		if len(impls) == 0 || impls[0] != strategies.Own {
			t.Errorf("%v: implementations %v, want own first", k, impls)
		}
		for _, impl := range strategies.AllImplementations {
			if got, want := strategies.Supports(k, impl), slices.Contains(impls, impl); got != want {
				t.Errorf("Supports(%v, %v) = %v, want %v", k, impl, got, want)
			}
			if strategies.Shareable(k, impl) && !strategies.Supports(k, impl) {
				t.Errorf("Shareable(%v, %v) but not supported", k, impl)
			}
		}
	}
	if got := fmt.Sprint(strategies.AllImplementations); got != "[own ants pond conc errgroup]" {
		t.Errorf("names %s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewImpl(Semaphore, Ants) did not panic")
		}
	}()
	strategies.NewImpl(strategies.Semaphore, strategies.Ants, 2)
}

// TestSharedLibraryPoolsAreDistinct checks that the registry keys its
// instances by implementation too: the own, ants and pond pools of the same
// parallelism are three bulkheads.
func TestSharedLibraryPoolsAreDistinct(t *testing.T) {
	r := newRegistry(t)
	seen := map[strategies.Strategy]strategies.Implementation{}
	for _, impl := range []strategies.Implementation{strategies.Own, strategies.Ants, strategies.Pond} {
		s, err := r.GetImpl(strategies.Pool, impl, 2)
		if err != nil {
			t.Fatal(err)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("%v and %v share one instance", impl, other)
		}
		seen[s] = impl
	}
}
