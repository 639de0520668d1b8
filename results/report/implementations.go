package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/compare"
	"github.com/stratbench/stratbench/results/record"
)

// implTable compares the implementations of one strategy in one panel:
// each at every load level, against the project's own at the same level,
// with compare's ratios and rank test.
type implTable struct {
	Title, Subtitle string
	// Verdicts say, per library, at how many levels it was significantly
	// faster or slower than own.
	Verdicts []string
	Rows     []implRow
	NoOwn    bool // the panel has no own cells to compare with
}

// implRow is one implementation at one load level.
type implRow struct {
	Name, Color, Level           string
	FirstOfLevel, Own, Saturated bool
	Trials                       int
	Tasks, P99                   string
	// Ratios over own and Mann–Whitney U p-values; "–" on own's row and
	// where own has no cell at the level.
	TasksRatio, TasksP, P99Ratio, P99P string
	TasksSig, P99Sig                   bool
	// CPU and Allocs are the medians of the server's CPU µs and heap
	// allocations per task, and CPURatio and AllocsRatio their ratios over
	// own's; each "–" where a side lacks the figure, never 0.
	CPU, CPURatio, Allocs, AllocsRatio string
}

// implementationTables returns a table for every strategy that has more
// than one implementation in a panel of ps.
func implementationTables(ps []panel, manyHosts bool) []implTable {
	var out []implTable
	for _, p := range ps {
		var strategies []string
		byStrategy := map[string][]series{}
		for _, s := range p.Series {
			st := s.Cells[0].Strategy
			if _, ok := byStrategy[st]; !ok {
				strategies = append(strategies, st)
			}
			byStrategy[st] = append(byStrategy[st], s)
		}
		for _, st := range strategies {
			if ss := byStrategy[st]; len(ss) > 1 {
				out = append(out, implementationTable(p, st, ss, manyHosts))
			}
		}
	}
	return out
}

// implementationTable compares the series ss, strategy st's
// implementations in panel p, in rank order (own first).
func implementationTable(p panel, st string, ss []series, manyHosts bool) implTable {
	t := implTable{Title: st + ", " + p.title(manyHosts), Subtitle: p.subtitle()}
	own := slices.IndexFunc(ss, func(s series) bool { return s.Name == st })
	t.NoOwn = own < 0
	faster, slower, levels := make([]int, len(ss)), make([]int, len(ss)), make([]int, len(ss))
	for _, x := range p.Levels {
		first := true
		base, hasBase := cell.Summary{}, false
		if own >= 0 {
			base, hasBase = ss[own].at(x)
		}
		for i, s := range ss {
			c, ok := s.at(x)
			if !ok {
				continue
			}
			row := implRow{
				Name: s.Name, Color: s.Look.Color, Level: p.levelName(x), FirstOfLevel: first, Own: i == own,
				Saturated: c.Saturated, Trials: c.Trials,
				Tasks: formatSI(c.TasksPerS.Median), P99: formatMs(c.P99Ms.Median),
				TasksRatio: "–", TasksP: "–", P99Ratio: "–", P99P: "–",
				CPU:      optionalText(c.Runtime.ServerCPUUsPerTask, formatUs),
				Allocs:   optionalText(c.Runtime.AllocsPerTask, sig3),
				CPURatio: "–", AllocsRatio: "–",
			}
			first = false
			if hasBase && i != own && base.Trials > 0 && c.Trials > 0 {
				if cc, err := compare.NewCell(base, c); err == nil {
					row.TasksRatio, row.P99Ratio = compare.FormatRatio(cc.TasksRatio), compare.FormatRatio(cc.P99Ratio)
					row.TasksP, row.P99P = pValue(cc.TasksP), pValue(cc.P99P)
					row.TasksSig, row.P99Sig = cc.TasksSignificant(), cc.P99Significant()
					row.CPURatio = optionalRatioText(c.Runtime.ServerCPUUsPerTask, base.Runtime.ServerCPUUsPerTask)
					row.AllocsRatio = optionalRatioText(c.Runtime.AllocsPerTask, base.Runtime.AllocsPerTask)
					levels[i]++
					switch {
					case row.TasksSig && cc.TasksRatio > 1:
						faster[i]++
					case row.TasksSig && cc.TasksRatio < 1:
						slower[i]++
					}
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	for i, s := range ss {
		if i == own || levels[i] == 0 {
			continue
		}
		t.Verdicts = append(t.Verdicts, fmt.Sprintf("%s: significantly faster than own at %d and slower at %d of %s, equal within the test at the rest",
			s.Name, faster[i], slower[i], plural(levels[i], "level")))
	}
	return t
}

// pValue formats a p-value as compare's HTML does.
func pValue(p float64) string { return strings.TrimSpace(strconv.FormatFloat(p, 'g', 3, 64)) }

// optionalText formats o with format, "–" when absent.
func optionalText(o record.Optional, format func(float64) string) string {
	if !o.Valid {
		return "–"
	}
	return format(o.Value)
}

// optionalRatioText formats the ratio b/a as compare does: "–" when either
// is absent or a is 0, "0×" when b is 0.
func optionalRatioText(b, a record.Optional) string {
	switch {
	case !a.Valid || !b.Valid || a.Value == 0:
		return "–"
	case b.Value == 0:
		return "0×"
	}
	return compare.FormatRatio(b.Value / a.Value)
}
