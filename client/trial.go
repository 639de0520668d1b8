package client

import (
	"time"

	"google.golang.org/grpc/codes"

	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/results/histogram"
)

// SaturatedLateFraction and SaturatedCPUPercent are the thresholds past
// which a trial's client counts as saturated: more than 1% of its sends
// left late, or it used at least 90% of the CPU available to it.
const (
	SaturatedLateFraction = 0.01
	SaturatedCPUPercent   = 90
)

// Trial is the measured outcome of one repetition of a cell. Every figure
// covers the measured phase only: RPCs sent during warm-up are not counted
// anywhere.
type Trial struct {
	Cell Cell
	// Index is the 1-based trial number.
	Index int
	// StartedAt is the wall-clock start of the measured phase, in UTC.
	StartedAt time.Time
	// Elapsed is the measured phase's wall time: from its start until the
	// last measured RPC ended, or until cancellation.
	Elapsed time.Duration
	// Requests counts the measured RPCs that ended, ok or not. RPCs ended
	// by the trial's own cancellation are not counted.
	Requests uint64
	// Errors counts the measured RPCs that ended with an error, and
	// ErrorsByCode splits them by gRPC status code; it is never nil.
	Errors       uint64
	ErrorsByCode map[codes.Code]uint64
	// TasksCompleted sums the responses' tasks_completed.
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
	// Unsent counts the measured sends of a Duration-bound open loop that
	// were still due when the measured phase's time ran out, because the
	// schedule was behind (MaxInFlight RPCs outstanding), and so never left.
	// They are not in Requests.
	Unsent uint64
	// Hist holds the merged histograms: Latency (successful RPCs, measured
	// from the intended send time in open loop), Uncorrected (the same RPCs
	// from their actual send), Errors (failed RPCs, from the intended send
	// time), Server (server time: handler_wait + server_time when the
	// server reports handler_wait, server_time alone otherwise), Queue
	// (queue_time), ServerWait (handler_wait) and Overhead (per successful
	// RPC, its time from the actual send minus its server time; only for
	// responses with handler_wait). None is nil.
	Hist histogram.Trial
	// IOWaitTotal is the sum over successful jobs of io_wait_mean ×
	// io_waits, the I/O waits the server measured, and IOWaits their
	// number: IOWaitTotal ÷ IOWaits is the trial's mean wait per task.
	IOWaitTotal time.Duration
	IOWaits     uint64
	// CPU is the client process's CPU use over the measured phase.
	CPU hostinfo.CPUUsage
	// Saturated reports that the client, not the server, may have limited
	// the figures: more than SaturatedLateFraction of sends were late, or
	// CPU.Percent reached SaturatedCPUPercent.
	Saturated bool
	// Complete is false when the trial was cut short by cancellation or a
	// fatal error.
	Complete bool
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

// Throughput returns successful RPCs per second of Elapsed, or 0 when
// Elapsed is 0.
func (t *Trial) Throughput() float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return float64(t.Successes()) / t.Elapsed.Seconds()
}

// TasksPerSecond returns completed tasks per second of Elapsed, or 0 when
// Elapsed is 0.
func (t *Trial) TasksPerSecond() float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return float64(t.TasksCompleted) / t.Elapsed.Seconds()
}

// saturated applies the Saturated rule to t's late sends and CPU use.
func (t *Trial) saturated() bool {
	late := float64(t.LateSends) > SaturatedLateFraction*float64(t.Requests+t.Unsent)
	return late || t.CPU.Percent >= SaturatedCPUPercent
}
