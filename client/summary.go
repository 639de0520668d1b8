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

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/stats"
)

// WriteSummary writes a human summary of one cell's trials to w: the cell,
// a table with one line per trial (requests, errors, throughput, corrected
// latency percentiles, uncorrected p99, server p50, late sends, client
// CPU), for a counter or transfer cell a second table of what the jobs'
// shared state showed (see [writeSharedTable]), the mean, standard
// deviation and 95% confidence interval of throughput and p99 over the
// complete trials when there are at least two, the errors by code, and a
// CLIENT SATURATED warning when any trial's client was saturated. Every
// trial must be of the same cell.
func WriteSummary(w io.Writer, trials []*Trial) error {
	s, err := summarize(trials)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", s.Description)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "trial\trequests\terrors\treq/s\tmean ms\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\tuncorr p99\tserver p50\tlate\tclient cpu\t\n")
	for _, ts := range s.Trials {
		r := ts.Row
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
	_, err = io.WriteString(w, b.String())
	return err
}

// WriteSummaryJSON writes the summary of WriteSummary to w as one indented
// JSON object with snake_case keys: "description", "trials" (each a CSV
// row's figures under its column names, with "elapsed_s" and "unsent"),
// "throughput_rps" and "p99_ms" (estimates over the complete trials,
// absent with fewer than two), "errors_by_code", "client_saturated",
// "saturation" and "complete". The trials of a counter cell also carry
// "lost_updates", "lost_per_job" and "lost_pct"; those of a transfer cell
// "invariant_ok", "invariant_broken" and "lock_retries" (see [Trial]);
// other cells' trials have none of them.
func WriteSummaryJSON(w io.Writer, trials []*Trial) error {
	s, err := summarize(trials)
	if err != nil {
		return err
	}
	doc := object{{"description", s.Description}, {"trials", s.Trials}}
	if e := s.Throughput; e != nil {
		doc = append(doc, member{"throughput_rps", estimateJSON(e)})
	}
	if e := s.P99; e != nil {
		doc = append(doc, member{"p99_ms", estimateJSON(e)})
	}
	if len(s.ErrorsByCode) > 0 {
		doc = append(doc, member{"errors_by_code", s.ErrorsByCode})
	}
	doc = append(doc, member{"client_saturated", s.ClientSaturated})
	if s.Saturation != "" {
		doc = append(doc, member{"saturation", s.Saturation})
	}
	doc = append(doc, member{"complete", s.Complete})
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// summary is what WriteSummary and WriteSummaryJSON render: the record
// types themselves, a CSV row per trial and the estimates of the results
// packages.
type summary struct {
	Description     string
	Trials          []trialSummary
	Throughput      *stats.Estimate // of throughput_rps over complete trials; nil with fewer than two
	P99             *stats.Estimate // of p99_ms over complete trials; nil with fewer than two
	ErrorsByCode    map[string]uint64
	ClientSaturated bool
	Saturation      string
	Complete        bool
}

// trialSummary is one trial: its CSV row, and the trial for what the row
// does not hold.
type trialSummary struct {
	Row   record.Row
	Trial *Trial
}

// trialColumns are the CSV columns of a trial in the JSON summary, in
// order; "elapsed_s" and "unsent", which the CSV lacks, follow
// "started_at" and "late_sends".
var trialColumns = []string{"trial", "started_at", "requests", "errors", "errors_by_code",
	"throughput_rps", "tasks_per_s", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms",
	"uncorrected_p99_ms", "server_p50_ms", "server_p99_ms", "queue_p99_ms", "late_sends",
	"client_cpu_pct", "client_saturated", "complete"}

// MarshalJSON renders t's row under its column names (errors_by_code left
// out when empty), then its shared-state figures.
func (t trialSummary) MarshalJSON() ([]byte, error) {
	o := make(object, 0, len(trialColumns)+8)
	for _, c := range trialColumns {
		v, _ := t.Row.Field(c)
		if m, ok := v.(map[string]uint64); ok && len(m) == 0 {
			continue
		}
		o = append(o, member{c, v})
		switch c {
		case "started_at":
			o = append(o, member{"elapsed_s", t.Trial.Elapsed.Seconds()})
		case "late_sends":
			o = append(o, member{"unsent", t.Trial.Unsent})
		}
	}
	return append(o, sharedMembers(t.Trial)...).MarshalJSON()
}

// estimateJSON lays e out with the summary's keys.
func estimateJSON(e *stats.Estimate) object {
	return object{{"n", e.N}, {"mean", e.Mean}, {"stddev", e.StdDev},
		{"ci95_low", e.CILow}, {"ci95_high", e.CIHigh}, {"median", e.Median}}
}

// member is one key and value of an object.
type member struct {
	key   string
	value any
}

// object is a JSON object whose keys keep their order.
type object []member

// MarshalJSON renders o's members in order.
func (o object) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, fmt.Errorf("summary: %s: %w", m.key, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

func summarize(trials []*Trial) (*summary, error) {
	if len(trials) == 0 {
		return nil, errors.New("client: summary of no trials")
	}
	key := trials[0].Cell.Key()
	s := &summary{Description: describe(trials[0].Cell), Complete: true}
	var rps, p99 []float64
	var why []string
	for _, t := range trials {
		if k := t.Cell.Key(); k != key {
			return nil, fmt.Errorf("client: summary mixes cells %q and %q", key, k)
		}
		r := t.Row("", nil, hostinfo.Fingerprint{})
		s.Trials = append(s.Trials, trialSummary{Row: r, Trial: t})
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
		if t.Saturated {
			s.ClientSaturated = true
			why = append(why, fmt.Sprintf("trial %d: %d of %d sends late, client CPU %.0f%% of %g CPUs",
				t.Index, t.LateSends, t.Requests, t.CPU.Percent, t.CPU.AvailableCPUs))
		}
	}
	s.Saturation = strings.Join(why, "; ")
	s.Throughput, s.P99 = estimateOf(rps), estimateOf(p99)
	return s, nil
}

// estimateOf returns the estimate of xs, or nil with fewer than two values
// or when stats.NewEstimate cannot make one.
func estimateOf(xs []float64) *stats.Estimate {
	if len(xs) < 2 {
		return nil
	}
	e, err := stats.NewEstimate(xs)
	if err != nil {
		return nil
	}
	return &e
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
