package capacity

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/results/histogram"
)

// DefaultMaxInFlight is the open loop's most outstanding RPCs in a
// capacity probe: far above what a server admits at once (256 jobs by
// default), so that the server refuses or queues before the client caps.
const DefaultMaxInFlight = 20_000

// TrialProber probes by running one open-loop trial of Cell at the offered
// rate with [client.RunTrial]. Cell.Load gives everything but the rate:
// Mode is set to Open and Rate to the probe's rate; its Warmup is the
// probe's short warm-up, excluded from every figure.
type TrialProber struct {
	Conns []grpc.ClientConnInterface
	Cell  client.Cell
	// Quantile is the objective's percentile, reported in Probe.Objective.
	Quantile float64
	// MaxLateFraction is the fraction of late sends past which a probe is
	// client limited; 0 means client.MaterialLateFraction, the client's
	// own saturation rule. Raising it on a shared host where timer
	// wake-ups alone are late keeps the search going; the late sends still
	// count in the corrected latency, so they can only lower the capacity.
	MaxLateFraction float64
	// OnTrial, if not nil, receives every trial as it ends, for its
	// histograms; it must not keep t past the call unless it copies it.
	OnTrial func(t *client.Trial)

	index int
}

// Probe runs the trial at rate and returns its figures. A probe whose
// client was saturated (client.Trial.Saturated: late sends or CPU) or hit
// Load.MaxInFlight is marked client limited. A trial cut short (ctx ended) is an error.
func (p *TrialProber) Probe(ctx context.Context, rate float64) (Probe, error) {
	cell := p.Cell
	cell.Load.Mode, cell.Load.Rate = client.Open, rate
	if cell.Load.MaxInFlight == 0 {
		cell.Load.MaxInFlight = DefaultMaxInFlight
	}
	p.index++
	t, err := client.RunTrial(ctx, p.Conns, cell, p.index, nil)
	if err != nil {
		return Probe{}, err
	}
	if !t.Complete {
		return Probe{}, errors.New("trial incomplete")
	}
	if p.OnTrial != nil {
		p.OnTrial(t)
	}
	return FromTrial(t, p.Quantile, p.MaxLateFraction), nil
}

// FromTrial returns the measured figures of trial t as a Probe, with the
// latency at quantile q in Objective. Latencies come from
// [ObjectiveHistogram]. The probe is client limited when t reached its
// MaxInFlight, its client CPU reached client.SaturatedCPUPercent, or more
// than maxLate of its sends (0 means client.MaterialLateFraction) were
// late or unsent.
func FromTrial(t *client.Trial, q, maxLate float64) Probe {
	h := ObjectiveHistogram(t)
	pr := Probe{
		Rate:      t.Cell.Load.Rate,
		Achieved:  t.Throughput(),
		TasksPerS: t.TasksPerSecond(),
		Requests:  t.Requests,
		Errors:    t.Errors,
		P50:       h.Quantile(0.50),
		P90:       h.Quantile(0.90),
		P99:       h.Quantile(0.99),
		P999:      h.Quantile(0.999),
		Max:       h.Max(),
		Objective: h.Quantile(q),
	}
	if t.Requests > 0 {
		pr.ErrorRate = float64(t.Errors) / float64(t.Requests)
	}
	if n := t.Requests + t.Unsent; n > 0 {
		pr.LateFraction = float64(t.LateSends) / float64(n)
	}
	if maxLate == 0 {
		maxLate = client.MaterialLateFraction
	}
	switch {
	case t.InFlightCapped:
		pr.ClientLimit = fmt.Sprintf("reached max in flight %d", t.Cell.Load.MaxInFlight)
	case t.CPU.Percent >= client.SaturatedCPUPercent:
		pr.ClientLimit = fmt.Sprintf("client saturated: client CPU %.0f%%", t.CPU.Percent)
	case pr.LateFraction > maxLate:
		pr.ClientLimit = fmt.Sprintf("client saturated: %d of %d sends late, over %.3g%%", t.LateSends, t.Requests+t.Unsent, maxLate*100)
	}
	return pr
}

// ObjectiveHistogram returns the histogram whose percentiles the objective
// judges: the latency of every measured request at the time it ended,
// failed or not, an unsent one lasting until the trial's end (the figure
// p99_all_ms reports), so a strategy cannot meet the objective by failing
// its slow requests. The error-rate limit judges failures besides.
func ObjectiveHistogram(t *client.Trial) *histogram.Histogram {
	return t.Hist.All()
}
