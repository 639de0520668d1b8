package report

import (
	"fmt"
	"html/template"
	"math"
)

// efficiencyChart draws the efficiency (measured ÷ bound) of every cell of
// p that has a bound: one group of bars per load level, one bar per
// strategy in its colour, with a dashed line at 100%. It returns "" when
// no cell has a bound.
func efficiencyChart(p panel, label string) template.HTML {
	top := 1.0
	has, saturated := false, false
	for _, se := range p.Series {
		for _, c := range se.Cells {
			if c.BoundTasksPerS > 0 {
				has = true
				top = math.Max(top, c.Efficiency)
			}
		}
	}
	if !has {
		return ""
	}
	f := barFrame
	x0, x1, y0, y1 := f.plot()
	yt := niceTicks(0, top, 6)
	ya := axis{sc: linearScale(0, yt[len(yt)-1], y1, y0), ticks: yt, label: formatPct, title: "efficiency (measured ÷ bound)"}

	s := newSVG(f.w, f.h, label)
	yAxis(s, f, ya)
	s.line(x0, y1, x1, y1, "axis")
	slot := (x1 - x0) / float64(len(p.Levels))
	bw := math.Min(18, slot*0.85/float64(len(p.Series)))
	for i, x := range p.Levels {
		left := x0 + slot*float64(i) + (slot-bw*float64(len(p.Series)))/2
		for j, se := range p.Series {
			c, ok := se.at(x)
			if !ok || c.BoundTasksPerS <= 0 {
				continue
			}
			ty := ya.sc.clampPos(c.Efficiency)
			title := fmt.Sprintf("%s, %s: %s of the bound (%s measured, bound %s)", se.Name, p.levelName(x),
				formatPct(c.Efficiency), formatSI(c.TasksPerS.Median), formatRate(c.BoundTasksPerS, "tasks/s"))
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
	by := ya.sc.pos(1)
	s.line(x0, by, x1, by, "boundline")
	s.text(x1-4, by-5, "end", "legendnote", "bound")
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
