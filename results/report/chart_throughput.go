package report

import (
	"fmt"
	"html/template"
	"math"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/usl"
)

// throughputFrame is the throughput chart's size, with room on the right
// for the legend.
var throughputFrame = frame{w: 800, h: 420, left: 70, right: 215, top: 16, bottom: 52}

// loadAxis returns the horizontal axis of a panel's load levels. Levels
// spanning a factor of four or more get a log scale (base 2 for
// concurrency), ticked at the levels themselves when there are few.
func loadAxis(p panel, from, to float64) axis {
	lo, hi := p.Levels[0], p.Levels[len(p.Levels)-1]
	title := "client concurrency (closed-loop workers)"
	if p.Open {
		title = "target rate (requests/s)"
	}
	label := func(v float64) string { return formatSI(v) }
	if lo > 0 && hi/lo >= 4 {
		ticks := p.Levels
		if len(ticks) > 10 {
			ticks = log2Ticks(lo, hi, 10)
			if p.Open {
				ticks = log10Ticks(lo, hi)
			}
		}
		// Pad by a fifth of a doubling so that end points clear the axes.
		pad := math.Pow(2, 0.2)
		a := math.Min(lo, ticks[0]) / pad
		b := math.Max(hi, ticks[len(ticks)-1]) * pad
		if p.Open {
			title += ", log scale"
		} else {
			title += ", log₂ scale"
		}
		return axis{sc: logScale(a, b, from, to), ticks: ticks, label: label, title: title}
	}
	ticks := niceTicks(math.Min(lo, 0), hi, 6)
	if len(ticks) < 2 {
		ticks = []float64{0, math.Max(hi, 1)}
	}
	a, b := ticks[0], ticks[len(ticks)-1]
	return axis{sc: linearScale(a, b+(b-a)*0.05, from, to), ticks: ticks, label: label, title: title}
}

// uslSamples returns the fitted curve of f at 48 levels spread evenly, on
// the axis's own scale, between lo and hi.
func uslSamples(f *usl.Model, lo, hi float64, log bool) [][2]float64 {
	const n = 48
	pts := make([][2]float64, 0, n)
	for i := range n {
		t := float64(i) / (n - 1)
		x := lo + t*(hi-lo)
		if log {
			x = lo * math.Pow(hi/lo, t)
		}
		pts = append(pts, [2]float64{x, f.Predict(x)})
	}
	return pts
}

// throughputChart draws tasks/s against load for each strategy of p: the
// medians joined by a solid line, the 95% confidence interval of the
// median (benchmath's; it needs 6 trials) as an error bar, the fitted USL
// curve dashed, and a hollow marker where the client
// was saturated.
func throughputChart(p panel, label string) template.HTML {
	f := throughputFrame
	x0, x1, y0, y1 := f.plot()
	xa := loadAxis(p, x0, x1)

	// The medians and the fitted curves set the height; a confidence
	// interval taller than that (two trials give wide ones) runs off the
	// top rather than flattening the lines.
	ymax := 0.0
	for _, s := range p.Series {
		for _, c := range s.Cells {
			ymax = math.Max(ymax, c.TasksPerS.Median)
		}
		if u := s.usl(); u != nil && len(s.Cells) > 1 {
			for _, pt := range uslSamples(u, level(s.Cells[0]), level(s.Cells[len(s.Cells)-1]), xa.sc.log) {
				ymax = math.Max(ymax, pt[1])
			}
		}
	}
	for _, s := range p.Series {
		for _, c := range s.Cells {
			if c.TasksPerS.MedianCIFinite() && c.TasksPerS.MedianHi <= ymax*1.25 {
				ymax = math.Max(ymax, c.TasksPerS.MedianHi)
			}
		}
	}
	yt := niceTicks(0, math.Max(ymax, 1), 6)
	ya := axis{sc: linearScale(0, yt[len(yt)-1], y1, y0), ticks: yt, label: formatSI, title: "throughput (tasks/s)"}

	s := newSVG(f.w, f.h, label)
	yAxis(s, f, ya)
	xAxis(s, f, xa)
	// Series are dodged a few units apart so that error bars at the same
	// level stay apart; marks are drawn in layers, error bars under lines
	// under markers, so that no series hides another's points.
	dodge := func(k int) float64 { return (float64(k) - float64(len(p.Series)-1)/2) * 3 }
	for k, se := range p.Series {
		for _, c := range se.Cells {
			if c.TasksPerS.MedianCIFinite() {
				errorBar(s, xa.sc.pos(level(c))+dodge(k), ya.sc, c.TasksPerS.MedianLo, c.TasksPerS.MedianHi, se.Look.Color)
			}
		}
	}
	for k, se := range p.Series {
		if u := se.usl(); u != nil && len(se.Cells) > 1 {
			pts := uslSamples(u, level(se.Cells[0]), level(se.Cells[len(se.Cells)-1]), xa.sc.log)
			for i := range pts {
				pts[i] = [2]float64{xa.sc.pos(pts[i][0]) + dodge(k), ya.sc.pos(pts[i][1])}
			}
			s.path(polyline(pts), "usl", "stroke", se.Look.Color)
		}
		var line [][2]float64
		for _, c := range se.Cells {
			line = append(line, [2]float64{xa.sc.pos(level(c)) + dodge(k), ya.sc.pos(c.TasksPerS.Median)})
		}
		if len(line) > 1 {
			s.path(polyline(line), "series", "stroke", se.Look.Color)
		}
	}
	for k, se := range p.Series {
		for _, c := range se.Cells {
			x, y := xa.sc.pos(level(c))+dodge(k), ya.sc.pos(c.TasksPerS.Median)
			s.group(pointTitle(p, se.Name, c), func() {
				fill, class := se.Look.Color, "marker"
				if c.Saturated {
					fill, class = "#ffffff", "marker saturated"
				}
				s.path(markerPath(se.Look.Marker, x, y, 4.5), class, "fill", fill, "stroke", se.Look.Color)
			})
		}
	}
	throughputLegend(s, f, p)
	return s.html()
}

