// Package export writes a sweep's results in the formats that other tools
// read: the custom JSON arrays of github-action-benchmark (WriteGAB), the
// Bencher Metric Format (WriteBMF), and stratbench's own versioned JSON
// document of a whole sweep (WriteDocument), whose JSON Schema is
// docs/sweep.schema.json.
package export

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/stratbench/stratbench/results/benchfmt"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
)

// Cell is one summarised cell with the name trackers know it by.
type Cell struct {
	// Name is the cell's benchmark name, the same on every run and host:
	// benchfmt.Name without its "Benchmark" prefix, such as
	// "Run/strategy=pool/workload=cpu/scope=job/tasks=16/parallelism=4/
	// iterations=1000/concurrency=8", after "HOST/" when the results hold
	// more than one server host.
	Name    string
	Summary cell.Summary
	// Rows are the cell's rows, complete or not, in file order.
	Rows []record.Row
}

// Cells summarises the rows of srcs (cell.Summarize) and names each cell.
// It fails when the sources hold no complete trial.
func Cells(srcs []*record.Source) ([]Cell, error) {
	var rows []record.Row
	for _, s := range srcs {
		rows = append(rows, s.Rows...)
	}
	sums, err := cell.Summarize(rows)
	if err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, fmt.Errorf("export: no complete trial in %d rows", len(rows))
	}
	type id struct{ host, key string }
	byCell := map[id][]record.Row{}
	hosts := map[string]bool{}
	for _, r := range rows {
		k := id{r.ServerHost, r.CellKey()}
		byCell[k] = append(byCell[k], r)
		hosts[r.ServerHost] = true
	}
	out := make([]Cell, 0, len(sums))
	for _, s := range sums {
		rs := byCell[id{s.Host, s.Key}]
		name := strings.TrimPrefix(benchfmt.Name(rs[0]), "Benchmark")
		if len(hosts) > 1 {
			name = s.Host + "/" + name
		}
		out = append(out, Cell{Name: name, Summary: s, Rows: rs})
	}
	// Names stay unique even for cells that differ only in a parameter the
	// name leaves out (connections, warm-up, duration): the key tells them
	// apart.
	slices.SortStableFunc(out, func(a, b Cell) int { return cmp.Compare(a.Name, b.Name) })
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			return nil, fmt.Errorf("export: cells %q and %q share the name %s; export them separately",
				out[i-1].Summary.Key, out[i].Summary.Key, out[i].Name)
		}
	}
	return out, nil
}

// finite returns v, or 0 for NaN and infinities, which JSON cannot hold.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
