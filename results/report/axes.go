package report

// frame is a chart's size and the margins around its plot area, in SVG
// user units.
type frame struct {
	w, h                     float64
	left, right, top, bottom float64
}

// plot returns the plot area's edges: x0 < x1 and y0 < y1, y0 at the top.
func (f frame) plot() (x0, x1, y0, y1 float64) {
	return f.left, f.w - f.right, f.top, f.h - f.bottom
}

// axis is one numeric axis: its scale, tick values and tick label.
type axis struct {
	sc    scale
	ticks []float64
	label func(float64) string
	title string
}

// yAxis draws a's ticks and labels on the left of f's plot area, with a
// light grid line across the plot at each tick, and its title rotated
// along the left edge.
func yAxis(s *svg, f frame, a axis) {
	x0, x1, y0, y1 := f.plot()
	for _, t := range a.ticks {
		y := a.sc.pos(t)
		if y < y0-0.5 || y > y1+0.5 {
			continue
		}
		s.line(x0, y, x1, y, "grid")
		s.line(x0-5, y, x0, y, "tick")
		s.text(x0-8, y+4, "end", "ticklabel", a.label(t))
	}
	s.line(x0, y0, x0, y1, "axis")
	cy := (y0 + y1) / 2
	s.text(16, cy, "middle", "axistitle", a.title, "transform", "rotate(-90 16 "+num(cy)+")")
}

// xAxis draws a's ticks and labels below f's plot area and its title
// under them.
func xAxis(s *svg, f frame, a axis) {
	x0, x1, _, y1 := f.plot()
	for _, t := range a.ticks {
		x := a.sc.pos(t)
		if x < x0-0.5 || x > x1+0.5 {
			continue
		}
		s.line(x, y1, x, y1+5, "tick")
		s.text(x, y1+19, "middle", "ticklabel", a.label(t))
	}
	s.line(x0, y1, x1, y1, "axis")
	s.text((x0+x1)/2, y1+40, "middle", "axistitle", a.title)
}

// legendSwatch draws a legend entry at (x, y): a filled square of colour
// and the label to its right.
func legendSwatch(s *svg, x, y float64, color, label string) {
	s.rect(x, y-9, 12, 12, "swatch", "fill", color)
	s.text(x+18, y+1, "start", "legend", label)
}
