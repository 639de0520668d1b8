// Package workload defines what one task of a job does: a CPU kernel (a
// SHA-256 chain), an I/O wait on a timer, or both, and how the outputs of the
// completed tasks of a job fold into one order-independent checksum.
//
// Every function here is deterministic in the task index: the same task
// produces the same output under every strategy, which is how a job's checksum
// proves that the work really ran and that the strategies agree.
package workload

import (
	"context"
	"fmt"
	"time"
)

// Kind is the kind of work one task does.
type Kind int

// The kinds of work.
const (
	CPU      Kind = iota + 1 // a SHA-256 chain of Spec.CPUIterations steps
	IO                       // a timer wait of Spec.IOLatency
	Mixed                    // the I/O wait, then the CPU chain
	Counter                  // shared-counter increments under a Sync mode
	Transfer                 // transfers between locked accounts under a LockOrder
)

// Spec describes the tasks of one job.
type Spec struct {
	Kind          Kind
	CPUIterations uint64        // SHA-256 steps per task (CPU and Mixed)
	IOLatency     time.Duration // wait per task (IO and Mixed)
	// FailEvery makes task i fail, after its work, when (i+1)%FailEvery == 0;
	// 0 means never.
	FailEvery uint32
	// PanicEvery makes task i panic, after its work, when
	// (i+1)%PanicEvery == 0; 0 means never. Failure takes precedence when
	// both select the same task.
	PanicEvery uint32
	// Sync is how Counter tasks update the shared counter.
	Sync Sync
	// Accounts is the number of accounts of a Transfer job, at least 2.
	Accounts int
	// LockOrder is how Transfer tasks take two accounts' locks.
	LockOrder LockOrder
}

// Stage is one step of a task. It receives the task index and the output of
// the previous stage (the task's seed for the first stage) and returns its
// own output. A Stage returns ctx.Err() promptly once ctx is done.
type Stage func(ctx context.Context, task int, in uint64) (uint64, error)

// ErrInjected is the error of a task made to fail by Spec.FailEvery.
var ErrInjected = fmt.Errorf("injected failure")

// Stages returns the steps of one task of s, in order: one stage for CPU and
// IO, two for Mixed (the I/O wait, then the CPU chain), so that a pipeline can
// give each its own workers. Running the stages one after another, each fed
// the previous one's output and the first fed Seed(task), gives the task's
// output. Failure and panic injection happen in the last stage, after its work.
// Counter and Transfer tasks share state across a job: use NewState.
func (s Spec) Stages() []Stage {
	return s.inject(s.stages(nil))
}

// stages returns s's steps without injection; the I/O step records its
// waits into w when w is not nil.
func (s Spec) stages(w *IOWaits) []Stage {
	cpu := func(ctx context.Context, _ int, in uint64) (uint64, error) {
		return Chain(ctx, in, s.CPUIterations)
	}
	io := func(ctx context.Context, _ int, in uint64) (uint64, error) {
		return measuredWait(ctx, w, in, s.IOLatency)
	}
	var stages []Stage
	switch s.Kind {
	case CPU:
		stages = []Stage{cpu}
	case IO:
		stages = []Stage{io}
	case Mixed:
		stages = []Stage{io, cpu}
	default:
		panic(fmt.Sprintf("workload: Stages of %v: use NewState", s.Kind))
	}
	return stages
}

// inject wraps the last stage with s's failure and panic injection.
func (s Spec) inject(stages []Stage) []Stage {
	if s.FailEvery == 0 && s.PanicEvery == 0 {
		return stages
	}
	last := stages[len(stages)-1]
	stages[len(stages)-1] = func(ctx context.Context, task int, in uint64) (uint64, error) {
		out, err := last(ctx, task, in)
		if err != nil {
			return 0, err
		}
		n := uint64(task) + 1
		if s.FailEvery != 0 && n%uint64(s.FailEvery) == 0 {
			return 0, ErrInjected
		}
		if s.PanicEvery != 0 && n%uint64(s.PanicEvery) == 0 {
			panic(fmt.Sprintf("injected panic in task %d", task))
		}
		return out, nil
	}
	return stages
}

// Seed returns the input of the first stage of task i.
func Seed(task int) uint64 { return mix(uint64(task) + 0x9e3779b97f4a7c15) }

// Fold returns the contribution of a completed task's output to its job's
// checksum. A job's checksum is the wrapping sum of Fold over its completed
// tasks, so it does not depend on the order in which tasks complete.
func Fold(task int, out uint64) uint64 { return mix(out ^ mix(uint64(task))) }

// mix is the SplitMix64 finaliser: a cheap bijection with good avalanche.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
