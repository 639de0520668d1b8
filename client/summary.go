package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results"
)

// WriteSummary writes a human summary of one cell's trials to w: the cell,
// a table with one line per trial (requests, errors, throughput, corrected
// latency percentiles, uncorrected p99, server p50, late sends, client
// CPU), for a counter or transfer cell a second table of what the jobs'
// shared state showed (see [writeSharedTable]), the mean, standard
// deviation and 95% confidence interval of throughput and p99 over the
// complete trials when there are at least two, the errors by code, and a
// CLIENT SATURATED or SERVER BACKLOGGED warning with each trial's reason
// when a trial raised that flag (see [Trial.Flags]; server, which may be
// nil, supplies the server's advertised limits). Every trial must be of the
// same cell.
func WriteSummary(w io.Writer, trials []*Trial, server *pb.InfoResponse) error {
	s, err := summarize(trials, server)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", s.Description)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "trial\trequests\terrors\treq/s\tmean ms\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\tuncorr p99\tserver p50\tlate\tclient cpu\t\n")
	for _, r := range s.Trials {
		mark := ""
		switch {
		case r.ClientSaturated:
			mark = " SATURATED"
		case !r.Complete:
			mark = " incomplete"
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.0f%%\t%s\n",
			r.Trial, r.Requests, r.Errors, num(r.ThroughputRPS), num(r.MeanMs), num(r.P50Ms), num(r.P90Ms),
			num(r.P99Ms), num(r.P999Ms), num(r.MaxMs), num(r.UncorrectedP99Ms), num(r.ServerP50Ms),
			r.LateSends, r.ClientCPUPct, mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := writeSharedTable(&b, trials); err != nil {
		return err
	}
	if e := s.Throughput; e != nil {
		fmt.Fprintf(&b, "\nthroughput  %s req/s ± %s (sd), 95%% CI [%s, %s] over %d trials\n",
			num(e.Mean), num(e.StdDev), num(e.CILow), num(e.CIHigh), e.N)
	}
	if e := s.P99; e != nil {
		fmt.Fprintf(&b, "p99         %s ms ± %s (sd), 95%% CI [%s, %s] over %d trials\n",
			num(e.Mean), num(e.StdDev), num(e.CILow), num(e.CIHigh), e.N)
	}
	if len(s.ErrorsByCode) > 0 {
		fmt.Fprintf(&b, "\nerrors by code: %s\n", formatCodes(s.ErrorsByCode))
	}
	if s.ClientSaturated {
		fmt.Fprintf(&b, "\n!!! CLIENT SATURATED: %s.\n!!! These figures may show the load client's limit, not the server's.\n", s.Saturation)
	}
	if s.ServerBacklogged {
		fmt.Fprintf(&b, "\n!!! SERVER BACKLOGGED: %s.\n!!! The server was slower than the target rate; the latencies are those of an overloaded server.\n", s.Backlog)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// WriteSummaryJSON writes the summary of WriteSummary to w as one indented
// JSON object with snake_case keys: "description", "trials" (each a CSV
// row's figures under its column names), "throughput_rps" and "p99_ms"
// (estimates over the complete trials, absent with fewer than two),
// "errors_by_code", "client_saturated", "saturation", "server_backlogged",
// "backlog" and "complete". The
// trials of a counter cell also carry "lost_updates", "lost_per_job" and
// "lost_pct"; those of a transfer cell "invariant_ok", "invariant_broken"
// and "lock_retries" (see [Trial]); other cells' trials have none of them.
func WriteSummaryJSON(w io.Writer, trials []*Trial, server *pb.InfoResponse) error {
	s, err := summarize(trials, server)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// summary is what WriteSummary and WriteSummaryJSON render.
type summary struct {
	Description      string            `json:"description"`
	Trials           []trialSummary    `json:"trials"`
	Throughput       *estimate         `json:"throughput_rps,omitempty"`
	P99              *estimate         `json:"p99_ms,omitempty"`
	ErrorsByCode     map[string]uint64 `json:"errors_by_code,omitempty"`
	ClientSaturated  bool              `json:"client_saturated"`
	Saturation       string            `json:"saturation,omitempty"`
	ServerBacklogged bool              `json:"server_backlogged"`
	Backlog          string            `json:"backlog,omitempty"`
	Complete         bool              `json:"complete"`
}

type trialSummary struct {
	Trial            int               `json:"trial"`
	StartedAt        time.Time         `json:"started_at"`
	ElapsedS         float64           `json:"elapsed_s"`
	Requests         uint64            `json:"requests"`
	Errors           uint64            `json:"errors"`
	ErrorsByCode     map[string]uint64 `json:"errors_by_code,omitempty"`
	ThroughputRPS    float64           `json:"throughput_rps"`
	TasksPerS        float64           `json:"tasks_per_s"`
	MeanMs           float64           `json:"mean_ms"`
	P50Ms            float64           `json:"p50_ms"`
	P90Ms            float64           `json:"p90_ms"`
	P99Ms            float64           `json:"p99_ms"`
	P999Ms           float64           `json:"p999_ms"`
	MaxMs            float64           `json:"max_ms"`
	UncorrectedP99Ms float64           `json:"uncorrected_p99_ms"`
	ServerP50Ms      float64           `json:"server_p50_ms"`
	ServerP99Ms      float64           `json:"server_p99_ms"`
	QueueP99Ms       float64           `json:"queue_p99_ms"`
	LateSends        uint64            `json:"late_sends"`
	Unsent           uint64            `json:"unsent"`
	ClientCPUPct     float64           `json:"client_cpu_pct"`
	ClientSaturated  bool              `json:"client_saturated"`
	Complete         bool              `json:"complete"`
	*sharedSummary
}

type estimate struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"stddev"`
	CILow  float64 `json:"ci95_low"`
	CIHigh float64 `json:"ci95_high"`
	Median float64 `json:"median"`
}

func summarize(trials []*Trial, server *pb.InfoResponse) (*summary, error) {
	if len(trials) == 0 {
		return nil, errors.New("client: summary of no trials")
	}
	key := trials[0].Cell.Key()
	s := &summary{Description: describe(trials[0].Cell), Complete: true}
	var rps, p99 []float64
	var why, backlog []string
	for _, t := range trials {
		if k := t.Cell.Key(); k != key {
			return nil, fmt.Errorf("client: summary mixes cells %q and %q", key, k)
		}
		r := t.Row("", server, hostinfo.Fingerprint{})
		s.Trials = append(s.Trials, trialSummary{
			Trial: r.Trial, StartedAt: r.StartedAt, ElapsedS: t.Elapsed.Seconds(), Requests: r.Requests,
			Errors: r.Errors, ErrorsByCode: r.ErrorsByCode, ThroughputRPS: r.ThroughputRPS, TasksPerS: r.TasksPerS,
			MeanMs: r.MeanMs, P50Ms: r.P50Ms, P90Ms: r.P90Ms, P99Ms: r.P99Ms, P999Ms: r.P999Ms, MaxMs: r.MaxMs,
			UncorrectedP99Ms: r.UncorrectedP99Ms, ServerP50Ms: r.ServerP50Ms, ServerP99Ms: r.ServerP99Ms,
			QueueP99Ms: r.QueueP99Ms, LateSends: r.LateSends, Unsent: t.Unsent, ClientCPUPct: r.ClientCPUPct,
			ClientSaturated: r.ClientSaturated, Complete: r.Complete,
			sharedSummary: sharedOf(t),
		})
		for c, n := range r.ErrorsByCode {
			if s.ErrorsByCode == nil {
				s.ErrorsByCode = make(map[string]uint64)
			}
			s.ErrorsByCode[c] += n
		}
		s.Complete = s.Complete && t.Complete
		if t.Complete {
			rps = append(rps, r.ThroughputRPS)
			p99 = append(p99, r.P99Ms)
		}
		f := t.Flags(server)
		if f.ClientSaturated != "" {
			s.ClientSaturated = true
			why = append(why, fmt.Sprintf("trial %d: %s", t.Index, f.ClientSaturated))
		}
		if f.ServerBacklogged != "" {
			s.ServerBacklogged = true
			backlog = append(backlog, fmt.Sprintf("trial %d: %s", t.Index, f.ServerBacklogged))
		}
	}
	s.Saturation = strings.Join(why, "; ")
	s.Backlog = strings.Join(backlog, "; ")
	s.Throughput, s.P99 = estimateOf(rps), estimateOf(p99)
	return s, nil
}

// estimateOf returns the estimate of xs, or nil with fewer than two values
// or when results.NewEstimate cannot make one.
func estimateOf(xs []float64) *estimate {
	if len(xs) < 2 {
		return nil
	}
	e, err := results.NewEstimate(xs)
	if err != nil {
		return nil
	}
	return &estimate{N: e.N, Mean: e.Mean, StdDev: e.StdDev, CILow: e.CILow, CIHigh: e.CIHigh, Median: e.Median}
}

// describe returns a one-line description of c.
func describe(c Cell) string {
	j, l := c.Job, c.Load
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s: %d tasks, parallelism %d, scope %s", StrategyName(j.GetStrategy()),
		WorkloadName(j.GetWorkload()), j.GetTasks(), j.GetParallelism(), ScopeName(j.GetScope()))
	switch it := j.GetCpuIterations(); {
	case it == 0:
	case j.GetWorkload() == pb.Workload_WORKLOAD_COUNTER:
		fmt.Fprintf(&b, ", %d increments per task under sync %s", it, SyncName(j.GetSync()))
	case j.GetWorkload() == pb.Workload_WORKLOAD_TRANSFER:
		fmt.Fprintf(&b, ", %d transfers per task between %d accounts, lock order %s", it, j.GetAccounts(), LockOrderName(j.GetLockOrder()))
	default:
		fmt.Fprintf(&b, ", %d cpu iterations", it)
	}
	if io := j.GetIoLatency().AsDuration(); io > 0 {
		fmt.Fprintf(&b, ", io latency %v", io)
	}
	if l.Mode == Open {
		fmt.Fprintf(&b, "; open loop at %g req/s, at most %d in flight", l.Rate, l.MaxInFlight)
	} else {
		fmt.Fprintf(&b, "; closed loop, concurrency %d", l.Concurrency)
	}
	fmt.Fprintf(&b, ", %d connection(s), ", l.Connections)
	if l.Requests > 0 {
		fmt.Fprintf(&b, "%d requests", l.Requests)
	} else {
		fmt.Fprintf(&b, "%v", l.Duration)
	}
	fmt.Fprintf(&b, " measured after %v warm-up", l.Warmup)
	return b.String()
}

// num formats v with about four significant digits.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 1000 || v <= -1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// formatCodes renders counts by code name as "A=1;B=2", sorted by name,
// the CSV's form.
func formatCodes(m map[string]uint64) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + strconv.FormatUint(m[n], 10)
	}
	return strings.Join(parts, ";")
}
