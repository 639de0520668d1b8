package merge

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// Trial is one trial of one cell merged over the load clients that ran
// it together: its row and the histograms the row's figures come from.
type Trial struct {
	Row  record.Row
	Hist *histogram.Trial
}

// Clients merges the results of several load clients that ran the
// same cells at the same time against one server, one Source per client,
// into one result per trial. Rows are paired on (CellKey, trial); every
// source must hold exactly the same pairs, or Clients refuses with an
// error naming a cell and trial that one source lacks. A source holding
// one pair twice keeps its complete row (two complete rows are an error).
// Paired rows must name the same server host.
//
// Each merged row is the first source's row with:
//   - the histograms of every client's trial file added exactly (each row
//     must name its trial file), and mean_ms, p50_ms … max_ms,
//     uncorrected_p99_ms, server_p50/p99_ms, queue_p99_ms, p99_all_ms,
//     max_all_ms, send_lag_p99_ms, server_wait_p50/p99_ms and
//     overhead_p50/p99_ms recomputed from them, never averaged;
//   - io_wait_mean_ms the clients' means weighted by their tasks_per_s
//     (tasks per trial length), absent if no client has it;
//   - requests, errors, errors_by_code, throughput_rps, tasks_per_s,
//     late_sends, unsent, client_logical_cpus, lost_updates and
//     lock_retries summed, error_rate recomputed from the sums, and
//     invariant_ok true only if it is in every client's row;
//   - the load summed too, so that the row describes the load the server
//     saw and its bound (JobsInFlight) is right: concurrency (closed-loop
//     workers, or the open loop's in-flight limits), target_rps and
//     connections are the sums of the clients'. Two clients of
//     concurrency 4 make a merged cell of concurrency 8, comparable with
//     one client of 8;
//   - client_cpu_pct the largest of the clients', client_saturated and
//     server_backlogged true if any client's was, flag_reasons each
//     flagging client's reasons after its client_host, complete true only
//     if every client's trial was;
//   - the schema version of the rows, which must all have the same one, so
//     that merged version 1 rows keep the figures they lack absent;
//   - started_at the earliest, client_host "merged(N)", histogram empty
//     (WriteFolder names the file it writes).
//
// Trials come in the first source's row order. It reads every trial file
// once; errors name the file.
func Clients(srcs []*record.Source) ([]Trial, error) {
	if len(srcs) < 2 {
		return nil, fmt.Errorf("merge: %d inputs, want at least 2", len(srcs))
	}
	type pairKey struct {
		cell  string
		trial int
	}
	index := make([]map[pairKey]record.Row, len(srcs))
	var order []pairKey
	for i, s := range srcs {
		index[i] = map[pairKey]record.Row{}
		for _, r := range s.Rows {
			k := pairKey{r.CellKey(), r.Trial}
			prev, dup := index[i][k]
			switch {
			case !dup:
				if i == 0 {
					order = append(order, k)
				}
			case prev.Complete && r.Complete:
				return nil, fmt.Errorf("merge: %s holds cell %s trial %d twice", s.Path, k.cell, k.trial)
			case prev.Complete:
				continue // keep the complete one
			}
			index[i][k] = r
		}
	}
	for i := 1; i < len(srcs); i++ {
		for _, k := range order {
			if _, ok := index[i][k]; !ok {
				return nil, fmt.Errorf("merge: cell %s trial %d is in %s but not in %s; the inputs must hold the same cells and trials",
					k.cell, k.trial, srcs[0].Path, srcs[i].Path)
			}
		}
		if len(index[i]) != len(index[0]) {
			for k := range index[i] {
				if _, ok := index[0][k]; !ok {
					return nil, fmt.Errorf("merge: cell %s trial %d is in %s but not in %s; the inputs must hold the same cells and trials",
						k.cell, k.trial, srcs[i].Path, srcs[0].Path)
				}
			}
		}
	}
	out := make([]Trial, 0, len(order))
	for _, k := range order {
		rows := make([]record.Row, len(srcs))
		for i := range srcs {
			rows[i] = index[i][k]
		}
		m, err := mergeTrial(srcs, rows)
		if err != nil {
			return nil, fmt.Errorf("merge: cell %s trial %d: %w", k.cell, k.trial, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// mergeTrial merges rows, row i being from srcs[i], as Clients
// describes.
func mergeTrial(srcs []*record.Source, rows []record.Row) (Trial, error) {
	m := rows[0]
	m.ClientHost = "merged(" + strconv.Itoa(len(rows)) + ")"
	m.Histogram = ""
	m.Requests, m.Errors, m.LateSends = 0, 0, 0
	m.ThroughputRPS, m.TasksPerS, m.ClientCPUPct = 0, 0, 0
	m.ClientLogicalCPUs = 0
	m.Concurrency, m.TargetRPS, m.Connections = 0, 0, 0
	m.ErrorsByCode = nil
	m.LostUpdates, m.LockRetries = 0, 0
	m.ClientSaturated, m.Complete, m.InvariantOK = false, true, true
	m.Unsent, m.ServerBacklogged, m.FlagReasons = 0, false, ""
	var reasons []string
	hist := new(histogram.Trial)
	// io_wait_mean_ms is a mean per task: weight each client's by its
	// tasks (tasks_per_s, over one trial length).
	var ioWait, ioWeight float64
	for i, r := range rows {
		if v := versionOf(r); v != versionOf(m) {
			return Trial{}, fmt.Errorf("%s is schema version %d but %s is version %d; merge results of one version",
				srcs[0].Path, versionOf(m), srcs[i].Path, v)
		}
		m.Unsent += r.Unsent
		m.ServerBacklogged = m.ServerBacklogged || r.ServerBacklogged
		if r.FlagReasons != "" {
			reasons = append(reasons, r.ClientHost+": "+r.FlagReasons)
		}
		if r.ServerHost != m.ServerHost {
			return Trial{}, fmt.Errorf("%s measured server host %q but %s measured %q; merge only clients of one server",
				srcs[0].Path, m.ServerHost, srcs[i].Path, r.ServerHost)
		}
		p := srcs[i].HistogramPath(r)
		if p == "" {
			return Trial{}, fmt.Errorf("%s: the row names no trial file, so its histograms cannot be merged", srcs[i].CSV)
		}
		h, err := histogram.ReadTrialFile(p)
		if err != nil {
			return Trial{}, err
		}
		hist.Merge(h)
		if r.StartedAt.Before(m.StartedAt) {
			m.StartedAt = r.StartedAt
		}
		m.Requests += r.Requests
		m.Errors += r.Errors
		m.LateSends += r.LateSends
		m.ThroughputRPS += r.ThroughputRPS
		m.TasksPerS += r.TasksPerS
		if !math.IsNaN(r.IOWaitMeanMs) && r.TasksPerS > 0 {
			ioWait += r.IOWaitMeanMs * r.TasksPerS
			ioWeight += r.TasksPerS
		}
		m.ClientLogicalCPUs += r.ClientLogicalCPUs
		m.Concurrency += r.Concurrency
		m.TargetRPS += r.TargetRPS
		m.Connections += r.Connections
		m.ClientCPUPct = max(m.ClientCPUPct, r.ClientCPUPct)
		m.ClientSaturated = m.ClientSaturated || r.ClientSaturated
		m.Complete = m.Complete && r.Complete
		m.LostUpdates += r.LostUpdates
		m.LockRetries += r.LockRetries
		m.InvariantOK = m.InvariantOK && r.InvariantOK
		if len(r.ErrorsByCode) > 0 && m.ErrorsByCode == nil {
			m.ErrorsByCode = map[string]uint64{}
		}
		for code, n := range r.ErrorsByCode {
			m.ErrorsByCode[code] += n
		}
	}
	m.SetLatency(hist)
	m.FlagReasons = strings.Join(reasons, "; ")
	m.ErrorRate = 0
	if n := m.Requests + m.Unsent; n > 0 {
		m.ErrorRate = float64(m.Errors+m.Unsent) / float64(n)
	}
	m.IOWaitMeanMs = math.NaN()
	if ioWeight > 0 {
		m.IOWaitMeanMs = ioWait / ioWeight
	}
	return Trial{Row: m, Hist: hist}, nil
}

// versionOf returns r's schema version, a zero one being SchemaVersion.
func versionOf(r record.Row) int {
	if r.SchemaVersion == 0 {
		return record.SchemaVersion
	}
	return r.SchemaVersion
}
