package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/stratbench/stratbench/internal/vocab/word"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/usl"
)

// strategyOrder is the order of the built-in strategies, from least to most
// structured; others follow alphabetically.
var strategyOrder = word.StrategyWords

// workloadOrder is the order of the built-in workloads; others follow
// alphabetically.
var workloadOrder = word.WorkloadWords

// syncOrder and lockOrderOrder are the orders of the counter workload's
// sync modes and the transfer workload's lock orders, as the wire enums
// list them.
var (
	syncOrder      = word.SyncWords
	lockOrderOrder = word.LockOrderWords
)

// shared reports whether workload w is a shared-state workload, whose
// cpu_iterations count increments or transfers and which has no I/O wait.
func shared(w string) bool { return w == word.WorkloadCounter || w == word.WorkloadTransfer }

// palette is Okabe and Ito's colour-blind-safe qualitative palette, most
// distinct first, with its yellow last because it is faint on white.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"}

// rank compares a and b by their index in known, placing values not in
// known after all that are, and then by name.
func rank(known []string, a, b string) int {
	ia, ib := slices.Index(known, a), slices.Index(known, b)
	if ia < 0 {
		ia = len(known)
	}
	if ib < 0 {
		ib = len(known)
	}
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}

// look is how one strategy is drawn in every chart of a report.
type look struct {
	Color  string
	Marker int // shape index for markerPath
}

// looks gives every strategy in cells its colour and marker shape, in
// strategy order, so that a strategy looks the same in every chart.
func looks(cells []cell.Summary) map[string]look {
	var names []string
	for _, c := range cells {
		if !slices.Contains(names, c.Strategy) {
			names = append(names, c.Strategy)
		}
	}
	slices.SortFunc(names, func(a, b string) int { return rank(strategyOrder, a, b) })
	m := make(map[string]look, len(names))
	for i, n := range names {
		m[n] = look{Color: palette[i%len(palette)], Marker: i}
	}
	return m
}

// panelKey holds what the cells of one panel share: everything but the
// strategy and the load level.
type panelKey struct {
	Host, Workload, Scope, Mode string
	Sync, LockOrder             string
	Accounts                    int
	Tasks, Parallelism          int
	CPUIterations               uint64
	IOLatencyMs                 float64
	Connections                 int
	Concurrency                 int // open loop only: the in-flight limit
}

// panel is the cells of one chart: one host, workload and set of job and
// load parameters, one series per strategy, against the load level.
type panel struct {
	Key    panelKey
	Open   bool      // the load level is the target rate, not the concurrency
	Levels []float64 // distinct load levels, ascending
	Series []series  // in strategy order
}

// series is one strategy's cells in a panel, ascending by load level.
type series struct {
	Strategy string
	Look     look
	Cells    []cell.Summary
}

// level returns the load level of c: its target rate in open loop, its
// concurrency in closed loop.
func level(c cell.Summary) float64 {
	if c.Mode == "open" {
		return c.TargetRPS
	}
	return float64(c.Concurrency)
}

// usl returns the scalability fit of s, from its first cell that has one.
func (s series) usl() *usl.Model {
	for _, c := range s.Cells {
		if c.USL != nil {
			return c.USL
		}
	}
	return nil
}

// at returns s's cell at load level x.
func (s series) at(x float64) (cell.Summary, bool) {
	for _, c := range s.Cells {
		if level(c) == x {
			return c, true
		}
	}
	return cell.Summary{}, false
}