// errorBar draws a vertical error bar at x from lo to hi on sc, with a cap
// at each end that lies inside the plot; an end beyond the plot is cut at
// its edge and left without a cap, so a reader sees that it runs on.
func errorBar(s *svg, x float64, sc scale, lo, hi float64, color string) {
	ylo, yhi := sc.clampPos(lo), sc.clampPos(hi)
	s.line(x, ylo, x, yhi, "errbar", "stroke", color)
	if ylo == sc.pos(lo) {
		s.line(x-4, ylo, x+4, ylo, "errbar", "stroke", color)
	}
	if yhi == sc.pos(hi) {
		s.line(x-4, yhi, x+4, yhi, "errbar", "stroke", color)
	}
}

// pointTitle is the hover text of one cell's point.
func pointTitle(p panel, strategy string, c cell.Summary) string {
	t := fmt.Sprintf("%s, %s: %s median", strategy, p.levelName(level(c)), formatRate(c.TasksPerS.Median, "tasks/s"))
	if c.TasksPerS.MedianCIFinite() {
		t += fmt.Sprintf(" (95%% CI of the median %s – %s)", formatSI(c.TasksPerS.MedianLo), formatSI(c.TasksPerS.MedianHi))
	}
	t += fmt.Sprintf(", %s", plural(c.Trials, "trial"))
	if c.Saturated {
		t += "; measured by a saturated client"
	}
	return t
}

// throughputLegend draws, right of the plot, one entry per strategy with
// its USL parameters, then the key to the marks.
func throughputLegend(s *svg, f frame, p panel) {
	x := f.w - f.right + 18
	y := f.top + 10.0
	for _, se := range p.Series {
		s.line(x, y-4, x+22, y-4, "series", "stroke", se.Look.Color)
		s.path(markerPath(se.Look.Marker, x+11, y-4, 4.5), "marker", "fill", se.Look.Color, "stroke", se.Look.Color)
		s.text(x+30, y, "start", "legend", se.Name)
		y += 15
		if u := se.usl(); u != nil {
			s.text(x+30, y, "start", "legendnote",
				fmt.Sprintf("σ %s · κ %s · R² %.2f", paramCI(u.Sigma, u.SigmaCI), paramCI(u.Kappa, u.KappaCI), u.R2))
			y += 15
			s.text(x+30, y, "start", "legendnote", "peak N "+peakText(u))
			y += 15
		}
		y += 4
	}
	var fits, spread, saturated bool
	for _, se := range p.Series {
		fits = fits || se.usl() != nil
		for _, c := range se.Cells {
			spread = spread || c.TasksPerS.MedianCIFinite()
			saturated = saturated || c.Saturated
		}
	}
	y += 6
	s.line(x, y-4, x+22, y-4, "series", "stroke", "#444")
	s.text(x+30, y, "start", "legendnote", "median of trials")
	y += 16
	if fits {
		s.line(x, y-4, x+22, y-4, "usl", "stroke", "#444")
		s.text(x+30, y, "start", "legendnote", "USL fit")
		y += 16
	}
	if spread {
		s.line(x+11, y-10, x+11, y+2, "errbar", "stroke", "#444")
		s.line(x+7, y-10, x+15, y-10, "errbar", "stroke", "#444")
		s.line(x+7, y+2, x+15, y+2, "errbar", "stroke", "#444")
		s.text(x+30, y, "start", "legendnote", "95% CI of the median")
		y += 16
	}
	if saturated {
		s.path(markerPath(0, x+11, y-4, 4.5), "marker saturated", "fill", "#ffffff", "stroke", "#444")
		s.text(x+30, y, "start", "legendnote", "saturated client")
	}
}
