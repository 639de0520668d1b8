package client

import (
	"time"

	"google.golang.org/grpc/codes"

	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/serverstats"
)

// Trial is the measured outcome of one repetition of a cell. Every figure
// but the throughput covers the RPCs sent in the measured phase only: RPCs
// sent during warm-up are counted nowhere else. Throughput counts the RPCs
// that ended inside its window, as Window describes.
type Trial struct {
	Cell Cell
	// Index is the 1-based trial number.
	Index int
	// StartedAt is the wall-clock start of the measured phase, in UTC.
	StartedAt time.Time
	// Elapsed is the measured phase's wall time: from its start until the
	// last measured RPC ended, or until cancellation.
	Elapsed time.Duration
	// Window is the time Throughput divides by. For a phase bounded by
	// Duration it is the phase itself, from its start to its end (or to
	// cancellation, if sooner): the time the load ran at full strength,
	// not the drain after it. For a phase bounded by Requests it runs from
	// the first measured send to the last measured RPC's end.
	Window time.Duration
	// WindowSuccesses counts the successful RPCs that Throughput counts,
	// and WindowTasks sums their tasks_completed. For a Duration-bound
	// phase they are the RPCs that ended inside the window, whenever they
	// were sent (a warm-up RPC ending inside it counts; a measured RPC
	// ending after it does not), as wrk2 counts the requests completed in
	// its run time: in steady state that is the server's completion rate,
	// with no drain bias. For a Requests-bound phase they are the measured
	// successes.
	WindowSuccesses uint64
	WindowTasks     uint64
	// Requests counts the measured RPCs that ended, ok or not. RPCs ended
	// by the trial's own cancellation are not counted.
	Requests uint64
	// Errors counts the measured RPCs that ended with an error, and
	// ErrorsByCode splits them by gRPC status code; it is never nil.
	Errors       uint64
	ErrorsByCode map[codes.Code]uint64
	// TasksCompleted sums the measured responses' tasks_completed.
	TasksCompleted uint64
	// LostUpdates sums the successful responses' lost_updates: the
	// counter increments that the jobs' sync mode lost (counter workload
	// only; 0 otherwise).
	LostUpdates uint64
	// LockRetries sums the successful responses' lock_retries: the failed
	// try-locks of transfer jobs under the try lock order.
	LockRetries uint64
	// InvariantBroken counts the successful responses of a transfer cell
	// whose invariant_ok was false: jobs whose accounts' total changed.
	// It is 0 for every other workload, which has no invariant.
	InvariantBroken uint64
	// LateSends counts the measured open-loop sends that left more than
	// 1 ms after their intended time, and the Unsent ones; always 0 in
	// closed loop.
	LateSends uint64
	// ClientLate counts the late sends (Unsent excluded) that no backlog
	// held: late because the client or its host was slow.
	ClientLate uint64
	// Backlogged counts the late sends (Unsent excluded) that waited
	// because MaxInFlight RPCs were outstanding, or that fell due while the
	// schedule was held up by such a wait: late because the server was
	// slower than the schedule, not the client.
	Backlogged uint64
	// Unsent counts the measured sends of a Duration-bound open loop that
	// were still due when the measured phase's time ran out, because the
	// schedule was behind (MaxInFlight RPCs outstanding), and so never left.
	// They are not in Requests; Hist.Unsent holds their time from intended
	// send to the trial's end.
	Unsent uint64
	// InFlightCapped reports that an open-loop send, in warm-up or
	// measured, had to wait because Load.MaxInFlight RPCs were outstanding:
	// the client's cap, not the server, held the schedule back.
	InFlightCapped bool
	// Hist holds the merged histograms: Latency (successful RPCs, measured
	// from the intended send time in open loop), Uncorrected (the same RPCs
	// from their actual send), Errors (failed RPCs, from the intended send
	// time), Server (server time: handler_wait + server_time when the
	// server reports handler_wait, server_time alone otherwise), Queue
	// (queue_time), ServerWait (handler_wait) and Overhead (per successful
	// RPC, its time from the actual send minus its server time; only for
	// responses with handler_wait), none of them nil; SendLag (open loop
	// only) and Unsent (only when some sends never left).
	Hist histogram.Trial
	// IOWaitTotal is the sum over successful jobs of io_wait_mean ×
	// io_waits, the I/O waits the server measured, and IOWaits their
	// number: IOWaitTotal ÷ IOWaits is the trial's mean wait per task.
	IOWaitTotal time.Duration
	IOWaits     uint64
	// CPU is the client process's CPU use over the measured phase.
	CPU hostinfo.CPUUsage
	// Complete is false when the trial was cut short by cancellation or a
	// fatal error.
	Complete bool
	// Runtime is the server's runtime figures over the measured phase, from
	// its Stats at the start and the end; nil when the server did not
	// answer both reads (an older server, or the phase never began), or
	// when the answers were invalid (RuntimeErr says why).
	Runtime    *serverstats.Figures
	RuntimeErr error
	// Profile is the gzipped pprof profile of the server over the measured
	// phase, with WithProfile; ProfileErr says why it is missing when it
	// was asked for and could not be recorded.
	Profile    []byte
	ProfileErr error
}

// newTrialHistograms returns an empty, fully allocated histogram set.
func newTrialHistograms() histogram.Trial {
	return histogram.Trial{
		Latency:     histogram.New(),
		Uncorrected: histogram.New(),
		Errors:      histogram.New(),
		Server:      histogram.New(),
		Queue:       histogram.New(),
		ServerWait:  histogram.New(),
		Overhead:    histogram.New(),
	}
}

// Successes returns the measured RPCs that ended without error.
func (t *Trial) Successes() uint64 { return t.Requests - t.Errors }

// Throughput returns WindowSuccesses per second of Window, or 0 when
// Window is 0.
func (t *Trial) Throughput() float64 {
	if t.Window <= 0 {
		return 0
	}
	return float64(t.WindowSuccesses) / t.Window.Seconds()
}

// TasksPerSecond returns WindowTasks per second of Window, or 0 when
// Window is 0.
func (t *Trial) TasksPerSecond() float64 {
	if t.Window <= 0 {
		return 0
	}
	return float64(t.WindowTasks) / t.Window.Seconds()
}

// ErrorRate returns the fraction of the measured requests that failed or
// never left: (Errors + Unsent) ÷ (Requests + Unsent), or 0 when there
// were none.
func (t *Trial) ErrorRate() float64 {
	if n := t.Requests + t.Unsent; n > 0 {
		return float64(t.Errors+t.Unsent) / float64(n)
	}
	return 0
}
