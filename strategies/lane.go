package strategies

import "context"

// lane is one pool worker's share of a job's tally. Counting every task in
// the tally's shared atomics made two workers fight over one cache line
// five times per task; a lane counts completions and the checksum alone
// and adds them to the tally once, and it counts the worker in flight only
// when it starts working after a wait and out when it waits again, not
// around every task. A worker runs one stage at a time, so the busy workers
// are the stages in flight, as the tally counts them for other strategies.
type lane struct {
	t         *tally
	busy      bool
	completed int64
	checksum  uint64
}

// next receives the worker's next task from tasks, marking the worker out
// of flight while it waits for one; ok is false once tasks is closed and
// drained.
func (l *lane) next(tasks <-chan int) (i int, ok bool) {
	select {
	case i, ok = <-tasks:
	default:
		l.rest()
		i, ok = <-tasks
	}
	if !ok {
		l.rest()
		return 0, false
	}
	if !l.busy {
		l.t.enter()
		l.busy = true
	}
	return i, true
}

// rest marks the worker out of flight.
func (l *lane) rest() {
	if l.busy {
		l.t.leave()
		l.busy = false
	}
}

// task runs task i, keeping its completion in the lane.
func (l *lane) task(ctx context.Context, i int) {
	v, ok := l.t.run(ctx, i, false)
	if !ok {
		return
	}
	f, err := l.t.fold(i, v)
	if err != nil {
		l.t.fail(ctx, i, err)
		return
	}
	l.completed++
	l.checksum += f
}

// flush adds the lane's counts to the tally. The worker calls it last.
func (l *lane) flush() {
	l.rest()
	l.t.completed.Add(l.completed)
	l.t.checksum.Add(l.checksum)
}
