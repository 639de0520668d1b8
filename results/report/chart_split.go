package report

import (
	"fmt"
	"html/template"
	"math"
)

// Colours of the latency split: the server's share, the part of it before
// the handler ran, and the rest.
const (
	serverColor   = "#0072B2"
	waitColor     = "#56B4E9"
	overheadColor = "#E69F00"
)

// splitFrame is the latency split chart's size; its rows are added to the
// height.
var splitFrame = frame{w: 780, left: 150, right: 80, top: 34, bottom: 52}

// splitRowHeight is the height of one strategy's bar in the split chart.
const splitRowHeight = 30.0

// split is a cell's median client latency cut at the server's median:
// what the server spent running the job, and the rest (network, gRPC,
// queueing in the client and the server's transport).
func split(clientP50, serverP50 float64) (server, overhead float64) {
	server = math.Min(math.Max(serverP50, 0), clientP50)
	return server, math.Max(clientP50-server, 0)
}

// splitChart draws, at load level x of p, one horizontal bar per strategy:
// the server p50 (from the transport's receipt), its first part the wait
// before the handler ran (server_wait p50), then the overhead p50, each
// request's client time less its server time. Each part is its own median,
// so the bar need not end at the client p50, which is written after it.
// For cells without the measured split (version-1 files, older servers)
// the bar is the client p50 cut at the server p50, as before. It returns
// "" when no cell at x recorded server time.
func splitChart(p panel, x float64, label string) template.HTML {
	type row struct {
		strategy                       string
		client, server, wait, overhead float64
		serverP50                      float64 // as measured, for the hover text
		measured                       bool    // overhead and wait measured per request
	}
	var rows []row
	hi := 0.0
	measured := false
	for _, se := range p.Series {
		c, ok := se.at(x)
		if !ok || c.ServerP50Ms <= 0 {
			continue
		}
		r := row{strategy: se.Name, client: c.P50Ms.Median, serverP50: c.ServerP50Ms}
		if !math.IsNaN(c.OverheadP50Ms) && !math.IsNaN(c.ServerWaitP50Ms) {
			r.measured, measured = true, true
			r.server, r.overhead = c.ServerP50Ms, c.OverheadP50Ms
			r.wait = math.Min(c.ServerWaitP50Ms, r.server)
		} else {
			r.server, r.overhead = split(c.P50Ms.Median, c.ServerP50Ms)
		}
		rows = append(rows, r)
		hi = math.Max(hi, math.Max(c.P50Ms.Median, r.server+r.overhead))
	}
	if len(rows) == 0 {
		return ""
	}
	f := splitFrame
	f.h = f.top + f.bottom + splitRowHeight*float64(len(rows))
	x0, x1, y0, y1 := f.plot()
	xt := niceTicks(0, hi, 6)
	xa := axis{sc: linearScale(0, xt[len(xt)-1], x0, x1), ticks: xt, label: formatMs, title: "median latency seen by the client, at " + p.levelName(x)}

	s := newSVG(f.w, f.h, label)
	for _, t := range xt {
		px := xa.sc.pos(t)
		s.line(px, y0, px, y1, "grid")
	}
	xAxis(s, f, xa)
	s.line(x0, y0, x0, y1, "axis")
	for i, r := range rows {
		top := y0 + splitRowHeight*float64(i) + 6
		h := splitRowHeight - 12
		xs, xe := xa.sc.pos(0), xa.sc.pos(r.server)
		s.group(fmt.Sprintf("%s: server p50 %s", r.strategy, formatMs(r.serverP50)), func() {
			s.rect(xs, top, xe-xs, h, "bar", "fill", serverColor)
		})
		if r.wait > 0 {
			xw := xa.sc.pos(r.wait)
			s.group(fmt.Sprintf("%s: server wait p50 %s (receipt to handler start)", r.strategy, formatMs(r.wait)), func() {
				s.rect(xs, top, xw-xs, h, "bar", "fill", waitColor)
			})
		}
		xo := xa.sc.pos(r.server + r.overhead)
		overhead := fmt.Sprintf("%s: overhead p50 %s (per request: client time − server time)", r.strategy, formatMs(r.overhead))
		if !r.measured {
			overhead = fmt.Sprintf("%s: client p50 %s − server p50 = %s network and gRPC overhead", r.strategy, formatMs(r.client), formatMs(r.overhead))
		}
		s.group(overhead, func() {
			s.rect(xe, top, xo-xe, h, "bar", "fill", overheadColor)
		})
		s.text(x0-8, top+h/2+4, "end", "ticklabel", r.strategy)
		s.text(xo+6, top+h/2+4, "start", "ticklabel", formatMs(r.client))
	}
	// The legend runs along the top, where the bars leave room.
	if measured {
		legendSwatch(s, x0, 18, waitColor, "server wait p50 (receipt → handler)")
		legendSwatch(s, x0+200, 18, serverColor, "server p50 (from receipt)")
		legendSwatch(s, x0+370, 18, overheadColor, "overhead p50 (per request: client − server)")
	} else {
		legendSwatch(s, x0, 18, serverColor, "server p50 (time inside the server)")
		legendSwatch(s, x0+260, 18, overheadColor, "client p50 − server p50 (network, gRPC, queues)")
	}
	return s.html()
}
