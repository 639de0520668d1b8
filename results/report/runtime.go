package report

import (
	"fmt"
	"html/template"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
)

// runtimeFigure is one of the server's runtime figures that the report
// charts and tabulates.
type runtimeFigure struct {
	title  string // chart and column heading
	axis   string // the chart's axis title
	get    func(record.Runtime) record.Optional
	format func(float64) string
}

// runtimeFigures are the figures of the "Why" section, in order.
var runtimeFigures = []runtimeFigure{
	{"CPU per task", "server CPU µs per task",
		func(r record.Runtime) record.Optional { return r.ServerCPUUsPerTask }, formatUs},
	{"Scheduler latency p99", "scheduler-latency p99",
		func(r record.Runtime) record.Optional { return r.SchedLatencyP99Us }, formatUs},
	{"GC CPU", "GC share of the server's CPU",
		func(r record.Runtime) record.Optional { return r.GCCPUPct }, func(v float64) string { return formatPct(v / 100) }},
	{"Goroutines", "peak goroutines in the server",
		func(r record.Runtime) record.Optional { return r.GoroutinesPeak }, formatSI},
}

// formatUs formats microseconds as formatMs does.
func formatUs(us float64) string { return formatMs(us / 1000) }

// runtimeChart is one figure's chart of a panel.
type runtimeChart struct {
	Title string
	Chart template.HTML
}

// runtimeCharts draws each runtime figure of p's cells against the load
// level; nil when no cell has any.
func runtimeCharts(p panel, title string) []runtimeChart {
	var out []runtimeChart
	for _, fig := range runtimeFigures {
		h := barChart(p, fig.title+" against load, "+title, barSpec{
			axisTitle: fig.axis,
			format:    fig.format,
			value: func(c cell.Summary) (float64, bool) {
				o := fig.get(c.Runtime)
				return o.Value, o.Valid
			},
			describe: func(c cell.Summary) string {
				return fmt.Sprintf("%s %s (median over trials)", fig.title, fig.format(fig.get(c.Runtime).Value))
			},
		})
		if h != "" {
			out = append(out, runtimeChart{Title: fig.title, Chart: h})
		}
	}
	return out
}

// runtimeCells formats c's runtime figures for the table of all cells, in
// runtimeFigures order, "–" where absent.
func runtimeCells(c cell.Summary) []string {
	out := make([]string, len(runtimeFigures))
	for i, fig := range runtimeFigures {
		out[i] = "–"
		if o := fig.get(c.Runtime); o.Valid {
			out[i] = fig.format(o.Value)
		}
	}
	return out
}

// runtimeHeads are the column headings of runtimeCells.
func runtimeHeads() []string {
	out := make([]string, len(runtimeFigures))
	for i, fig := range runtimeFigures {
		out[i] = fig.title
	}
	return out
}
