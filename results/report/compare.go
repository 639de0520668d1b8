package report

import (
	"html/template"
	"io"
	"slices"
	"strconv"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/compare"
	"github.com/stratbench/stratbench/results/record"
)

// WriteComparison writes c as compare.html: a self-contained page (inline style,
// no script, nothing fetched) with the two sides' host fingerprints side by
// side, differing fields highlighted, and the table of [compare.Comparison.WriteText] with
// significant p-values and saturated clients marked.
func WriteComparison(w io.Writer, c *compare.Comparison) error {
	return compareTemplate.Execute(w, comparisonData(c))
}

// htmlPage is what compareTemplate renders.
type htmlPage struct {
	A, B         string
	Fingerprints []htmlFingerprint
	Cells        []htmlCell
	OnlyA, OnlyB int
	Alpha        float64
	MaxErrorPct  float64 // cell.MaxComparableErrorRate in percent
	Overall      string  // the summary line, compare.Overall's
}

type htmlFingerprint struct {
	Name, A, B string
	Differs    bool
}

type htmlCell struct {
	Label, Key                                     string
	ATasks, BTasks, TasksRatio, TasksP, AP99, BP99 string
	P99Ratio, P99P                                 string
	CPURatio, SchedRatio                           string
	TasksSig, P99Sig, Saturated                    bool
	ATrials, BTrials                               int
	// Flags are the cell's warnings (compare.Cell.Flags, "ok" left out);
	// NotComparable marks a p99 that errors make not comparable.
	Flags         []string
	NotComparable bool
	Note          string // compare.TooFewNote or ""
}

// comparisonData lays c out for the template.
func comparisonData(c *compare.Comparison) htmlPage {
	p := htmlPage{A: c.A.Name, B: c.B.Name, OnlyA: len(c.OnlyA), OnlyB: len(c.OnlyB), Alpha: compare.SignificanceLevel,
		MaxErrorPct: 100 * cell.MaxComparableErrorRate, Overall: c.Overall().String()}
	fa, fb := sideFingerprint(c.A), sideFingerprint(c.B)
	var names []string
	seen := map[string]bool{}
	for _, f := range append(append(record.HostFields(nil), fa...), fb...) {
		if !seen[f.Name] {
			seen[f.Name] = true
			names = append(names, f.Name)
		}
	}
	for _, n := range names {
		a, b := fa.Get(n), fb.Get(n)
		p.Fingerprints = append(p.Fingerprints, htmlFingerprint{n, a, b, a != b})
	}
	for _, x := range c.Cells {
		note := ""
		if x.TooFew() {
			note = compare.TooFewNote
		}
		p.Cells = append(p.Cells, htmlCell{
			Note:  note,
			Label: cell.Label(x.A), Key: x.A.Key,
			ATasks: compare.FormatNumber(x.A.TasksPerS.Median), BTasks: compare.FormatNumber(x.B.TasksPerS.Median),
			TasksRatio: compare.FormatRatio(x.TasksRatio), TasksP: strconv.FormatFloat(x.TasksP, 'g', 3, 64),
			AP99: compare.FormatNumber(x.A.P99Ms.Median), BP99: compare.FormatNumber(x.B.P99Ms.Median),
			P99Ratio: compare.FormatRatio(x.P99Ratio), P99P: strconv.FormatFloat(x.P99P, 'g', 3, 64),
			CPURatio: compare.FormatRatio(x.CPUPerTaskRatio), SchedRatio: compare.FormatRatio(x.SchedP99Ratio),
			TasksSig: x.TasksSignificant(), P99Sig: x.P99Significant(), Saturated: x.Saturated(),
			ATrials: x.A.Trials, BTrials: x.B.Trials,
			Flags: slices.DeleteFunc(x.Flags(), func(f string) bool { return f == "ok" }), NotComparable: !x.LatencyComparable(),
		})
	}
	return p
}

