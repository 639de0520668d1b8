package report

import (
	"fmt"
	"html/template"
	"math"
	"slices"

	"github.com/stratbench/stratbench/internal/vocab/word"
	"github.com/stratbench/stratbench/results/cell"
)

// sharedFrame is the lost-updates chart's size, with room on the right
// for a legend of strategies and sync modes.
var sharedFrame = frame{w: 800, h: 400, left: 70, right: 215, top: 16, bottom: 52}

// noneColor marks the region of lost updates and the "none" sync mode's
// legend: the palette's vermilion, the colour of the page's warnings.
const noneColor = "#D55E00"

// syncMarker returns the marker path of sync mode sync at (x, y): circle,
// square, triangle and diamond for the four modes that keep every update,
// and a cross for "none", which loses them, so that it stands apart
// whatever its colour.
func syncMarker(sync string, x, y, r float64) string {
	i := slices.Index(syncOrder, sync)
	if sync == word.SyncNone || i < 0 || i > 3 {
		q := r * 1.1
		return fmt.Sprintf("M%s %sL%s %sM%s %sL%s %s", num(x-q), num(y-q), num(x+q), num(y+q), num(x-q), num(y+q), num(x+q), num(y-q))
	}
	return markerPath(i, x, y, r)
}

// lostUpdatesChart draws, at load level x of g, one marker per strategy
// and sync mode: the share of increments lost across, tasks/s up. Colour
// is the strategy's, as in every chart; shape is the sync mode's, with
// "none" a bold cross. The region right of 0 lost is shaded: a marker
// there counted wrong. Markers of one x are spread a few units apart by
// sync mode so that equal values stay visible.
func lostUpdatesChart(g counterGroup, x float64, lk map[string]look, label string) template.HTML {
	f := sharedFrame
	x0, x1, y0, y1 := f.plot()
	var cells []cell.Summary
	maxLost, maxY := 0.0, 0.0
	for _, c := range g.Cells {
		if level(c) != x {
			continue
		}
		cells = append(cells, c)
		maxLost = math.Max(maxLost, lostFraction(c))
		maxY = math.Max(maxY, c.TasksPerS.Median)
	}
	xt := niceTicks(0, math.Max(maxLost, 0.01), 6)
	// The last tick is pulled in a little so that a marker at it clears
	// the plot's edge.
	xa := axis{sc: linearScale(xt[0], xt[len(xt)-1]*1.04, x0+12, x1), ticks: xt, label: formatPct,
		title: "increments lost (median lost updates per job ÷ increments per job)"}
	yt := niceTicks(0, math.Max(maxY, 1), 6)
	ya := axis{sc: linearScale(0, yt[len(yt)-1], y1, y0), ticks: yt, label: formatSI, title: "throughput (tasks/s)"}

	s := newSVG(f.w, f.h, label)
	// Shade everything right of zero lost: those cells counted wrong.
	zero := xa.sc.pos(0)
	s.rect(zero+10, y0, x1-zero-10, y1-y0, "lostzone", "fill", noneColor)
	s.text(x1-6, y0+14, "end", "legendnote", "updates lost →")
	yAxis(s, f, ya)
	xAxis(s, f, xa)
	s.line(zero, y0, zero, y1, "boundline")

	dodge := func(sync string) float64 {
		i := slices.Index(syncOrder, sync)
		if i < 0 {
			i = len(syncOrder)
		}
		return (float64(i) - 2) * 3
	}
	for _, c := range cells {
		px, py := xa.sc.pos(lostFraction(c))+dodge(c.Sync), ya.sc.pos(c.TasksPerS.Median)
		color := lk[c.Strategy].Color
		title := fmt.Sprintf("%s, sync %s, %s: %s median, %s of increments lost (%s per job), %s",
			c.Strategy, c.Sync, g.levelName(x), formatRate(c.TasksPerS.Median, "tasks/s"),
			formatPct(lostFraction(c)), formatSI(c.LostPerJob), plural(c.Trials, "trial"))
		if c.Saturated {
			title += "; measured by a saturated client"
		}
		s.group(title, func() {
			if c.Sync == word.SyncNone {
				s.path(syncMarker(c.Sync, px, py, 5), "marker none", "stroke", color)
				return
			}
			fill, class := color, "marker"
			if c.Saturated {
				fill, class = "#ffffff", "marker saturated"
			}
			s.path(syncMarker(c.Sync, px, py, 4.5), class, "fill", fill, "stroke", color)
		})
	}
	sharedLegend(s, f, cells, lk)
	return s.html()
}

// sharedLegend draws, right of the plot, the strategies' colours and then
// the sync modes' shapes of cells.
func sharedLegend(s *svg, f frame, cells []cell.Summary, lk map[string]look) {
	var strategies, syncs []string
	for _, c := range cells {
		if !slices.Contains(strategies, c.Strategy) {
			strategies = append(strategies, c.Strategy)
		}
		if !slices.Contains(syncs, c.Sync) {
			syncs = append(syncs, c.Sync)
		}
	}
	slices.SortFunc(strategies, func(a, b string) int { return rank(strategyOrder, a, b) })
	slices.SortFunc(syncs, func(a, b string) int { return rank(syncOrder, a, b) })
	x, y := f.w-f.right+18, f.top+12
	for _, st := range strategies {
		legendSwatch(s, x, y, lk[st].Color, st)
		y += 18
	}
	y += 10
	for _, sy := range syncs {
		if sy == word.SyncNone {
			s.path(syncMarker(sy, x+6, y-4, 5), "marker none", "stroke", noneColor)
			s.text(x+18, y, "start", "legend", "none: loses updates")
		} else {
			s.path(syncMarker(sy, x+6, y-4, 4.5), "marker", "fill", "#888888", "stroke", "#444444")
			s.text(x+18, y, "start", "legend", "sync "+sy)
		}
		y += 18
	}
}
