package workload_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/workload"
)

// runParallel runs tasks of st on p goroutines, each task's stages in order.
func runParallel(st *workload.State, tasks, p int) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range p {
		wg.Go(func() {
			for i := range next {
				v := workload.Seed(i)
				for _, s := range st.Stages() {
					v, _ = s(context.Background(), i, v)
				}
			}
		})
	}
	for i := range tasks {
		next <- i
	}
	close(next)
	wg.Wait()
}

func TestCounterModesLoseNothing(t *testing.T) {
	for _, s := range []workload.Sync{workload.SyncMutex, workload.SyncAtomic, workload.SyncSharded, workload.SyncChannel} {
		t.Run(s.String(), func(t *testing.T) {
			st := workload.NewState(workload.Spec{Kind: workload.Counter, Sync: s, CPUIterations: 5000})
			runParallel(st, 16, 4)
			out := st.Close()
			if out.Increments != 16*5000 || out.LostUpdates != 0 {
				t.Errorf("outcome %+v, want 80000 increments and none lost", out)
			}
		})
	}
}

// TestSyncNoneLosesUpdates: an unsynchronised read-modify-write loses
// updates once two cores race on it. Lost updates are likely, not certain,
// on any one attempt, so it tries a bounded number of times.
func TestSyncNoneLosesUpdates(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores to race")
	}
	for attempt := range 20 {
		st := workload.NewState(workload.Spec{Kind: workload.Counter, Sync: workload.SyncNone, CPUIterations: 200_000})
		runParallel(st, 4, 4)
		if out := st.Close(); out.LostUpdates > 0 {
			t.Logf("attempt %d: %d of %d updates lost", attempt, out.LostUpdates, out.Increments)
			return
		}
	}
	t.Error("SYNC_NONE lost no update in 20 attempts of 4 × 200 000 increments on 4 goroutines")
}

func TestTransferKeepsTotal(t *testing.T) {
	for _, o := range []workload.LockOrder{workload.LockOrdered, workload.LockTry} {
		t.Run(o.String(), func(t *testing.T) {
			st := workload.NewState(workload.Spec{Kind: workload.Transfer, Accounts: 4, LockOrder: o, CPUIterations: 2000})
			runParallel(st, 16, 8)
			if out := st.Close(); !out.InvariantOK {
				t.Errorf("outcome %+v: total changed", out)
			}
		})
	}
}

// TestIOWaitsMeasured: the state of an I/O or mixed job records the actual
// duration of every I/O wait that ran to its end. Under synctest a timer of
// d fires after exactly d, so the known answer is tasks × d, and a wait cut
// short by cancellation is not recorded.
func TestIOWaitsMeasured(t *testing.T) {
	for _, kind := range []workload.Kind{workload.IO, workload.Mixed} {
		t.Run(kind.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const d = 3 * time.Millisecond
				st := workload.NewState(workload.Spec{Kind: kind, IOLatency: d, CPUIterations: 10})
				for task := range 4 {
					in := workload.Seed(task)
					for _, s := range st.Stages() {
						var err error
						if in, err = s(t.Context(), task, in); err != nil {
							t.Fatal(err)
						}
					}
				}
				ctx, cancel := context.WithCancel(t.Context())
				go func() {
					time.Sleep(d / 2)
					cancel()
				}()
				if _, err := st.Stages()[0](ctx, 4, 0); !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled wait: %v", err)
				}
				out := st.Close()
				if out.IOWaits != 4 || out.IOWaitTotal != 4*d {
					t.Errorf("recorded %d waits totalling %v, want 4 and %v", out.IOWaits, out.IOWaitTotal, 4*d)
				}
			})
		})
	}
	out := workload.NewState(workload.Spec{Kind: workload.CPU, CPUIterations: 1}).Close()
	if out.IOWaits != 0 || out.IOWaitTotal != 0 {
		t.Errorf("CPU job recorded %d waits, %v", out.IOWaits, out.IOWaitTotal)
	}
}

func TestIOWaitsMean(t *testing.T) {
	var w workload.IOWaits
	if w.Mean() != 0 {
		t.Errorf("empty mean %v", w.Mean())
	}
	w.Add(2 * time.Millisecond)
	w.Add(3 * time.Millisecond)
	if total, n := w.Total(); w.Mean() != 2500*time.Microsecond || total != 5*time.Millisecond || n != 2 {
		t.Errorf("mean %v total %v n %d", w.Mean(), total, n)
	}
}
