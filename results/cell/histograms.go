package cell

import (
	"fmt"

	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// Histograms is one cell's histograms, added exactly over its complete
// trials' trial files.
type Histograms struct {
	Cell Summary
	Hist histogram.Trial
	// Trials counts the trial files merged.
	Trials int
}

// MergeHistograms returns, for each of cells (summaries of the rows of
// srcs, from Summarize), in order, the sum of the trial files that its
// complete rows name. Rows that name no file are skipped, and a cell none
// of whose rows names one is left out. A file that cannot be read is an
// error naming it.
func MergeHistograms(srcs []*record.Source, cells []Summary) ([]Histograms, error) {
	type id struct{ host, key string }
	at := make(map[id]int, len(cells))
	out := make([]Histograms, len(cells))
	for i, c := range cells {
		at[id{c.Host, c.Key}] = i
		out[i].Cell = c
	}
	for _, s := range srcs {
		for _, r := range s.Rows {
			i, ok := at[id{r.ServerHost, r.CellKey()}]
			p := s.HistogramPath(r)
			if !ok || !r.Complete || p == "" {
				continue
			}
			t, err := histogram.ReadTrialFile(p)
			if err != nil {
				return nil, fmt.Errorf("cell %s: %w", Label(out[i].Cell), err)
			}
			out[i].Hist.Merge(t)
			out[i].Trials++
		}
	}
	kept := out[:0]
	for _, h := range out {
		if h.Trials > 0 {
			kept = append(kept, h)
		}
	}
	return kept, nil
}
