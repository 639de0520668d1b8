// Package report renders the results of a sweep for people: summary.csv,
// one row per cell over its trials, and report.html, a single self-contained
// page of inline SVG charts (throughput against load with the fitted
// Universal Scalability Law, latency percentiles, efficiency against the
// bound, the split of client latency into server time and overhead; for
// the shared-state workloads, throughput against lost updates per sync
// mode and a table of transfer invariants and lock retries), the hosts'
// fingerprints and the formulas behind every derived number.
//
// The page needs nothing but itself: no script, style sheet, font or image
// is fetched, and it holds no http:// or https:// address, so it opens
// offline and can be mailed or archived as one file. All text is escaped.
//
// The charts are drawn by small pure functions (scales, ticks, paths) over
// [cell.Summary] values; the package computes no statistics of its
// own beyond choosing what to plot.
package report
