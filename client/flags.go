package client

import (
	"fmt"
	"strings"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// Thresholds of the trial flags (see [Trial.Flags]).
const (
	// SaturatedCPUPercent is the client CPU share, of the CPUs available
	// to it, at which a trial is flagged client_saturated.
	SaturatedCPUPercent = 90
	// ContendedCPUPercent is the client CPU share below which a material
	// send lag is blamed on the host's CPUs (client and server sharing
	// cores), not on the client's own work.
	ContendedCPUPercent = 50
	// MaterialLagFraction is the send-lag p99, as a fraction of the
	// latency p50, above which the lag the client added matters.
	MaterialLagFraction = 0.10
	// MaterialLateFraction is the fraction of sends left late by the
	// client (not by a backlog) above which the lateness matters.
	MaterialLateFraction = 0.05
	// BackloggedFraction is the fraction of sends that waited for a free
	// in-flight slot above which a trial is flagged server_backlogged.
	BackloggedFraction = 0.01
)

// Flags are a trial's warnings: each field is the reason its flag was
// raised, in one line, or "" when it was not.
type Flags struct {
	// ClientSaturated is the reason the client, or the host it shares,
	// rather than the server may have set the figures: the client's CPU
	// share reached SaturatedCPUPercent; or its send lag was material (the
	// send-lag p99 above MaterialLagFraction of the latency p50, or more
	// than MaterialLateFraction of sends late with no backlog), which the
	// reason blames on contended host CPUs when the client's CPU share was
	// below ContendedCPUPercent; or a closed loop's RPCs in flight per
	// connection reached the server's advertised stream limit, so the
	// connections, not the server, capped the load.
	ClientSaturated string
	// ServerBacklogged is the reason an open loop's schedule was held up
	// by the server: more than BackloggedFraction of the sends waited for
	// one of MaxInFlight slots. The server was slower than the target
	// rate; the latencies describe an overloaded server, correctly.
	ServerBacklogged string
}

// String returns the raised flags with their reasons, as the CSV's
// flag_reasons holds them: "client_saturated: …; server_backlogged: …",
// or "" when neither was raised.
func (f Flags) String() string {
	var parts []string
	if f.ClientSaturated != "" {
		parts = append(parts, "client_saturated: "+f.ClientSaturated)
	}
	if f.ServerBacklogged != "" {
		parts = append(parts, "server_backlogged: "+f.ServerBacklogged)
	}
	return strings.Join(parts, "; ")
}

// Flags applies the flag rules to t. server supplies the advertised stream
// limit (max_concurrent_streams); with a nil server, or a limit of 0, that
// rule is skipped.
func (t *Trial) Flags(server *pb.InfoResponse) Flags {
	var f Flags
	var client []string
	if t.CPU.Percent >= SaturatedCPUPercent {
		client = append(client, fmt.Sprintf("client CPU %.0f%% of %g CPUs reached %d%%", t.CPU.Percent, t.CPU.AvailableCPUs, SaturatedCPUPercent))
	}
	sends := t.Requests + t.Unsent
	var lag, p50 time.Duration
	if t.Hist.SendLag != nil {
		lag = t.Hist.SendLag.Quantile(0.99)
	}
	if t.Hist.Latency != nil {
		p50 = t.Hist.Latency.Quantile(0.5)
	}
	lagMaterial := lag > 0 && float64(lag) > MaterialLagFraction*float64(p50)
	lateMaterial := sends > 0 && float64(t.ClientLate) > MaterialLateFraction*float64(sends)
	if lagMaterial || lateMaterial {
		what := fmt.Sprintf("send-lag p99 %v against latency p50 %v, %d of %d sends late with no backlog", lag, p50, t.ClientLate, sends)
		if t.CPU.Percent < ContendedCPUPercent {
			client = append(client, fmt.Sprintf("host CPUs contended: %s while client CPU was only %.0f%%; the client and server likely share cores", what, t.CPU.Percent))
		} else {
			client = append(client, fmt.Sprintf("client fell behind its schedule: %s", what))
		}
	}
	if l := t.Cell.Load; l.Mode == Closed && l.Connections > 0 {
		perConn := (l.Concurrency + l.Connections - 1) / l.Connections
		if limit := server.GetLimits().GetMaxConcurrentStreams(); limit > 0 && uint64(perConn) >= uint64(limit) {
			client = append(client, fmt.Sprintf("%d RPCs in flight per connection reach the server's stream limit %d; the connections capped the load (use more)", perConn, limit))
		}
	}
	f.ClientSaturated = strings.Join(client, "; ")
	if sends > 0 && float64(t.Backlogged) > BackloggedFraction*float64(sends) {
		f.ServerBacklogged = fmt.Sprintf("%d of %d sends (%.1f%%) waited for one of %d in-flight slots: the server was slower than %g req/s",
			t.Backlogged, sends, 100*float64(t.Backlogged)/float64(sends), t.Cell.Load.MaxInFlight, t.Cell.Load.Rate)
	}
	return f
}
