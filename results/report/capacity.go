package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"slices"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/slo"
)

// CapacityFile is the page WriteCapacity creates.
const CapacityFile = "capacity.html"

// capacityCell is one search of capacity.csv: its rows in probe order.
type capacityCell struct {
	Label  string
	Look   look
	Rows   []slo.Row
	Trace  template.HTML
	Found  bool
	Status string
}

// capacityGroup is the cells of one workload and objective, with their bar
// chart.
type capacityGroup struct {
	Title string
	Chart template.HTML
	Cells []*capacityCell
}

// capacityCells groups rows by search, in file order.
func capacityCells(rows []slo.Row) []*capacityCell {
	var out []*capacityCell
	byKey := map[string]*capacityCell{}
	for _, r := range rows {
		k := r.CellKey()
		c := byKey[k]
		if c == nil {
			c = &capacityCell{Label: r.Label(), Found: r.Outcome == slo.OutcomeFound}
			c.Status = r.Outcome
			if c.Found {
				c.Status = formatRate(r.CapacityRPS, "req/s") + " (" + formatRate(r.CapacityTasksPerS, "tasks/s") + ")"
			}
			byKey[k] = c
			out = append(out, c)
		}
		c.Rows = append(c.Rows, r)
	}
	return out
}

// WriteCapacityHTML writes the capacity page of rows, the rows of one or
// more capacity.csv files: per workload and objective a bar chart of the
// capacity of each strategy, then per cell its probe trace (offered rate
// by probe, pass or fail) and its probes as a table. It fails only if w
// does, or if rows is empty.
func WriteCapacityHTML(w io.Writer, rows []slo.Row) error {
	if len(rows) == 0 {
		return fmt.Errorf("report: no capacity rows to show")
	}
	cells := capacityCells(rows)
	names := make([]string, len(cells))
	for i, c := range cells {
		names[i] = c.Rows[0].Strategy
	}
	lk := strategyLooks(names)
	var groups []*capacityGroup
	for _, c := range cells {
		r := c.Rows[0]
		c.Look = lk[r.Strategy]
		title := r.Workload + " under " + r.Objective
		i := slices.IndexFunc(groups, func(g *capacityGroup) bool { return g.Title == title })
		if i < 0 {
			groups = append(groups, &capacityGroup{Title: title})
			i = len(groups) - 1
		}
		groups[i].Cells = append(groups[i].Cells, c)
		c.Trace = probeTrace(c)
	}
	for _, g := range groups {
		slices.SortStableFunc(g.Cells, func(a, b *capacityCell) int { return rank(strategyOrder, a.Rows[0].Strategy, b.Rows[0].Strategy) })
		g.Chart = capacityBars(g)
	}
	data := struct {
		Title  string
		Host   string
		Groups []*capacityGroup
	}{"stratbench capacity", rows[0].ServerHost, groups}
	if err := capacityTemplate.Execute(w, data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteCapacity writes the capacity page of rows into dir, replaced
// atomically, and returns its path.
func WriteCapacity(dir string, rows []slo.Row) (string, error) {
	var b bytes.Buffer
	if err := WriteCapacityHTML(&b, rows); err != nil {
		return "", err
	}
	p := filepath.Join(dir, CapacityFile)
	if err := atomicfile.WriteFile(p, b.Bytes()); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return p, nil
}

var capacityTemplate = newExtraPage(`<h1>Sustainable load under a latency objective</h1>
<p class="meta">server {{.Host}}. Each bar is the highest open-loop rate whose trials all met the objective
(the percentile of the successful requests' latency, measured from the intended send time, and the error rate),
found by growing the rate, bisecting and repeating the answer. A cell without a bar found no capacity; its outcome says why.</p>
{{range .Groups}}<h2>{{.Title}}</h2>
{{.Chart}}
<table><thead><tr><th>cell</th><th>capacity</th><th>probes</th></tr></thead><tbody>
{{range .Cells}}<tr><td>{{.Label}}</td><td class="num{{if not .Found}} fail{{end}}">{{.Status}}</td><td class="num">{{len .Rows}}</td></tr>
{{end}}</tbody></table>
{{range .Cells}}<h3>{{.Label}}: {{.Status}}</h3>
{{.Trace}}
<details><summary>probes of {{.Label}}</summary>
<table><thead><tr><th>probe</th><th>phase</th><th>offered req/s</th><th>achieved req/s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>errors</th><th>late</th><th>verdict</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Step}}</td><td>{{.Phase}}</td><td class="num">{{rate .OfferedRPS}}</td><td class="num">{{rate .AchievedRPS}}</td><td class="num">{{ms .P50Ms}}</td><td class="num">{{ms .P90Ms}}</td><td class="num">{{ms .P99Ms}}</td><td class="num">{{ms .P999Ms}}</td><td class="num">{{ms .MaxMs}}</td><td class="num">{{pct .ErrorRate}}</td><td class="num">{{pct .LateFraction}}</td><td{{if ne .Verdict "pass"}} class="fail"{{end}}>{{.Verdict}} {{.Reason}}</td></tr>
{{end}}</tbody></table></details>
{{end}}{{end}}`)

// capacityBars draws one bar per strategy: its capacity in requests per
// second on a linear axis from 0; a cell without a capacity gets its
// outcome word at the base instead of a bar.
func capacityBars(g *capacityGroup) template.HTML {
	f := frame{w: 780, h: 300, left: 70, right: 20, top: 16, bottom: 60}
	x0, x1, y0, y1 := f.plot()
	hi := 0.0
	for _, c := range g.Cells {
		hi = math.Max(hi, c.Rows[0].CapacityRPS)
	}
	if hi == 0 {
		hi = 1
	}
	yt := niceTicks(0, hi, 5)
	ya := axis{sc: linearScale(0, yt[len(yt)-1], y1, y0), ticks: yt, label: sig3, title: "sustainable req/s"}
	s := newSVG(f.w, f.h, "sustainable load, "+g.Title)
	yAxis(s, f, ya)
	s.line(x0, y1, x1, y1, "axis")
	slot := (x1 - x0) / float64(len(g.Cells))
	bw := math.Min(60, slot*0.6)
	for i, c := range g.Cells {
		r := c.Rows[0]
		cx := x0 + slot*(float64(i)+0.5)
		if c.Found {
			top := ya.sc.clampPos(r.CapacityRPS)
			s.group(fmt.Sprintf("%s: %s req/s, %s tasks/s", c.Label, sig3(r.CapacityRPS), sig3(r.CapacityTasksPerS)), func() {
				s.rect(cx-bw/2, top, bw, y1-top, "bar", "fill", c.Look.Color)
			})
			s.text(cx, top-4, "middle", "barlabel", sig3(r.CapacityRPS))
		} else {
			s.text(cx, y1-6, "middle", "barlabel", r.Outcome)
		}
		s.text(cx, y1+18, "middle", "ticklabel", r.Strategy)
	}
	s.text((x0+x1)/2, y1+44, "middle", "axistitle", "strategy")
	return s.html()
}

// probeTrace draws a search's probes in order: offered rate (log axis)
// against probe number, a filled marker for a pass and a hollow one for a
// fail or a client-limited probe, and the capacity found as a dashed line.
func probeTrace(c *capacityCell) template.HTML {
	f := frame{w: 780, h: 220, left: 70, right: 20, top: 12, bottom: 46}
	x0, x1, y0, y1 := f.plot()
	lo, hi := math.Inf(1), 0.0
	for _, r := range c.Rows {
		lo, hi = math.Min(lo, r.OfferedRPS), math.Max(hi, r.OfferedRPS)
	}
	if !(lo > 0) {
		lo = 1
	}
	hi = math.Max(hi, lo)
	yt := log2Ticks(lo, hi, 8)
	ya := axis{sc: logScale(yt[0], math.Max(yt[len(yt)-1], hi), y1, y0), ticks: yt, label: sig3, title: "offered req/s"}
	n := len(c.Rows)
	xs := linearScale(0.5, float64(n)+0.5, x0, x1)
	var xt []float64
	for i := 1; i <= n; i++ {
		xt = append(xt, float64(i))
	}
	s := newSVG(f.w, f.h, "probe trace of "+c.Label)
	yAxis(s, f, ya)
	xAxis(s, f, axis{sc: xs, ticks: xt, label: func(v float64) string { return sig3(v) }, title: "probe"})
	if c.Found {
		y := ya.sc.pos(c.Rows[0].CapacityRPS)
		s.line(x0, y, x1, y, "boundline")
	}
	var pts [][2]float64
	for _, r := range c.Rows {
		pts = append(pts, [2]float64{xs.pos(float64(r.Step)), ya.sc.pos(r.OfferedRPS)})
	}
	s.path(polyline(pts), "series", "stroke", "#999")
	for i, r := range c.Rows {
		fill := c.Look.Color
		if r.Verdict != "pass" {
			fill = "#fff"
		}
		s.group(fmt.Sprintf("probe %d (%s): %s req/s offered, %s achieved, p99 %s: %s %s", r.Step, r.Phase,
			sig3(r.OfferedRPS), sig3(r.AchievedRPS), formatMs(r.P99Ms), r.Verdict, r.Reason), func() {
			s.path(markerPath(0, pts[i][0], pts[i][1], 5), "marker", "fill", fill, "stroke", c.Look.Color)
		})
	}
	return s.html()
}
