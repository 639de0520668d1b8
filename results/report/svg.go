package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// svg builds one inline SVG element as text. Every string that comes from
// data goes through esc, so the result is safe to mark as template.HTML.
// The element carries no xmlns attribute: HTML5 does not need one, and the
// page must hold no http:// address.
type svg struct {
	b strings.Builder
}

// newSVG starts an SVG of w × h user units, scaled by CSS to the page width,
// whose accessible name is label.
func newSVG(w, h float64, label string) *svg {
	s := new(svg)
	fmt.Fprintf(&s.b, `<svg class="chart" viewBox="0 0 %s %s" role="img" aria-label="%s">`, num(w), num(h), esc(label))
	fmt.Fprintf(&s.b, `<title>%s</title>`, esc(label))
	return s
}

// html closes the element and returns it.
func (s *svg) html() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String())
}

// esc escapes s for use as SVG text or a quoted attribute value.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num formats a coordinate with at most two decimals, enough for a screen
// and short enough to keep the page small.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// attrs renders name="value" pairs after a space each; values are escaped.
func attrs(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		fmt.Fprintf(&b, ` %s="%s"`, kv[i], esc(kv[i+1]))
	}
	return b.String()
}

// line draws a segment; extra holds further attribute pairs.
func (s *svg) line(x1, y1, x2, y2 float64, class string, extra ...string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s"%s/>`,
		num(x1), num(y1), num(x2), num(y2), attrs(append([]string{"class", class}, extra...)...))
}

// rect draws a rectangle with its top-left corner at (x, y).
func (s *svg) rect(x, y, w, h float64, class string, extra ...string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s"%s/>`,
		num(x), num(y), num(math.Max(w, 0)), num(math.Max(h, 0)), attrs(append([]string{"class", class}, extra...)...))
}

// path draws the path data d.
func (s *svg) path(d, class string, extra ...string) {
	fmt.Fprintf(&s.b, `<path d="%s"%s/>`, d, attrs(append([]string{"class", class}, extra...)...))
}

// text writes t at (x, y); anchor is "start", "middle" or "end".
func (s *svg) text(x, y float64, anchor, class, t string, extra ...string) {
	a := []string{"class", class}
	if anchor != "start" {
		a = append(a, "text-anchor", anchor)
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s"%s>%s</text>`, num(x), num(y), attrs(append(a, extra...)...), esc(t))
}

// group wraps the marks that draw makes in a <g> whose title the browser
// shows on hover: how a reader gets a mark's exact value without script.
func (s *svg) group(title string, draw func()) {
	fmt.Fprintf(&s.b, `<g><title>%s</title>`, esc(title))
	draw()
	s.b.WriteString(`</g>`)
}

// polyline returns path data through pts, in order.
func polyline(pts [][2]float64) string {
	var b strings.Builder
	for i, p := range pts {
		if i == 0 {
			b.WriteByte('M')
		} else {
			b.WriteByte('L')
		}
		b.WriteString(num(p[0]))
		b.WriteByte(' ')
		b.WriteString(num(p[1]))
	}
	return b.String()
}

// markerPath returns path data for marker shape k (circle, square,
// triangle, diamond, inverted triangle, cycling) of radius r centred on
// (x, y). Shapes tell series apart where colours cannot.
func markerPath(k int, x, y, r float64) string {
	switch k % 5 {
	case 0: // circle, as two arcs
		return fmt.Sprintf("M%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 %s 0Z",
			num(x-r), num(y), num(r), num(r), num(2*r), num(r), num(r), num(-2*r))
	case 1: // square
		q := r * 0.9
		return fmt.Sprintf("M%s %sh%sv%sh%sZ", num(x-q), num(y-q), num(2*q), num(2*q), num(-2*q))
	case 2: // triangle
		return fmt.Sprintf("M%s %sL%s %sL%s %sZ", num(x), num(y-r*1.15), num(x+r*1.1), num(y+r*0.8), num(x-r*1.1), num(y+r*0.8))
	case 3: // diamond
		return fmt.Sprintf("M%s %sL%s %sL%s %sL%s %sZ", num(x), num(y-r*1.25), num(x+r*1.1), num(y), num(x), num(y+r*1.25), num(x-r*1.1), num(y))
	default: // inverted triangle
		return fmt.Sprintf("M%s %sL%s %sL%s %sZ", num(x), num(y+r*1.15), num(x+r*1.1), num(y-r*0.8), num(x-r*1.1), num(y-r*0.8))
	}
}
