package server

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// gauge is a server-wide amount with a ceiling that jobs take from while
// they run and give back when they end. take never waits: it takes n, or
// leaves the gauge unchanged and reports what was in use, so that a refusal
// costs one compare-and-swap however busy the server is.
type gauge struct {
	used atomic.Int64
	max  int64
}

// take adds n to the gauge if the total stays within max. It returns the
// amount in use before the call and whether n was taken.
func (g *gauge) take(n int64) (int64, bool) {
	for {
		cur := g.used.Load()
		if n > g.max-cur {
			return cur, false
		}
		if g.used.CompareAndSwap(cur, cur+n) {
			return cur, true
		}
	}
}

// give returns n taken earlier.
func (g *gauge) give(n int64) { g.used.Add(-n) }

// cost is what one job takes from the server-wide budgets while it runs.
type cost struct {
	tasks int64
	cpu   time.Duration // tasks × iterations × calibrated ns per iteration
	bytes int64         // shared state: transfer accounts
}

// jobCost estimates the cost of job on a host where one kernel iteration
// takes nsPerIteration.
func jobCost(job Job, nsPerIteration float64) cost {
	cpu := float64(job.Tasks) * float64(job.Spec.TaskIterations()) * nsPerIteration
	return cost{
		tasks: int64(job.Tasks),
		cpu:   time.Duration(min(cpu, math.MaxInt64/2)),
		bytes: int64(min(job.Spec.StateBytes(), math.MaxInt64/2)),
	}
}

// admission holds the server-wide budgets: jobs, tasks, CPU work and
// memory in flight.
type admission struct {
	jobs, tasks, cpu, bytes gauge
	// schedP99 returns the recent p99 scheduling latency; past maxSched, new
	// CPU work is refused while some is in flight. nil: not watched.
	schedP99 func() time.Duration
	maxSched time.Duration
	// refused, if not nil, is told the limit (a Refused… name) of every
	// refusal admit makes.
	refused func(limit string)
}

func newAdmission(l Limits) *admission {
	a := &admission{}
	a.jobs.max = int64(l.MaxJobsInFlight)
	a.tasks.max = int64(l.MaxTasksInFlight)
	a.cpu.max = int64(l.MaxCPUInFlight)
	a.bytes.max = int64(min(l.MaxMemoryInFlight, math.MaxInt64))
	return a
}

// fits returns an InvalidArgument status when c alone exceeds a whole
// budget, so that it could never be admitted: retrying is pointless.
func (a *admission) fits(c cost) error {
	switch {
	case c.tasks > a.tasks.max:
		return invalid("tasks", "is %d; more than the server admits in flight, %d (serve --max-tasks-in-flight)", c.tasks, a.tasks.max)
	case c.cpu > time.Duration(a.cpu.max):
		return invalid("cpu_iterations",
			"× tasks is about %v of CPU work; more than the server admits in flight, %v (serve --max-cpu-in-flight)",
			c.cpu.Round(time.Millisecond), time.Duration(a.cpu.max))
	case c.bytes > a.bytes.max:
		return invalid("accounts", "hold %d bytes; more than the server admits in flight, %d (serve --max-memory-in-flight)",
			c.bytes, a.bytes.max)
	}
	return nil
}

// admit takes c and one job from the budgets, all or nothing, without
// waiting. It returns the function that gives them back, or a
// ResourceExhausted status naming the budget that is spent.
func (a *admission) admit(c cost) (release func(), err error) {
	type step struct {
		g     *gauge
		n     int64
		limit string
		busy  func(used int64) error
	}
	if c.cpu > 0 {
		if err := a.shed(); err != nil {
			return nil, err
		}
	}
	steps := []step{
		{&a.jobs, 1, RefusedMaxJobs, func(used int64) error {
			return busy("%d jobs in flight, limit %d (serve --max-jobs)", used, a.jobs.max)
		}},
		{&a.tasks, c.tasks, RefusedMaxTasksInFlight, func(used int64) error {
			return busy("%d tasks in flight, this job's %d would pass the limit %d (serve --max-tasks-in-flight)", used, c.tasks, a.tasks.max)
		}},
		{&a.cpu, int64(c.cpu), RefusedMaxCPUInFlight, func(used int64) error {
			return busy("%v of CPU work in flight, this job's %v would pass the limit %v (serve --max-cpu-in-flight)",
				time.Duration(used).Round(time.Millisecond), c.cpu.Round(time.Millisecond), time.Duration(a.cpu.max))
		}},
		{&a.bytes, c.bytes, RefusedMaxMemoryInFlight, func(used int64) error {
			return busy("%d bytes of job state in flight, this job's %d would pass the limit %d (serve --max-memory-in-flight)",
				used, c.bytes, a.bytes.max)
		}},
	}
	for i, s := range steps {
		if used, ok := s.g.take(s.n); !ok {
			for _, t := range steps[:i] {
				t.g.give(t.n)
			}
			a.refuse(s.limit)
			return nil, s.busy(used)
		}
	}
	return func() {
		for _, s := range steps {
			s.g.give(s.n)
		}
	}, nil
}

// shed returns a ResourceExhausted status, and counts the refusal, while
// the scheduler is overloaded: CPU work is in flight and goroutines' recent
// p99 wait for a thread is past maxSched. It returns nil otherwise, or when
// the scheduler is not watched.
func (a *admission) shed() error {
	if a.schedP99 == nil || a.cpu.used.Load() == 0 {
		return nil
	}
	p := a.schedP99()
	if p <= a.maxSched {
		return nil
	}
	a.refuse(RefusedMaxSchedLatency)
	return busy("goroutines wait %v (p99 over the last %v) for a thread, past the limit %v (serve --max-sched-latency); %v of CPU work in flight",
		p.Round(time.Millisecond), schedWindow, a.maxSched, time.Duration(a.cpu.used.Load()).Round(time.Millisecond))
}

// refuse tells a.refused, if set, of a refusal by limit.
func (a *admission) refuse(limit string) {
	if a.refused != nil {
		a.refused(limit)
	}
}

func busy(format string, args ...any) error {
	return status.Errorf(codes.ResourceExhausted, "server busy: %s", fmt.Sprintf(format, args...))
}
