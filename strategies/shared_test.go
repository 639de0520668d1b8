package strategies_test

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

// TestSharedPoolStartsWorkersOnDemand: a shared pool of parallelism 8
// starts no worker until a job comes, then only as many as the job's 3
// concurrent tasks need, which later jobs reuse; after the idle time they
// have all ended.
func TestSharedPoolStartsWorkersOnDemand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := strategies.NewRegistry(4, 100, time.Minute)
		defer r.Close()
		s, err := r.Get(strategies.Pool, 8)
		if err != nil {
			t.Fatal(err)
		}
		if n := r.Workers(); n != 0 {
			t.Fatalf("%d workers before any job, want 0", n)
		}
		res, err := s.Run(t.Context(), job(workload.Spec{Kind: workload.IO, IOLatency: time.Second}, 3, false))
		if err != nil || res.Completed != 3 {
			t.Fatalf("res %+v err %v", res, err)
		}
		if n := r.Workers(); n != 3 {
			t.Errorf("%d workers after a job of 3 concurrent tasks, want 3", n)
		}
		for range 5 {
			if _, err := s.Run(t.Context(), job(workload.Spec{Kind: workload.IO, IOLatency: time.Second}, 1, false)); err != nil {
				t.Fatal(err)
			}
		}
		if n := r.Workers(); n != 3 {
			t.Errorf("%d workers after jobs of one task that idle workers could take, want 3", n)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := r.Workers(); n != 0 {
			t.Errorf("%d workers after the idle time, want 0", n)
		}
	})
}

// TestRegistryRetiresUnusedInstances: a full registry refuses a new
// (strategy, parallelism) while the others were used within the idle time,
// and accepts it once they have been idle that long.
func TestRegistryRetiresUnusedInstances(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := strategies.NewRegistry(2, 100, time.Minute)
		defer r.Close()
		for _, p := range []int{2, 3} {
			s, err := r.Get(strategies.Semaphore, p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Run(t.Context(), job(workload.Spec{Kind: workload.CPU, CPUIterations: 1}, 2, false)); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(30 * time.Second)
		if _, err := r.Get(strategies.Semaphore, 4); !errors.Is(err, strategies.ErrRegistryFull) {
			t.Fatalf("Get with 2 recently used instances: %v, want ErrRegistryFull", err)
		}
		time.Sleep(30 * time.Second)
		if _, err := r.Get(strategies.Semaphore, 4); err != nil {
			t.Fatalf("Get after both were idle a minute: %v", err)
		}
	})
}

// TestRegistryBoundsSharedWorkers: pools whose parallelism together would
// pass the worker limit are refused while the others are in use.
func TestRegistryBoundsSharedWorkers(t *testing.T) {
	r := strategies.NewRegistry(64, 100, time.Minute)
	defer r.Close()
	if _, err := r.Get(strategies.Pool, 60); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(strategies.Pool, 41); !errors.Is(err, strategies.ErrRegistryFull) {
		t.Errorf("pools of 60 + 41 workers with a limit of 100: %v, want ErrRegistryFull", err)
	}
	if _, err := r.Get(strategies.Pool, 40); err != nil {
		t.Errorf("pools of 60 + 40 workers with a limit of 100: %v", err)
	}
	if _, err := r.Get(strategies.Semaphore, 500); err != nil {
		t.Errorf("a semaphore starts no workers: %v", err)
	}
}
