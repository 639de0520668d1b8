package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/stats"
)

// page is what the template shows: every value already formatted.
type page struct {
	Servers, Clients string
	When             string
	Sources          []string
	Cells            int
	Incomplete       int      // trials cut short, left out of every figure
	Saturated        []string // the saturated cells, described
	SaturatedMore    int      // saturated cells beyond those listed
	// Flagged lists the cells that raised a flag, each with the reasons
	// its trials gave; NotComparable the cells whose error rate makes
	// their latency not comparable. The More counts go beyond those listed.
	Flagged, NotComparable         []string
	FlaggedMore, NotComparableMore int
	MaxErrorPct                    float64 // cell.MaxComparableErrorRate in percent
	NoBound                        bool    // some cell has no bound
	Panels                         []panelView
	Hosts                          hostTable
	Rows                           []cellRow
	ManyHosts                      bool
	// Shared holds the lost-updates charts of the counter cells, and
	// Transfers the invariant and lock retries of the transfer cells.
	Shared    []sharedView
	Transfers []transferRow
	// Implementations compares the implementations of each strategy that
	// has more than one in a panel.
	Implementations []implTable
	// Why is true when some cell has the server's runtime figures;
	// RuntimeHeads head their columns in the table of all cells.
	Why          bool
	RuntimeHeads []string
	// Profiles are the profiled cells' hottest functions.
	Profiles []profileView
}

// panelView is one panel's charts and latency table.
type panelView struct {
	ID, Title, Subtitle string
	Level               string // the load level of the latency charts
	Throughput          template.HTML
	Latency             template.HTML
	Efficiency          template.HTML
	Split               template.HTML
	Latencies           []latencyRow
	Runtime             []runtimeChart // the server's runtime figures, if any cell has them
}

// latencyRow is one strategy's latencies at a panel's chosen level.
type latencyRow struct {
	Strategy, Color          string
	P50, P90, P99, P999, Max string
	ServerP50, Overhead      string
	ServerWaitP50            string
	P99All                   string // "–" when absent (schema version 1)
	Saturated, Backlogged    bool
	NotComparable            bool // the p99 leaves out too many failed requests
}

// cellRow is one line of the table of all cells.
type cellRow struct {
	Host, Workload, Strategy, Color, Level string
	Trials                                 int
	Tasks, TasksCI, P99, P99CI             string
	Bound, Efficiency, PeakN, R2           string
	Sigma, Kappa                           string // with their 95% intervals
	IOWait, EfficiencyMeasured             string // measured I/O wait and efficiency against its bound
	Errors                                 uint64
	ErrorRate, P99All                      string
	Saturated, Backlogged, NotComparable   bool
	Runtime                                []string // runtimeCells
}

// saturatedListed is how many saturated cells the warning names.
const saturatedListed = 8

// page builds the view of r.
func (r Report) page() page {
	ps := panels(r.Cells)
	pg := page{
		Servers: r.hostNames("server"), Clients: r.hostNames("client"),
		When: r.when(), Sources: r.Sources, Cells: len(r.Cells),
		Hosts:       newHostTable(r.Hosts),
		MaxErrorPct: 100 * cell.MaxComparableErrorRate,
	}
	hosts := map[string]bool{}
	for _, c := range r.Cells {
		hosts[c.Host] = true
		pg.Incomplete += c.Incomplete
	}
	pg.ManyHosts = len(hosts) > 1
	lk := looks(r.Cells)
	pg.Shared, pg.Transfers = sharedViews(r.Cells, lk, pg.ManyHosts), transferRows(r.Cells, lk)
	pg.Implementations = implementationTables(ps, pg.ManyHosts)
	pg.RuntimeHeads = runtimeHeads()
	pg.Profiles = profileViews(r.Profiles, r.Cells, pg.ManyHosts)
	for i, p := range ps {
		v := p.view(i, pg.ManyHosts)
		pg.Why = pg.Why || len(v.Runtime) > 0
		pg.Panels = append(pg.Panels, v)
		for _, s := range p.Series {
			for _, c := range s.Cells {
				pg.Rows = append(pg.Rows, newCellRow(p, s, c))
				if c.BoundTasksPerS <= 0 {
					pg.NoBound = true
				}
				name := fmt.Sprintf("%s, %s, %s", p.title(pg.ManyHosts), s.Name, p.levelName(level(c)))
				if len(c.FlagReasons) > 0 {
					listUpTo(&pg.Flagged, &pg.FlaggedMore, name+": "+strings.Join(c.FlagReasons, " | "))
				}
				if !c.LatencyComparable() {
					listUpTo(&pg.NotComparable, &pg.NotComparableMore, fmt.Sprintf("%s: error rate %s", name, formatPct(c.ErrorRate)))
				}
				if !c.Saturated {
					continue
				}
				if len(pg.Saturated) < saturatedListed {
					pg.Saturated = append(pg.Saturated, fmt.Sprintf("%s, %s, %s", p.title(pg.ManyHosts), s.Name, p.levelName(level(c))))
				} else {
					pg.SaturatedMore++
				}
			}
		}
	}
	return pg
}

