package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
)

// hgrmFlags are the flags of `stratbench export --format hgrm`.
type hgrmFlags struct {
	cell, hist string
}

func registerHgrmFlags(fs *flag.FlagSet) *hgrmFlags {
	h := new(hgrmFlags)
	fs.StringVar(&h.cell, "cell", "", "hgrm: the cell's `label` as the report names it, such as \"pool/cpu t=16 p=4 it=2000 open r=200 max=1000\"; may be left out when there is one cell")
	fs.StringVar(&h.hist, "histogram", "latency", "hgrm: latency (corrected, from the intended send) or uncorrected (from the actual send)")
	return h
}

// write writes the chosen histogram of the chosen cell of srcs, merged over
// its complete trials, as HdrHistogram percentile text in milliseconds.
func (h *hgrmFlags) write(w io.Writer, srcs []*record.Source) error {
	if h.hist != "latency" && h.hist != "uncorrected" {
		return usageError{fmt.Errorf("--histogram %q: want latency or uncorrected", h.hist)}
	}
	var rows []record.Row
	for _, s := range srcs {
		rows = append(rows, s.Rows...)
	}
	cells, err := cell.Summarize(rows)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	hists, err := cell.MergeHistograms(srcs, cells)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var labels []string
	var found *cell.Histograms
	for i := range hists {
		l := cell.Label(hists[i].Cell)
		labels = append(labels, l)
		if l == h.cell || h.cell == "" && len(hists) == 1 {
			found = &hists[i]
		}
	}
	switch {
	case len(hists) == 0:
		return errors.New("export: no complete trial with a histogram file")
	case found == nil && h.cell == "":
		return usageError{fmt.Errorf("--cell: %d cells; name one of:\n  %s", len(hists), strings.Join(labels, "\n  "))}
	case found == nil:
		return usageError{fmt.Errorf("--cell %q: no such cell; the cells are:\n  %s", h.cell, strings.Join(labels, "\n  "))}
	}
	hist := found.Hist.Latency
	if h.hist == "uncorrected" {
		hist = found.Hist.Uncorrected
	}
	if hist == nil {
		return fmt.Errorf("export: cell %s has no %s histogram", cell.Label(found.Cell), h.hist)
	}
	return hist.WritePercentiles(w, 5, time.Millisecond)
}
