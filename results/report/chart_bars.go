package report

import (
	"fmt"
	"html/template"
	"math"

	"github.com/stratbench/stratbench/results/cell"
)

// barSpec is what barChart draws: one figure of each cell.
type barSpec struct {
	axisTitle string
	format    func(float64) string // ticks
	// value returns the cell's figure and whether it has one.
	value func(cell.Summary) (float64, bool)
	// describe says what a bar shows, for its tooltip.
	describe func(cell.Summary) string
	// ref, when above 0, draws a dashed line at ref labelled refLabel.
	ref      float64
	refLabel string
}

// barChart draws spec's figure for every cell of p that has it: one group
// of bars per load level, one bar per strategy in its colour, a saturated
// client's bar pale with a dashed outline. It returns "" when no cell has
// the figure.
func barChart(p panel, label string, spec barSpec) template.HTML {
	top := spec.ref
	has, saturated := false, false
	for _, se := range p.Series {
		for _, c := range se.Cells {
			if v, ok := spec.value(c); ok {
				has = true
				top = math.Max(top, v)
			}
		}
	}
	if !has {
		return ""
	}
	if top <= 0 {
		top = 1
	}
	f := barFrame
	x0, x1, y0, y1 := f.plot()
	yt := niceTicks(0, top, 6)
	ya := axis{sc: linearScale(0, yt[len(yt)-1], y1, y0), ticks: yt, label: spec.format, title: spec.axisTitle}

	s := newSVG(f.w, f.h, label)
	yAxis(s, f, ya)
	s.line(x0, y1, x1, y1, "axis")
	slot := (x1 - x0) / float64(len(p.Levels))
	bw := math.Min(18, slot*0.85/float64(len(p.Series)))
	for i, x := range p.Levels {
		left := x0 + slot*float64(i) + (slot-bw*float64(len(p.Series)))/2
		for j, se := range p.Series {
			c, ok := se.at(x)
			if !ok {
				continue
			}
			v, ok := spec.value(c)
			if !ok {
				continue
			}
			ty := ya.sc.clampPos(v)
			title := fmt.Sprintf("%s, %s: %s", se.Name, p.levelName(x), spec.describe(c))
			class := "bar"
			if c.Saturated {
				// Pale with a dashed outline: the client, not the
				// strategy, may have set this height.
				title += "; measured by a saturated client"
				class, saturated = "bar saturated", true
			}
			s.group(title, func() {
				s.rect(left+bw*float64(j), ty, bw-1, y1-ty, class, "fill", se.Look.Color, "stroke", se.Look.Color)
			})
		}
		s.text(x0+slot*(float64(i)+0.5), y1+18, "middle", "ticklabel", formatSI(x))
	}
	if spec.ref > 0 {
		by := ya.sc.pos(spec.ref)
		s.line(x0, by, x1, by, "boundline")
		s.text(x1-4, by-5, "end", "legendnote", spec.refLabel)
	}
	title := "client concurrency"
	if p.Open {
		title = "target rate (requests/s)"
	}
	s.text((x0+x1)/2, y1+44, "middle", "axistitle", title)
	lx, ly := f.w-f.right+18, f.top+12
	for _, se := range p.Series {
		legendSwatch(s, lx, ly, se.Look.Color, se.Name)
		ly += 18
	}
	if saturated {
		s.rect(lx, ly+1, 12, 12, "bar saturated", "fill", "#888888", "stroke", "#888888")
		s.text(lx+18, ly+11, "start", "legendnote", "saturated client")
	}
	return s.html()
}
