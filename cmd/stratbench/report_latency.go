package main

import (
	"errors"

	"github.com/stratbench/stratbench/client/capacity"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
)

// writeLatencyPage writes latency.html into dir (latency against offered
// rate for the open-loop cells, and every cell's percentile spectrum from
// its trial files) and returns its path, or "" when the inputs have
// neither open-loop cells at two rates nor trial files.
func writeLatencyPage(dir string, srcs []*record.Source, cells []cell.Summary, obj capacity.Objective) (string, error) {
	hists, err := cell.MergeHistograms(srcs, cells)
	if err != nil {
		return "", err
	}
	p, err := report.WriteLatency(dir, cells, hists, report.Objective{Name: obj.Name(), BoundMs: float64(obj.Bound.Microseconds()) / 1000})
	if errors.Is(err, report.ErrNothingToShow) {
		return "", nil
	}
	return p, err
}
