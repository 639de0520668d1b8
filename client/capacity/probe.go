package capacity

import (
	"context"
	"time"
)

// Verdict is a probe's outcome under the objective.
type Verdict int

const (
	// Pass: the probe met the objective.
	Pass Verdict = iota
	// Fail: the probe missed the objective (latency or error rate).
	Fail
	// ClientLimited: the load client limited the probe (it was saturated,
	// or reached its most RPCs in flight), so its figures say nothing about
	// the server; the search stops rather than report such a rate.
	ClientLimited
)

// String returns "pass", "fail" or "client_limited", the words of the CSV's
// verdict column.
func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case ClientLimited:
		return "client_limited"
	}
	return "unknown"
}

// Phase names the step of the search a probe belongs to.
type Phase string

// The phases of a search, in the words of the CSV's phase column.
const (
	Grow    Phase = "grow"    // rising geometrically from the start rate
	Shrink  Phase = "shrink"  // falling geometrically when no lower rate passed
	Bisect  Phase = "bisect"  // narrowing between the highest pass and lowest fail
	Confirm Phase = "confirm" // repeating the answer
)

// Probe is one trial at one offered rate: the figures a [Prober] measured,
// and the search's step, phase and verdict.
type Probe struct {
	// Step is the probe's 1-based position in the search.
	Step  int
	Phase Phase
	// Rate is the offered rate, in requests per second.
	Rate float64
	// Achieved is the rate of successful requests over the measured phase.
	Achieved float64
	// TasksPerS is the rate of completed tasks over the measured phase.
	TasksPerS float64
	// Requests counts the measured requests that ended; Errors those that
	// failed; ErrorRate is Errors ÷ Requests (0 when Requests is 0).
	Requests  uint64
	Errors    uint64
	ErrorRate float64
	// P50 … Max are the corrected latency percentiles of the requests the
	// objective judges (see [TrialProber]); Objective is the one at the
	// objective's quantile.
	P50, P90, P99, P999, Max time.Duration
	Objective                time.Duration
	// LateFraction is the fraction of the probe's sends that left late or
	// never left.
	LateFraction float64
	// ClientLimit says why the load client limited this probe, or is "".
	ClientLimit string
	Verdict     Verdict
	// Reason says why a probe failed, or is "".
	Reason string
}

// Prober measures one trial at an offered rate. It fills the measured
// fields of a Probe (Rate to ClientLimit); the search sets the rest. An
// error ends the search.
type Prober interface {
	Probe(ctx context.Context, rate float64) (Probe, error)
}

// ProberFunc adapts a function to a Prober.
type ProberFunc func(ctx context.Context, rate float64) (Probe, error)

// Probe calls f.
func (f ProberFunc) Probe(ctx context.Context, rate float64) (Probe, error) { return f(ctx, rate) }
