package report

import (
	"fmt"
	"html/template"
	"math"

	"github.com/stratbench/stratbench/results/cell"
)

// percentile is one latency statistic of a cell, in milliseconds.
type percentile struct {
	name  string
	color string
	value func(cell.Summary) float64
}

// percentiles are the latency statistics the percentile chart shows,
// coloured on one sequential ramp (light to dark blue), which reads in
// order without colour vision too.
var percentiles = []percentile{
	{"p50", "#c6dbef", func(c cell.Summary) float64 { return c.P50Ms.Median }},
	{"p90", "#9ecae1", func(c cell.Summary) float64 { return c.P90Ms }},
	{"p99", "#6baed6", func(c cell.Summary) float64 { return c.P99Ms.Median }},
	{"p99.9", "#3182bd", func(c cell.Summary) float64 { return c.P999Ms }},
	{"max", "#08519c", func(c cell.Summary) float64 { return c.MaxMs }},
}

// barFrame is the size of the bar charts, with room on the right for a
// legend.
var barFrame = frame{w: 780, h: 360, left: 70, right: 165, top: 16, bottom: 70}

// latencyChart draws, at load level x of p, one group of bars per strategy:
// p50, p90, p99, p99.9 and max latency on a log scale, since the tail is
// often orders of magnitude above the median. It returns "" when no series
// has a cell at x.
func latencyChart(p panel, x float64, label string) template.HTML {
	type group struct {
		strategy string
		cell     cell.Summary
	}
	var groups []group
	lo, hi := math.Inf(1), 0.0
	for _, se := range p.Series {
		c, ok := se.at(x)
		if !ok {
			continue
		}
		groups = append(groups, group{se.Strategy, c})
		for _, pc := range percentiles {
			if v := pc.value(c); v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if len(groups) == 0 || hi == 0 {
		return ""
	}
	f := barFrame
	x0, x1, y0, y1 := f.plot()
	// Bars on a log axis start at an arbitrary floor; putting it a factor
	// of three or more below the smallest value keeps every bar's height
	// readable instead of making the shortest a sliver.
	yt := log10Ticks(lo/3, hi)
	ya := axis{sc: logScale(yt[0], yt[len(yt)-1], y1, y0), ticks: yt, label: formatMs, title: "latency (log scale)"}

	s := newSVG(f.w, f.h, label)
	yAxis(s, f, ya)
	s.line(x0, y1, x1, y1, "axis")
	slot := (x1 - x0) / float64(len(groups))
	bw := math.Min(22, slot*0.8/float64(len(percentiles)))
	for i, g := range groups {
		left := x0 + slot*float64(i) + (slot-bw*float64(len(percentiles)))/2
		for j, pc := range percentiles {
			v := pc.value(g.cell)
			if v <= 0 {
				continue
			}
			top := ya.sc.clampPos(v)
			s.group(fmt.Sprintf("%s, %s: %s %s", g.strategy, p.levelName(x), pc.name, formatMs(v)), func() {
				s.rect(left+bw*float64(j), top, bw-1, y1-top, "bar", "fill", pc.color)
			})
		}
		s.text(x0+slot*(float64(i)+0.5), y1+18, "middle", "ticklabel", g.strategy)
	}
	s.text((x0+x1)/2, y1+44, "middle", "axistitle", "strategy, at "+p.levelName(x))
	lx, ly := f.w-f.right+18, f.top+12
	for _, pc := range percentiles {
		legendSwatch(s, lx, ly, pc.color, pc.name)
		ly += 18
	}
	return s.html()
}
