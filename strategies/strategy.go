// Package strategies runs the tasks of a job under interchangeable
// concurrency strategies: serial, goroutine-per-task, worker pool, semaphore
// and pipeline. It knows nothing of gRPC.
//
// Every strategy honours the same contract: Run returns only after every
// goroutine it started for the job has ended; it stops promptly when its
// context is done; it counts every task exactly once as completed, failed or
// cancelled; a task's panic becomes that task's failure; capacity (a pool
// worker, a semaphore slot) is released on every path; and no more tasks run
// at once than the strategy allows.
package strategies

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stratbench/stratbench/workload"
)

// Kind names a strategy.
type Kind int

// The strategies.
const (
	Serial           Kind = iota + 1 // one task at a time, in order
	GoroutinePerTask                 // one goroutine per task, unbounded
	Pool                             // parallelism workers fed from a bounded channel
	Semaphore                        // one goroutine per task, at most parallelism running
	Pipeline                         // producer → stage workers → collector
)

// Kinds lists every strategy, in a stable order.
var Kinds = []Kind{Serial, GoroutinePerTask, Pool, Semaphore, Pipeline}

// Stage is one step of a task: it receives the task index and the previous
// stage's output (the job's Seed for the first stage) and returns its own.
// It must return promptly, with ctx.Err() or an error wrapping it, once ctx is
// done. It is the workload package's Stage, so a workload's stages run under
// any strategy as they are.
type Stage = workload.Stage

// Job is the work of one Run: Tasks tasks, each running Stages in order.
type Job struct {
	Tasks  int
	Stages []Stage // at least one
	// Seed returns the first stage's input for a task; nil means 0.
	Seed func(task int) uint64
	// Fold returns a completed task's contribution to the checksum, which is
	// the wrapping sum of Fold over completed tasks; nil means the output.
	Fold func(task int, out uint64) uint64
	// FailFast makes the first failure cancel the job's remaining tasks.
	FailFast bool
}

// Result is how a job went. Completed + Failed + Cancelled == Job.Tasks.
type Result struct {
	Completed, Failed, Cancelled int
	// Checksum is the wrapping sum of Job.Fold over the completed tasks.
	Checksum uint64
	// MaxInFlight is the most of the job's stage executions that ran at
	// once. A pipeline runs up to len(Stages) × parallelism.
	MaxInFlight int
	// QueueTime is the time from the start of Run until the job's first
	// task began, or the whole of Run when no task began: the wait for
	// workers or shared capacity.
	QueueTime time.Duration
	// FirstFailure is the first task failure observed, nil if none.
	FirstFailure *TaskError
	// Failures are the first MaxFailures task failures observed, in order.
	Failures []*TaskError
}

// MaxFailures is how many task failures a Result lists.
const MaxFailures = 10

// TaskError is the failure of one task.
type TaskError struct {
	Task  int
	Panic bool // the task panicked; Err holds the panic value
	Err   error
}

func (e *TaskError) Error() string {
	if e.Panic {
		return fmt.Sprintf("task %d panicked: %v", e.Task, e.Err)
	}
	return fmt.Sprintf("task %d failed: %v", e.Task, e.Err)
}

func (e *TaskError) Unwrap() error { return e.Err }

// ErrAborted is wrapped by the error Run returns when a FailFast job stops at
// its first failure.
var ErrAborted = errors.New("job aborted")

// Strategy runs jobs.
type Strategy interface {
	// Run executes job and returns when every goroutine it started has
	// ended. The error is nil when the job ran to its end (failed tasks are
	// counted in the Result, not returned); it wraps ErrAborted and the
	// first TaskError when FailFast stopped the job; and it is ctx.Err()
	// when ctx ended the job first. The Result is valid in every case.
	Run(ctx context.Context, job Job) (Result, error)
}

// New returns a job-scoped strategy of kind k allowing parallelism tasks at
// once. Serial and goroutine-per-task ignore parallelism. It panics if k is
// not a Kind or parallelism < 1 for a bounded kind: callers validate input.
func New(k Kind, parallelism int) Strategy {
	switch k {
	case Serial:
		return serial{}
	case GoroutinePerTask:
		return goroutinePerTask{}
	}
	if parallelism < 1 {
		panic(fmt.Sprintf("strategies: %v with parallelism %d", k, parallelism))
	}
	switch k {
	case Pool:
		return pool{workers: parallelism}
	case Semaphore:
		return newSemaphore(parallelism)
	case Pipeline:
		return pipeline{workers: parallelism}
	}
	panic(fmt.Sprintf("strategies: unknown kind %d", int(k)))
}