// panels groups cells into panels ordered by host, workload and parameters.
func panels(cells []cell.Summary) []panel {
	lk := looks(cells)
	byKey := map[panelKey]*panel{}
	var order []*panel
	for _, c := range cells {
		k := panelKey{Host: c.Host, Workload: c.Workload, Scope: c.Scope, Mode: c.Mode,
			Sync: c.Sync, LockOrder: c.LockOrder, Accounts: c.Accounts, Tasks: c.Tasks, Parallelism: c.Parallelism, CPUIterations: c.CPUIterations,
			IOLatencyMs: c.IOLatencyMs, Connections: c.Connections}
		if c.Mode == "open" {
			k.Concurrency = c.Concurrency
		}
		p := byKey[k]
		if p == nil {
			p = &panel{Key: k, Open: c.Mode == "open"}
			byKey[k] = p
			order = append(order, p)
		}
		i := slices.IndexFunc(p.Series, func(s series) bool { return s.Strategy == c.Strategy })
		if i < 0 {
			p.Series = append(p.Series, series{Strategy: c.Strategy, Look: lk[c.Strategy]})
			i = len(p.Series) - 1
		}
		p.Series[i].Cells = append(p.Series[i].Cells, c)
		if !slices.Contains(p.Levels, level(c)) {
			p.Levels = append(p.Levels, level(c))
		}
	}
	out := make([]panel, len(order))
	for i, p := range order {
		slices.Sort(p.Levels)
		slices.SortFunc(p.Series, func(a, b series) int { return rank(strategyOrder, a.Strategy, b.Strategy) })
		for _, s := range p.Series {
			slices.SortStableFunc(s.Cells, func(a, b cell.Summary) int { return cmp.Compare(level(a), level(b)) })
		}
		out[i] = *p
	}
	slices.SortStableFunc(out, func(a, b panel) int {
		x, y := a.Key, b.Key
		return cmp.Or(cmp.Compare(x.Host, y.Host), rank(workloadOrder, x.Workload, y.Workload),
			rank(syncOrder, x.Sync, y.Sync), rank(lockOrderOrder, x.LockOrder, y.LockOrder), cmp.Compare(x.Accounts, y.Accounts),
			cmp.Compare(x.Scope, y.Scope), cmp.Compare(x.Mode, y.Mode), cmp.Compare(x.Tasks, y.Tasks),
			cmp.Compare(x.Parallelism, y.Parallelism), cmp.Compare(x.CPUIterations, y.CPUIterations),
			cmp.Compare(x.IOLatencyMs, y.IOLatencyMs), cmp.Compare(x.Connections, y.Connections),
			cmp.Compare(x.Concurrency, y.Concurrency))
	})
	return out
}

// representative returns the load level at which a panel's latencies are
// compared: the highest level that every series has, or else the highest
// level of all.
func (p panel) representative() float64 {
	for i := len(p.Levels) - 1; i >= 0; i-- {
		all := true
		for _, s := range p.Series {
			if _, ok := s.at(p.Levels[i]); !ok {
				all = false
				break
			}
		}
		if all {
			return p.Levels[i]
		}
	}
	return p.Levels[len(p.Levels)-1]
}

// levelName names load level x of p for people: "concurrency 8" or
// "500 requests/s".
func (p panel) levelName(x float64) string {
	if p.Open {
		return formatRate(x, "requests/s")
	}
	return fmt.Sprintf("concurrency %s", sig3(x))
}

// title names the panel: its workload with its sync mode or lock order,
// and its host when the report has several.
func (p panel) title(manyHosts bool) string {
	t := p.Key.Workload + " workload"
	if p.Key.Sync != "" {
		t += ", sync " + p.Key.Sync
	}
	if p.Key.LockOrder != "" {
		t += ", lock order " + p.Key.LockOrder
	}
	if manyHosts {
		t += " on " + cmp.Or(p.Key.Host, "unknown host")
	}
	return t
}

// subtitle lists the job and load parameters the panel's cells share,
// leaving out the CPU kernel of I/O work and the wait of CPU and
// shared-state work.
func (p panel) subtitle() string {
	k := p.Key
	parts := []string{plural(k.Tasks, "task") + " per job", fmt.Sprintf("parallelism %d", k.Parallelism)}
	switch {
	case k.Workload == word.WorkloadCounter:
		parts = append(parts, fmt.Sprintf("%d increments per task", k.CPUIterations))
	case k.Workload == word.WorkloadTransfer:
		parts = append(parts, fmt.Sprintf("%d transfers per task between %d accounts", k.CPUIterations, k.Accounts))
	case k.Workload != word.WorkloadIO:
		parts = append(parts, fmt.Sprintf("%d iterations per task", k.CPUIterations))
	}
	if k.Workload != word.WorkloadCPU && !shared(k.Workload) {
		parts = append(parts, formatMs(k.IOLatencyMs)+" I/O per task")
	}
	parts = append(parts, k.Scope+" scope", k.Mode+" loop")
	if p.Open {
		parts = append(parts, fmt.Sprintf("at most %d in flight", k.Concurrency))
	}
	parts = append(parts, plural(k.Connections, "connection"))
	return strings.Join(parts, " · ")
}

// plural returns "1 task" or "16 tasks".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
