package record

import (
	"math"
	"time"

	"github.com/stratbench/stratbench/results/histogram"
)

// SetLatency sets r's latency columns from a trial's histograms h, for the
// load client and for merge alike: mean_ms, p50_ms, p90_ms, p99_ms, p999_ms
// and max_ms from the corrected latency of successes, uncorrected_p99_ms
// from the latency from the actual send, server_p50_ms and server_p99_ms
// from the server time and queue_p99_ms from the queue time; p99_all_ms
// and max_all_ms from every measured request (h.All: successes, errors and
// unsent sends) and send_lag_p99_ms from the send lag; server_wait_p50_ms,
// server_wait_p99_ms, overhead_p50_ms and overhead_p99_ms from the
// server-wait and overhead histograms. Columns whose histogram is absent
// are 0, except those four, which are absent (NaN) when their histogram is
// nil or empty (a server that did not report handler_wait).
func (r *Row) SetLatency(h *histogram.Trial) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	r.MeanMs, r.P50Ms, r.P90Ms, r.P99Ms, r.P999Ms, r.MaxMs = 0, 0, 0, 0, 0, 0
	r.UncorrectedP99Ms, r.ServerP50Ms, r.ServerP99Ms, r.QueueP99Ms = 0, 0, 0, 0
	r.P99AllMs, r.MaxAllMs, r.SendLagP99Ms = 0, 0, 0
	if all := h.All(); all.Count() > 0 {
		r.P99AllMs = ms(all.Quantile(0.99))
		r.MaxAllMs = ms(all.Max())
	}
	if l := h.SendLag; l != nil {
		r.SendLagP99Ms = ms(l.Quantile(0.99))
	}
	if l := h.Latency; l != nil {
		r.MeanMs = ms(l.Mean())
		r.P50Ms = ms(l.Quantile(0.50))
		r.P90Ms = ms(l.Quantile(0.90))
		r.P99Ms = ms(l.Quantile(0.99))
		r.P999Ms = ms(l.Quantile(0.999))
		r.MaxMs = ms(l.Max())
	}
	if u := h.Uncorrected; u != nil {
		r.UncorrectedP99Ms = ms(u.Quantile(0.99))
	}
	if s := h.Server; s != nil {
		r.ServerP50Ms = ms(s.Quantile(0.50))
		r.ServerP99Ms = ms(s.Quantile(0.99))
	}
	if q := h.Queue; q != nil {
		r.QueueP99Ms = ms(q.Quantile(0.99))
	}
	r.ServerWaitP50Ms, r.ServerWaitP99Ms, r.OverheadP50Ms, r.OverheadP99Ms = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if w := h.ServerWait; w != nil && w.Count() > 0 {
		r.ServerWaitP50Ms, r.ServerWaitP99Ms = ms(w.Quantile(0.50)), ms(w.Quantile(0.99))
	}
	if o := h.Overhead; o != nil && o.Count() > 0 {
		r.OverheadP50Ms, r.OverheadP99Ms = ms(o.Quantile(0.50)), ms(o.Quantile(0.99))
	}
}
