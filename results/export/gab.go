package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/stratbench/stratbench/results/stats"
)

// GABEntry is one entry of github-action-benchmark's custom formats
// (tools customBiggerIsBetter and customSmallerIsBetter).
type GABEntry struct {
	Name  string  `json:"name"`
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
	// Range is "± h", h being half the width of the 95% confidence interval
	// of the mean over trials; "± 0" with a single trial.
	Range string `json:"range"`
	// Extra is shown in the action's tooltip: trials, the interval, and a
	// warning when a load client saturated.
	Extra string `json:"extra"`
}

// GAB returns the two arrays of github-action-benchmark: bigger-is-better
// (throughput in tasks/s, one entry per cell) and smaller-is-better (p99
// latency in ms, one entry per cell). Each value is the median over the
// cell's complete trials.
func GAB(cells []Cell) (bigger, smaller []GABEntry) {
	for _, c := range cells {
		s := c.Summary
		bigger = append(bigger, gabEntry(c, "throughput", "tasks/s", s.TasksPerS.Median, s.TasksPerS.CILow, s.TasksPerS.CIHigh))
		smaller = append(smaller, gabEntry(c, "p99", "ms", s.P99Ms.Median, s.P99Ms.CILow, s.P99Ms.CIHigh))
		if e, ok := CPUPerTask(c); ok {
			smaller = append(smaller, gabEntry(c, "server CPU per task", "µs", e.Median, e.CILow, e.CIHigh))
		}
	}
	return bigger, smaller
}

func gabEntry(c Cell, metric, unit string, v, lo, hi float64) GABEntry {
	extra := fmt.Sprintf("%d trials; 95%% CI of the mean [%s, %s] %s", c.Summary.Trials, num(lo), num(hi), unit)
	if c.Summary.Saturated {
		extra += "; a load client saturated: the figure may be the client's limit"
	}
	return GABEntry{
		Name:  c.Name + " - " + metric,
		Unit:  unit,
		Value: finite(v),
		Range: "± " + num((hi-lo)/2),
		Extra: extra,
	}
}

// num formats v with 6 significant digits.
func num(v float64) string { return strconv.FormatFloat(finite(v), 'g', 6, 64) }

// WriteGAB writes entries as the JSON array the action reads.
func WriteGAB(w io.Writer, entries []GABEntry) error {
	if entries == nil {
		entries = []GABEntry{}
	}
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(entries)
}

// CPUPerTask returns the estimate of the server's CPU µs per task over c's
// complete trials that have the figure (server_cpu_us_per_task), and false
// when none has it: a server without Stats, or a schema version 1 file.
func CPUPerTask(c Cell) (stats.Estimate, bool) {
	var xs []float64
	for _, r := range c.Rows {
		if r.Complete && r.Runtime.ServerCPUUsPerTask.Valid {
			xs = append(xs, r.Runtime.ServerCPUUsPerTask.Value)
		}
	}
	e, err := stats.NewEstimate(xs)
	return e, err == nil
}