// listUpTo appends item to list while it holds fewer than
// saturatedListed, and counts it in more otherwise.
func listUpTo(list *[]string, more *int, item string) {
	if len(*list) < saturatedListed {
		*list = append(*list, item)
		return
	}
	*more++
}

// view renders panel p, the i-th of the report.
func (p panel) view(i int, manyHosts bool) panelView {
	title := p.title(manyHosts)
	x := p.representative()
	v := panelView{
		ID: "p" + strconv.Itoa(i+1), Title: title, Subtitle: p.subtitle(), Level: p.levelName(x),
		Throughput: throughputChart(p, "Throughput against load, "+title),
		Latency:    latencyChart(p, x, "Latency percentiles at "+p.levelName(x)+", "+title),
		Efficiency: efficiencyChart(p, "Efficiency against the bound, "+title),
		Split:      splitChart(p, x, "Client latency split into server time and overhead, "+title),
		Runtime:    runtimeCharts(p, title),
	}
	for _, s := range p.Series {
		c, ok := s.at(x)
		if !ok {
			continue
		}
		row := latencyRow{
			Strategy: s.Name, Color: s.Look.Color, Saturated: c.Saturated,
			Backlogged: c.Backlogged, NotComparable: !c.LatencyComparable(),
			P50: formatMs(c.P50Ms.Median), P90: formatMs(c.P90Ms), P99: formatMs(c.P99Ms.Median),
			P999: formatMs(c.P999Ms), Max: formatMs(c.MaxMs), ServerP50: "–", Overhead: "–", ServerWaitP50: "–",
			P99All: absentMs(c.P99AllMs),
		}
		if c.ServerP50Ms > 0 {
			// Without a measured overhead (version-1 files, older servers)
			// it is the difference of the medians, marked "≈".
			_, ov := split(c.P50Ms.Median, c.ServerP50Ms)
			row.ServerP50, row.Overhead = formatMs(c.ServerP50Ms), "≈ "+formatMs(ov)
		}
		if !math.IsNaN(c.OverheadP50Ms) {
			row.Overhead = formatMs(c.OverheadP50Ms)
		}
		if !math.IsNaN(c.ServerWaitP50Ms) {
			row.ServerWaitP50 = formatMs(c.ServerWaitP50Ms)
		}
		v.Latencies = append(v.Latencies, row)
	}
	return v
}

// newCellRow describes cell c of series s in panel p.
func newCellRow(p panel, s series, c cell.Summary) cellRow {
	workload := c.Workload
	for _, v := range []string{c.Sync, c.LockOrder} {
		if v != "" {
			workload += "/" + v
		}
	}
	row := cellRow{
		Host: c.Host, Workload: workload, Strategy: s.Name, Color: s.Look.Color,
		Level: formatSI(level(c)), Trials: c.Trials,
		Tasks: formatSI(c.TasksPerS.Median), TasksCI: ci(c.TasksPerS, formatSI),
		P99: formatMs(c.P99Ms.Median), P99CI: ci(c.P99Ms, formatMs),
		Bound: "–", Efficiency: "–", PeakN: "–", R2: "–", Sigma: "–", Kappa: "–",
		IOWait: "–", EfficiencyMeasured: "–",
		Errors: c.Errors, Saturated: c.Saturated,
		ErrorRate: formatPct(c.ErrorRate), P99All: absentMs(c.P99AllMs),
		Backlogged: c.Backlogged, NotComparable: !c.LatencyComparable(),
		Runtime: runtimeCells(c),
	}
	if c.BoundTasksPerS > 0 {
		row.Bound, row.Efficiency = formatSI(c.BoundTasksPerS), formatPct(c.Efficiency)
	}
	if !math.IsNaN(c.IOWaitMeanMs) {
		row.IOWait = formatMs(c.IOWaitMeanMs)
	}
	if c.BoundMeasuredTasksPerS > 0 {
		row.EfficiencyMeasured = formatPct(c.EfficiencyMeasured)
	}
	if u := c.USL; u != nil {
		row.PeakN, row.R2 = peakText(u), fmt.Sprintf("%.3f", u.R2)
		row.Sigma, row.Kappa = paramCI(u.Sigma, u.SigmaCI), paramCI(u.Kappa, u.KappaCI)
	}
	if p.Open {
		row.Level += " req/s"
	}
	return row
}

// ci formats the 95% confidence interval of e's median with format, or
// "n < 6" when there are too few trials for one (benchmath needs 6 for a
// 95% interval of a median).
func ci(e stats.Estimate, format func(float64) string) string {
	if !e.MedianCIFinite() {
		return "n < 6"
	}
	return format(e.MedianLo) + " – " + format(e.MedianHi)
}

// absentMs formats milliseconds, or "–" for NaN: a figure the rows'
// schema version lacks, absent rather than zero.
func absentMs(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return formatMs(v)
}
