package strategies

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// tally accumulates a job's outcome from many goroutines.
type tally struct {
	job    Job
	parent context.Context // the caller's context, for Run's error
	start  time.Time

	completed, failed, cancelled atomic.Int64
	checksum                     atomic.Uint64
	cur, high                    atomic.Int64
	firstStart                   atomic.Int64 // ns since start, +1; 0 = none yet

	abort    context.CancelFunc // cancels the job on failure when FailFast
	mu       sync.Mutex
	failures []*TaskError // the first MaxFailures observed
}

// begin derives the job context and returns the tally. The caller must call
// the returned cancel function.
func begin(ctx context.Context, job Job) (context.Context, *tally, context.CancelFunc) {
	t := &tally{job: job, parent: ctx, start: time.Now()}
	ctx, cancel := context.WithCancel(ctx)
	if job.FailFast {
		t.abort = cancel
	}
	return ctx, t, cancel
}

// enter marks one stage execution as running.
func (t *tally) enter() {
	if t.firstStart.Load() == 0 {
		t.firstStart.CompareAndSwap(0, int64(time.Since(t.start))+1)
	}
	n := t.cur.Add(1)
	for {
		h := t.high.Load()
		if n <= h || t.high.CompareAndSwap(h, n) {
			return
		}
	}
}

func (t *tally) leave() { t.cur.Add(-1) }

// stage runs one stage of task i with panic recovery, counting it in flight.
func (t *tally) stage(ctx context.Context, s Stage, i int, in uint64) (out uint64, err error) {
	t.enter()
	defer t.leave()
	defer recovered(i, &err)
	return s(ctx, i, in)
}

// recovered turns a panic of task i into *err, a TaskError with Panic set.
// It must be called directly by a deferred statement.
func recovered(i int, err *error) {
	if r := recover(); r != nil {
		*err = &TaskError{Task: i, Panic: true, Err: fmt.Errorf("%v", r)}
	}
}

// seed returns the first stage's input of task i; a panic of Job.Seed is
// the task's error, so that it cannot end the goroutine running the task (a
// server-scope pool's worker outlives jobs).
func (t *tally) seed(i int) (v uint64, err error) {
	if t.job.Seed == nil {
		return 0, nil
	}
	defer recovered(i, &err)
	return t.job.Seed(i), nil
}

// fold returns completed task i's contribution to the checksum; a panic of
// Job.Fold is the task's error, as for seed.
func (t *tally) fold(i int, out uint64) (v uint64, err error) {
	if t.job.Fold == nil {
		return out, nil
	}
	defer recovered(i, &err)
	return t.job.Fold(i, out), nil
}

// task runs every stage of task i in order and records its outcome.
func (t *tally) task(ctx context.Context, i int) {
	if ctx.Err() != nil {
		t.cancelled.Add(1)
		return
	}
	v, err := t.seed(i)
	if err != nil {
		t.fail(ctx, i, err)
		return
	}
	for _, s := range t.job.Stages {
		if v, err = t.stage(ctx, s, i, v); err != nil {
			t.fail(ctx, i, err)
			return
		}
	}
	t.complete(ctx, i, v)
}

// spawned runs task i on a goroutine of its own and marks it done in wg.
// It is started with a go statement rather than wg.Go so that no closure is
// allocated per task.
func (t *tally) spawned(ctx context.Context, i int, wg *sync.WaitGroup) {
	defer wg.Done()
	t.task(ctx, i)
}

// complete records task i as completed with output out, or as failed when
// Job.Fold panics on it.
func (t *tally) complete(ctx context.Context, i int, out uint64) {
	v, err := t.fold(i, out)
	if err != nil {
		t.fail(ctx, i, err)
		return
	}
	t.checksum.Add(v)
	t.completed.Add(1)
}

// fail records task i's error: as a cancellation when the job's context
// ended it, as a failure otherwise.
func (t *tally) fail(ctx context.Context, i int, err error) {
	var te *TaskError
	if !errors.As(err, &te) || te.Task != i {
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			t.cancelled.Add(1)
			return
		}
		te = &TaskError{Task: i, Err: err}
	}
	t.failed.Add(1)
	t.mu.Lock()
	if len(t.failures) < MaxFailures {
		t.failures = append(t.failures, te)
	}
	t.mu.Unlock()
	if t.abort != nil {
		t.abort()
	}
}

// skip records n tasks that never started because the job was cancelled.
func (t *tally) skip(n int) { t.cancelled.Add(int64(n)) }

// result returns the job's Result and Run's error: the caller's context's
// error when it ended the job before every task ran.
func (t *tally) result() (Result, error) {
	r := Result{
		Completed:   int(t.completed.Load()),
		Failed:      int(t.failed.Load()),
		Cancelled:   int(t.cancelled.Load()),
		Checksum:    t.checksum.Load(),
		MaxInFlight: int(t.high.Load()),
	}
	if fs := t.firstStart.Load(); fs != 0 {
		r.QueueTime = time.Duration(fs - 1)
	} else {
		r.QueueTime = time.Since(t.start)
	}
	t.mu.Lock()
	r.Failures = t.failures
	t.mu.Unlock()
	if len(r.Failures) > 0 {
		r.FirstFailure = r.Failures[0]
	}
	if r.Completed+r.Failed+r.Cancelled != t.job.Tasks {
		panic(fmt.Sprintf("strategies: job of %d tasks counted %d+%d+%d", t.job.Tasks, r.Completed, r.Failed, r.Cancelled))
	}
	switch {
	case t.job.FailFast && r.FirstFailure != nil:
		return r, fmt.Errorf("%w: %w", ErrAborted, r.FirstFailure)
	case t.parent.Err() != nil && r.Completed+r.Failed < t.job.Tasks:
		return r, t.parent.Err()
	}
	return r, nil
}
