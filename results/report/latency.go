package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/histogram"
)

// LatencyFile is the page WriteLatency creates.
const LatencyFile = "latency.html"

// Objective is a latency objective drawn on the latency page: the latency
// Bound at percentile Name ("p99").
type Objective struct {
	Name    string
	BoundMs float64
}

// ErrNothingToShow is WriteLatencyHTML's error when the cells have neither
// open-loop rates to compare nor histograms.
var ErrNothingToShow = errors.New("report: no open-loop cells at two rates and no histograms to show")

// WriteLatencyHTML writes the latency page: for each group of open-loop
// cells that differ only in strategy and target rate, p50 and p99 latency
// against the offered rate (log axes, one colour per strategy, p99 solid
// and p50 dashed, obj as a line, and the achieved rate marked where it
// fell more than 5% below the offered one); then, for every cell in
// hists, its percentile spectrum, each in a <details> element the reader
// opens. It fails only if w does, or if there is nothing to show.
func WriteLatencyHTML(w io.Writer, cells []cell.Summary, hists []cell.Histograms, obj Objective) error {
	type view struct {
		Title string
		Chart template.HTML
	}
	lk := looks(cells)
	var rates []view
	for _, p := range panels(cells) {
		if !p.Open || len(p.Levels) < 2 {
			continue
		}
		rates = append(rates, view{panelTitle(p), ratesChart(p, obj)})
	}
	var spectra []view
	for _, h := range hists {
		if c := spectrumChart(h, lk); c != "" {
			spectra = append(spectra, view{cell.Label(h.Cell) + fmt.Sprintf(" (%d trials, %d requests)", h.Trials, h.Hist.Latency.Count()), c})
		}
	}
	if len(rates) == 0 && len(spectra) == 0 {
		return ErrNothingToShow
	}
	data := struct {
		Title          string
		Objective      Objective
		Rates, Spectra []view
	}{"stratbench latency", obj, rates, spectra}
	if err := latencyTemplate.Execute(w, data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteLatency writes the latency page into dir, replaced atomically, and
// returns its path.
func WriteLatency(dir string, cells []cell.Summary, hists []cell.Histograms, obj Objective) (string, error) {
	var b bytes.Buffer
	if err := WriteLatencyHTML(&b, cells, hists, obj); err != nil {
		return "", err
	}
	p := filepath.Join(dir, LatencyFile)
	if err := atomicfile.WriteFile(p, b.Bytes()); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return p, nil
}

var latencyTemplate = newExtraPage(`<h1>Latency against offered load</h1>
{{if .Rates}}<p class="meta">Open-loop cells: latency is measured from each request's intended send time, so a
server that falls behind its arrivals shows the queue it builds. p99 solid, p50 dashed, one colour per strategy;
the red dashed line is the objective {{.Objective.Name}} ≤ {{ms .Objective.BoundMs}}. A hollow ring marks a rate the
server did not keep up with: the achieved rate, joined to the offered one.</p>
{{range .Rates}}<h2>{{.Title}}</h2>
{{.Chart}}
{{end}}{{end}}
{{if .Spectra}}<h2>Percentile spectrum</h2>
<p class="meta">Each cell's latency against percentile, on HdrHistogram's axis 1/(1−q) (90% = 10, 99% = 100, …),
up to p99.99 and the maximum, from the histograms of all its complete trials: corrected (from the intended send
time) solid, uncorrected (from the actual send) dashed. Open a cell to see it.</p>
{{range $i, $s := .Spectra}}<details{{if eq $i 0}} open{{end}}><summary>{{$s.Title}}</summary>
{{$s.Chart}}
</details>
{{end}}{{end}}`)

// panelTitle names a panel by what its cells share.
func panelTitle(p panel) string {
	k := p.Key
	s := k.Workload
	if k.Sync != "" {
		s += "/" + k.Sync
	}
	if k.LockOrder != "" {
		s += "/" + k.LockOrder + "-" + strconv.Itoa(k.Accounts)
	}
	if k.Scope == "server" {
		s += "/server"
	}
	s += fmt.Sprintf(": %d tasks, parallelism %d", k.Tasks, k.Parallelism)
	if k.Host != "" {
		s += " on " + k.Host
	}
	return s
}

// ratesChart draws p50 and p99 against offered rate for the panel p.
func ratesChart(p panel, obj Objective) template.HTML {
	f := frame{w: 780, h: 380, left: 70, right: 150, top: 16, bottom: 56}
	x0, x1, y0, y1 := f.plot()
	lo, hi := math.Inf(1), 0.0
	for _, se := range p.Series {
		for _, c := range se.Cells {
			for _, v := range []float64{c.P50Ms.Median, c.P99Ms.Median} {
				if v > 0 {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	if obj.BoundMs > 0 {
		lo, hi = math.Min(lo, obj.BoundMs), math.Max(hi, obj.BoundMs)
	}
	if hi == 0 {
		return ""
	}
	yt := log10Ticks(lo, hi)
	ya := axis{sc: logScale(yt[0], yt[len(yt)-1], y1, y0), ticks: yt, label: formatMs, title: "latency (log scale)"}
	// An achieved rate far below every offered one (a trial that spent
	// its time draining a backlog) is drawn at the axis's left end, half
	// the lowest offered rate; its title keeps the value.
	xlo, xhi := p.Levels[0], p.Levels[len(p.Levels)-1]
	floor := xlo / 2
	for _, se := range p.Series {
		for _, c := range se.Cells {
			if c.ThroughputRPS.Median > 0 {
				xlo = math.Min(xlo, math.Max(c.ThroughputRPS.Median, floor))
			}
		}
	}
	xt := log2Ticks(xlo, xhi, 9)
	xa := axis{sc: logScale(xt[0], math.Max(xt[len(xt)-1], xhi), x0, x1), ticks: xt, label: sig3, title: "offered rate, req/s (log scale)"}
	s := newSVG(f.w, f.h, "p50 and p99 latency against offered rate, "+panelTitle(p))
	yAxis(s, f, ya)
	xAxis(s, f, xa)
	if obj.BoundMs > 0 {
		y := ya.sc.pos(obj.BoundMs)
		s.line(x0, y, x1, y, "boundline")
		s.text(x1-4, y-5, "end", "legend", obj.Name+" objective "+formatMs(obj.BoundMs))
	}
	for _, se := range p.Series {
		for _, q := range []struct {
			name  string
			class string
			v     func(cell.Summary) float64
		}{{"p99", "series", func(c cell.Summary) float64 { return c.P99Ms.Median }},
			{"p50", "series dashed", func(c cell.Summary) float64 { return c.P50Ms.Median }}} {
			var pts [][2]float64
			for _, c := range se.Cells {
				pts = append(pts, [2]float64{xa.sc.pos(c.TargetRPS), ya.sc.clampPos(q.v(c))})
			}
			s.path(polyline(pts), q.class, "stroke", se.Look.Color)
			for i, c := range se.Cells {
				achieved := c.ThroughputRPS.Median
				title := fmt.Sprintf("%s %s at %s req/s offered: %s (achieved %s req/s)", se.Name, q.name, sig3(c.TargetRPS), formatMs(q.v(c)), sig3(achieved))
				s.group(title, func() {
					s.path(markerPath(se.Look.Marker, pts[i][0], pts[i][1], 3.5), "marker", "fill", se.Look.Color, "stroke", se.Look.Color)
					if q.name == "p99" && achieved > 0 && achieved < 0.95*c.TargetRPS {
						ax := xa.sc.clampPos(math.Max(achieved, floor))
						s.line(ax, pts[i][1], pts[i][0], pts[i][1], "achieved", "stroke", se.Look.Color)
						s.path(markerPath(0, ax, pts[i][1], 4), "marker", "fill", "#fff", "stroke", se.Look.Color)
					}
				})
			}
		}
	}
	lx, ly := f.w-f.right+18, f.top+12
	for _, se := range p.Series {
		legendSwatch(s, lx, ly, se.Look.Color, se.Name)
		ly += 18
	}
	return s.html()
}

// spectrumQuantiles are the quantiles the spectrum draws: 1 − 10^(−k/8)
// for k = 0 … 32, from 0 to 0.9999, evenly spaced on the 1/(1−q) axis.
var spectrumQuantiles = func() []float64 {
	var qs []float64
	for k := 0; k <= 32; k++ {
		qs = append(qs, 1-math.Pow(10, -float64(k)/8))
	}
	return qs
}()

// spectrumChart draws one cell's corrected and uncorrected latency against
// percentile on the 1/(1−q) log axis up to p99.99, with the maximum at the
// right edge; "" when the cell recorded nothing.
func spectrumChart(h cell.Histograms, lk map[string]look) template.HTML {
	lat, unc := h.Hist.Latency, h.Hist.Uncorrected
	if lat == nil || lat.Count() == 0 {
		return ""
	}
	f := frame{w: 780, h: 320, left: 70, right: 150, top: 16, bottom: 56}
	x0, x1, y0, y1 := f.plot()
	lo, hi := math.Inf(1), 0.0
	for _, hh := range []*histogram.Histogram{lat, unc} {
		if hh == nil || hh.Count() == 0 {
			continue
		}
		lo, hi = math.Min(lo, ms(hh.Min())), math.Max(hi, ms(hh.Max()))
	}
	lo = math.Max(lo, 0.001)
	yt := log10Ticks(lo, hi)
	ya := axis{sc: logScale(yt[0], yt[len(yt)-1], y1, y0), ticks: yt, label: formatMs, title: "latency (log scale)"}
	// 1/(1−q) from 1 to 10^4, and the maximum a quarter decade beyond.
	xs := logScale(1, math.Pow(10, 4.25), x0, x1)
	xt := []float64{1, 10, 100, 1000, 10000, math.Pow(10, 4.25)}
	names := []string{"0%", "90%", "99%", "99.9%", "99.99%", "max"}
	xa := axis{sc: xs, ticks: xt, label: func(v float64) string { return names[slices.Index(xt, v)] }, title: "percentile (HdrHistogram 1/(1−q) axis)"}
	s := newSVG(f.w, f.h, "percentile spectrum of "+cell.Label(h.Cell))
	yAxis(s, f, ya)
	xAxis(s, f, xa)
	color := lk[h.Cell.Strategy].Color
	for _, line := range []struct {
		name  string
		class string
		h     *histogram.Histogram
	}{{"corrected", "series", lat}, {"uncorrected", "series dashed", unc}} {
		if line.h == nil || line.h.Count() == 0 {
			continue
		}
		var pts [][2]float64
		for _, q := range spectrumQuantiles {
			pts = append(pts, [2]float64{xs.pos(1 / (1 - q)), ya.sc.clampPos(ms(line.h.Quantile(q)))})
		}
		pts = append(pts, [2]float64{xs.pos(xt[len(xt)-1]), ya.sc.clampPos(ms(line.h.Max()))})
		s.group(fmt.Sprintf("%s: p50 %s, p99 %s, p99.9 %s, p99.99 %s, max %s", line.name,
			formatMs(ms(line.h.Quantile(0.5))), formatMs(ms(line.h.Quantile(0.99))), formatMs(ms(line.h.Quantile(0.999))),
			formatMs(ms(line.h.Quantile(0.9999))), formatMs(ms(line.h.Max()))), func() {
			s.path(polyline(pts), line.class, "stroke", color)
		})
	}
	lx, ly := f.w-f.right+18, f.top+12
	s.line(lx, ly-3, lx+14, ly-3, "series", "stroke", color)
	s.text(lx+20, ly+1, "start", "legend", "corrected")
	s.line(lx, ly+15, lx+14, ly+15, "series dashed", "stroke", color)
	s.text(lx+20, ly+19, "start", "legend", "uncorrected")
	return s.html()
}

// ms returns d in float milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
