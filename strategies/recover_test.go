package strategies_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stratbench/stratbench/strategies"
)

// TestSeedFoldPanic checks that a panic in Job.Seed or Job.Fold is that
// task's failure under every strategy, and that a server-scope strategy
// keeps serving afterwards: its workers outlive the job, so a panic that
// escaped one would kill it and hang the next job.
func TestSeedFoldPanic(t *testing.T) {
	const tasks, bad = 20, 7
	identity := func(_ int, v uint64) uint64 { return v }
	pass := []strategies.Stage{func(_ context.Context, _ int, in uint64) (uint64, error) { return in, nil }}
	for _, tc := range []struct {
		name string
		job  strategies.Job
	}{
		{"seed", strategies.Job{Tasks: tasks, Stages: pass, Fold: identity, Seed: func(i int) uint64 {
			if i == bad {
				panic("seed")
			}
			return uint64(i)
		}}},
		{"fold", strategies.Job{Tasks: tasks, Stages: pass, Seed: func(i int) uint64 { return uint64(i) }, Fold: func(i int, v uint64) uint64 {
			if i == bad {
				panic("fold")
			}
			return v
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRegistry(t)
			for _, v := range variants() {
				for _, p := range []int{1, 4} {
					s := v.get(t, r, p)
					for round := range 3 { // the same pool again: its workers must survive
						res, err := s.Run(t.Context(), tc.job)
						var te *strategies.TaskError
						if err != nil || res.Failed != 1 || res.Completed != tasks-1 ||
							!errors.As(res.FirstFailure, &te) || te.Task != bad || !te.Panic {
							t.Fatalf("%s p=%d round %d: res %+v err %v, want task %d failed with a panic", v.name, p, round, res, err, bad)
						}
						if want := uint64(tasks*(tasks-1)/2 - bad); res.Checksum != want {
							t.Errorf("%s p=%d: checksum %d, want %d", v.name, p, res.Checksum, want)
						}
					}
				}
			}
		})
	}
}
