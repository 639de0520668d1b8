package client

import (
	"math"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/serverstats"
)

// Row returns t as a CSV row of run runID, with the server's fingerprint
// from server (which may be nil, leaving the server columns empty) and the
// client's. Latency columns come from the merged histograms: mean and
// percentiles of the successful RPCs' corrected latency, uncorrected_p99 of
// their latency from the actual send, server and queue percentiles of
// the responses' server time (from receipt: handler_wait + server_time)
// and queue_time, server_wait and overhead percentiles from their
// histograms (see record.Row.SetLatency), and io_wait_mean_ms the mean
// measured I/O wait per task (absent, NaN, when the server reported none). lost_updates and
// lock_retries are the trial's sums, and invariant_ok is true unless a
// response of a transfer cell reported a broken invariant. error_rate,
// unsent, p99_all_ms, max_all_ms and send_lag_p99_ms count every measured
// request; client_saturated, server_backlogged and flag_reasons are
// t.Flags(server). The histogram column is left empty for the caller that
// saves the histograms.
func (t *Trial) Row(runID string, server *pb.InfoResponse, client hostinfo.Fingerprint) record.Row {
	flags := t.Flags(server)
	r := record.Row{
		SchemaVersion:        record.SchemaVersion,
		RunID:                runID,
		StartedAt:            t.StartedAt.UTC(),
		ServerHost:           server.GetHostname(),
		ServerCPUModel:       server.GetCpuModel(),
		ServerLogicalCPUs:    int(server.GetLogicalCpus()),
		ServerGOMAXPROCS:     int(server.GetGomaxprocs()),
		ServerGoVersion:      server.GetGoVersion(),
		ServerNsPerIteration: server.GetNsPerIteration(),
		ClientHost:           client.Hostname,
		ClientLogicalCPUs:    client.LogicalCPUs,
		Trial:                t.Index,
		Requests:             t.Requests,
		Errors:               t.Errors,
		ThroughputRPS:        t.Throughput(),
		TasksPerS:            t.TasksPerSecond(),
		LateSends:            t.LateSends,
		LostUpdates:          t.LostUpdates,
		InvariantOK:          t.InvariantBroken == 0,
		LockRetries:          t.LockRetries,
		ClientCPUPct:         t.CPU.Percent,
		ClientSaturated:      flags.ClientSaturated != "",
		Complete:             t.Complete,
		ErrorRate:            t.ErrorRate(),
		Unsent:               t.Unsent,
		ServerBacklogged:     flags.ServerBacklogged != "",
		FlagReasons:          flags.String(),
	}
	t.Cell.fillRow(&r)
	if f := t.Runtime; f != nil {
		r.Runtime = RuntimeRow(*f)
	}
	r.SetLatency(&t.Hist)
	r.IOWaitMeanMs = math.NaN()
	if t.IOWaits > 0 {
		r.IOWaitMeanMs = ms(t.IOWaitTotal) / float64(t.IOWaits)
	}
	if len(t.ErrorsByCode) > 0 {
		r.ErrorsByCode = make(map[string]uint64, len(t.ErrorsByCode))
		for c, n := range t.ErrorsByCode {
			r.ErrorsByCode[CodeName(c)] += n
		}
	}
	return r
}

// ms returns d in float milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// RuntimeRow returns the CSV's runtime columns for f: every figure that is
// not NaN (see serverstats.Figures) is present.
func RuntimeRow(f serverstats.Figures) record.Runtime {
	opt := func(v float64) record.Optional {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return record.Optional{}
		}
		return record.Some(v)
	}
	return record.Runtime{
		ServerCPUS:         opt(f.ServerCPUSeconds),
		ServerCPUUsPerTask: opt(f.ServerCPUMicrosPerTask),
		SchedLatencyP50Us:  opt(f.SchedLatencyP50Micros),
		SchedLatencyP99Us:  opt(f.SchedLatencyP99Micros),
		GCCPUPct:           opt(f.GCCPUPercent),
		AllocsPerTask:      opt(f.AllocsPerTask),
		BytesPerTask:       opt(f.BytesPerTask),
		MutexWaitMs:        opt(f.MutexWaitMillis),
		GoroutinesPeak:     opt(float64(f.GoroutinesPeak)),
		HeapPeakMB:         opt(f.HeapPeakMB),
		ThrottledS:         opt(f.ThrottledSeconds),
	}
}