// sideFingerprint returns the fields describing s's hosts: from its
// hosts.json, prefixed "server." and "client.", or, without one, the server
// columns of its first row.
func sideFingerprint(s compare.Side) record.HostFields {
	var f record.HostFields
	if s.Hosts != nil {
		for _, x := range s.Hosts.Server {
			f = append(f, record.HostField{Name: "server." + x.Name, Value: x.Value})
		}
		for _, x := range s.Hosts.Client {
			f = append(f, record.HostField{Name: "client." + x.Name, Value: x.Value})
		}
		return f
	}
	if len(s.Rows) == 0 {
		return nil
	}
	r := s.Rows[0]
	return record.HostFields{
		{Name: "server.hostname", Value: r.ServerHost},
		{Name: "server.cpu_model", Value: r.ServerCPUModel},
		{Name: "server.logical_cpus", Value: strconv.Itoa(r.ServerLogicalCPUs)},
		{Name: "server.gomaxprocs", Value: strconv.Itoa(r.ServerGOMAXPROCS)},
		{Name: "server.go_version", Value: r.ServerGoVersion},
		{Name: "server.ns_per_iteration", Value: record.FormatFloat(r.ServerNsPerIteration)},
		{Name: "client.hostname", Value: r.ClientHost},
		{Name: "client.logical_cpus", Value: strconv.Itoa(r.ClientLogicalCPUs)},
	}
}

var compareTemplate = template.Must(template.New("compare").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stratbench compare: {{.A}} vs {{.B}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.differs td { background: #fff6d6; }
.sig { font-weight: bold; color: #a40000; }
.sat { color: #8a5a00; font-weight: bold; }
.nc { background: #fde8e8; text-decoration: line-through; }
code { font-size: 12px; }
</style>
</head>
<body>
<h1>stratbench compare</h1>
<p>A: <code>{{.A}}</code><br>B: <code>{{.B}}</code></p>

<h2>Hosts</h2>
<table>
<tr><th>field</th><th>A</th><th>B</th></tr>
{{range .Fingerprints}}<tr{{if .Differs}} class="differs"{{end}}><td>{{.Name}}</td><td>{{.A}}</td><td>{{.B}}</td></tr>
{{end}}</table>

<h2>Cells measured on both sides</h2>
{{if .Cells}}<table>
<tr><th>cell</th><th>trials A/B</th><th>A tasks/s</th><th>B tasks/s</th><th>B/A</th><th>p</th><th>A p99 ms</th><th>B p99 ms</th><th>B/A</th><th>p</th><th title="server CPU per task, B over A">CPU/task B/A</th><th title="server scheduler-latency p99, B over A">sched p99 B/A</th><th>flags</th><th>note</th></tr>
{{range .Cells}}<tr><td title="{{.Key}}">{{.Label}}</td><td class="n">{{.ATrials}}/{{.BTrials}}</td><td class="n">{{.ATasks}}</td><td class="n">{{.BTasks}}</td><td class="n{{if .TasksSig}} sig{{end}}">{{.TasksRatio}}</td><td class="n{{if .TasksSig}} sig{{end}}">{{.TasksP}}{{if .TasksSig}} *{{end}}</td><td class="n">{{.AP99}}</td><td class="n">{{.BP99}}</td><td class="n{{if .P99Sig}} sig{{end}}{{if .NotComparable}} nc{{end}}">{{.P99Ratio}}{{if .NotComparable}} !{{end}}</td><td class="n{{if .P99Sig}} sig{{end}}">{{.P99P}}{{if .P99Sig}} *{{end}}</td><td class="n">{{.CPURatio}}</td><td class="n">{{.SchedRatio}}</td><td>{{range .Flags}}<span class="sat">{{.}}</span> {{end}}</td><td>{{.Note}}</td></tr>
{{end}}</table>
<p>{{.Overall}}</p>
{{else}}<p>No cell was measured on both sides.</p>
{{end}}
<p>Cells are matched on their job and load parameters, never on host. Figures are medians over complete trials; B/A is B's median over A's.
p is the two-sided Mann–Whitney U p-value over trials (golang.org/x/perf/benchmath, as benchstat); <span class="sig">*</span> marks p &lt; {{.Alpha}};
“n too small” marks a cell whose trial counts cannot give p &lt; {{.Alpha}} however far apart the trials are (3 against 3 cannot go below 0.1; 5 against 5 reaches 0.008).
<span class="sat">saturated</span>: a load client on either side saturated, so the figure may be the client's limit, not the server's.
<span class="sat">backlogged</span>: a side's server fell behind its open-loop schedule, so its latencies are those of an overloaded server.
<span class="nc">!</span> <span class="sat">p99 not comparable</span>: a side's error rate (failed, timed out or unsent requests) is above {{.MaxErrorPct}}%, and its success-only p99 leaves those requests out.</p>
{{if .OnlyA}}<p>{{.OnlyA}} cells only in A.</p>{{end}}
{{if .OnlyB}}<p>{{.OnlyB}} cells only in B.</p>{{end}}
</body>
</html>
`))
