package workload_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/workload"
)

func TestChainIsDeterministic(t *testing.T) {
	a, err := workload.Chain(t.Context(), 42, 1000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := workload.Chain(t.Context(), 42, 1000)
	c, _ := workload.Chain(t.Context(), 43, 1000)
	d, _ := workload.Chain(t.Context(), 42, 999)
	if a != b || a == c || a == d {
		t.Errorf("Chain(42,1000)=%x twice %x, seed 43 %x, 999 steps %x", a, b, c, d)
	}
	if z, _ := workload.Chain(t.Context(), 7, 0); z != 7 {
		t.Errorf("Chain of 0 steps = %d, want the seed", z)
	}
}

func TestChainCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := workload.Chain(ctx, 1, 1<<40); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want Canceled", err)
	}
}

func TestWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		out, err := workload.Wait(t.Context(), 5, 10*time.Millisecond)
		if err != nil || time.Since(start) != 10*time.Millisecond {
			t.Errorf("Wait: out %x err %v after %v", out, err, time.Since(start))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Millisecond)
		defer cancel()
		start = time.Now()
		if _, err := workload.Wait(ctx, 5, time.Hour); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 3*time.Millisecond {
			t.Errorf("cancelled Wait: err %v after %v", err, time.Since(start))
		}
	})
}

func TestStages(t *testing.T) {
	run := func(s workload.Spec, task int) (uint64, error) {
		v := workload.Seed(task)
		for _, st := range s.Stages() {
			var err error
			if v, err = st(t.Context(), task, v); err != nil {
				return 0, err
			}
		}
		return v, nil
	}
	mixed := workload.Spec{Kind: workload.Mixed, CPUIterations: 10}
	if n := len(mixed.Stages()); n != 2 {
		t.Fatalf("mixed has %d stages, want 2", n)
	}
	io, _ := workload.Wait(t.Context(), workload.Seed(3), 0)
	want, _ := workload.Chain(t.Context(), io, 10)
	if got, _ := run(mixed, 3); got != want {
		t.Errorf("mixed output %x, want the chain seeded by the I/O output %x", got, want)
	}
	failing := workload.Spec{Kind: workload.CPU, CPUIterations: 1, FailEvery: 4, PanicEvery: 6}
	if _, err := run(failing, 3); !errors.Is(err, workload.ErrInjected) {
		t.Errorf("task 3 with FailEvery 4: err %v", err)
	}
	if _, err := run(failing, 2); err != nil {
		t.Errorf("task 2: err %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("task 5 with PanicEvery 6 did not panic")
		}
	}()
	_, _ = run(failing, 5)
}

func TestFoldIsOrderIndependent(t *testing.T) {
	var a, b uint64
	for i := range 10 {
		a += workload.Fold(i, uint64(i*i))
		b += workload.Fold(9-i, uint64((9-i)*(9-i)))
	}
	if a != b || workload.Fold(1, 5) == workload.Fold(2, 5) {
		t.Error("fold depends on order or ignores the task index")
	}
}

func TestCalibrate(t *testing.T) {
	if ns := workload.Calibrate(3); ns <= 0 || ns > 1e5 {
		t.Errorf("Calibrate = %v ns/iteration", ns)
	}
}

func BenchmarkChain(b *testing.B) {
	for b.Loop() {
		_, _ = workload.Chain(context.Background(), 1, 1)
	}
}

func TestSpecCosts(t *testing.T) {
	for _, tc := range []struct {
		spec  workload.Spec
		iters uint64
		wait  time.Duration
		bytes uint64
	}{
		{workload.Spec{Kind: workload.CPU, CPUIterations: 7, IOLatency: time.Second}, 7, 0, 0},
		{workload.Spec{Kind: workload.IO, CPUIterations: 7, IOLatency: time.Second}, 0, time.Second, 0},
		{workload.Spec{Kind: workload.Mixed, CPUIterations: 7, IOLatency: time.Second}, 7, time.Second, 0},
		{workload.Spec{Kind: workload.Transfer, CPUIterations: 7, Accounts: 1000}, 7, 0, 64_000},
	} {
		if got := tc.spec.TaskIterations(); got != tc.iters {
			t.Errorf("%v: TaskIterations %d, want %d", tc.spec.Kind, got, tc.iters)
		}
		if got := tc.spec.TaskWait(); got != tc.wait {
			t.Errorf("%v: TaskWait %v, want %v", tc.spec.Kind, got, tc.wait)
		}
		if got := tc.spec.StateBytes(); got != tc.bytes {
			t.Errorf("%v: StateBytes %d, want %d", tc.spec.Kind, got, tc.bytes)
		}
	}
}
