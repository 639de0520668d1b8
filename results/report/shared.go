package report

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"

	"github.com/stratbench/stratbench/internal/vocab/word"
	"github.com/stratbench/stratbench/results/cell"
)

// counterGroupKey holds what the counter cells of one lost-updates chart
// share: everything but the strategy, the sync mode and the load level.
type counterGroupKey struct {
	Host, Scope, Mode  string
	Tasks, Parallelism int
	CPUIterations      uint64
	Connections        int
	Concurrency        int // open loop only: the in-flight limit
}

// counterGroup is the counter cells of one lost-updates chart.
type counterGroup struct {
	Key    counterGroupKey
	Open   bool
	Levels []float64 // distinct load levels, ascending
	Cells  []cell.Summary
}

// sharedView is one lost-updates chart of the page.
type sharedView struct {
	Title, Subtitle string
	Chart           template.HTML
}

// transferRow is one transfer cell in the page's table of invariants and
// lock retries.
type transferRow struct {
	Host, Strategy, Color, LockOrder, Level string
	Accounts, Trials                        int
	Tasks, Retries, RetriesPerJob           string
	Invariant                               string
	Broken                                  bool
}

// counterGroups groups the counter cells of cells, in the order of their
// first cell, each group's cells ordered by strategy then sync mode.
func counterGroups(cells []cell.Summary) []counterGroup {
	var out []counterGroup
	for _, c := range cells {
		if c.Workload != word.WorkloadCounter {
			continue
		}
		k := counterGroupKey{Host: c.Host, Scope: c.Scope, Mode: c.Mode, Tasks: c.Tasks, Parallelism: c.Parallelism,
			CPUIterations: c.CPUIterations, Connections: c.Connections}
		if c.Mode == "open" {
			k.Concurrency = c.Concurrency
		}
		i := slices.IndexFunc(out, func(g counterGroup) bool { return g.Key == k })
		if i < 0 {
			out = append(out, counterGroup{Key: k, Open: c.Mode == "open"})
			i = len(out) - 1
		}
		g := &out[i]
		g.Cells = append(g.Cells, c)
		if !slices.Contains(g.Levels, level(c)) {
			g.Levels = append(g.Levels, level(c))
		}
	}
	for i := range out {
		slices.Sort(out[i].Levels)
		slices.SortStableFunc(out[i].Cells, func(a, b cell.Summary) int {
			return cmp.Or(rank(strategyOrder, a.Strategy, b.Strategy), rank(syncOrder, a.Sync, b.Sync))
		})
	}
	return out
}

// levelName names load level x of g: "concurrency 16" or "500 requests/s".
func (g counterGroup) levelName(x float64) string {
	return panel{Open: g.Open}.levelName(x)
}

// lostFraction returns the share of c's increments that were lost: its
// median lost updates per job over the increments a job asks for (tasks ×
// cpu_iterations), or 0 when that is unknown.
func lostFraction(c cell.Summary) float64 {
	asked := float64(c.Tasks) * float64(c.CPUIterations)
	if asked <= 0 {
		return 0
	}
	return c.LostPerJob / asked
}

// sharedViews returns the lost-updates charts of every counter group, one
// per load level. Every level is shown, none chosen: each job has a
// counter of its own, so what a level changes is how many of a job's
// tasks get a processor at once, and with it how many updates race, which
// no single level stands for.
func sharedViews(cells []cell.Summary, lk map[string]look, manyHosts bool) []sharedView {
	var out []sharedView
	for _, g := range counterGroups(cells) {
		k := g.Key
		sub := fmt.Sprintf("%s per job · parallelism %d · %d increments per task · %s scope · %s loop · %s",
			plural(k.Tasks, "task"), k.Parallelism, k.CPUIterations, k.Scope, k.Mode, plural(k.Connections, "connection"))
		for _, x := range g.Levels {
			title := "Counter workload at " + g.levelName(x)
			if manyHosts {
				title += " on " + cmp.Or(g.Key.Host, "unknown host")
			}
			out = append(out, sharedView{Title: title, Subtitle: sub,
				Chart: lostUpdatesChart(g, x, lk, "Throughput against lost updates per sync mode, "+title)})
		}
	}
	return out
}

// transferRows returns one row per transfer cell of cells, ordered by
// host, lock order, accounts, strategy and load level.
func transferRows(cells []cell.Summary, lk map[string]look) []transferRow {
	var ts []cell.Summary
	for _, c := range cells {
		if c.Workload == word.WorkloadTransfer {
			ts = append(ts, c)
		}
	}
	slices.SortStableFunc(ts, func(a, b cell.Summary) int {
		return cmp.Or(cmp.Compare(a.Host, b.Host), rank(lockOrderOrder, a.LockOrder, b.LockOrder),
			cmp.Compare(a.Accounts, b.Accounts), rank(strategyOrder, a.Strategy, b.Strategy), cmp.Compare(level(a), level(b)))
	})
	var out []transferRow
	for _, c := range ts {
		row := transferRow{
			Host: c.Host, Strategy: c.Strategy, Color: lk[c.Strategy].Color, LockOrder: c.LockOrder,
			Accounts: c.Accounts, Trials: c.Trials, Level: formatSI(level(c)),
			Tasks: formatSI(c.TasksPerS.Median), Retries: formatSI(c.LockRetries), RetriesPerJob: formatSI(c.LockRetriesPerJob),
			Invariant: "held in every trial",
		}
		if c.Mode == "open" {
			row.Level += " req/s"
		}
		if c.InvariantBroken > 0 {
			row.Broken = true
			row.Invariant = "BROKEN in " + plural(c.InvariantBroken, "trial")
		}
		out = append(out, row)
	}
	return out
}
