// Package results is the root of the packages that turn measurements into
// records a person can trust and compare. It holds no code; its
// subpackages, in the order the data flows:
//
//   - [github.com/stratbench/stratbench/results/histogram]: the latency
//     histogram (bounded relative error, exact merge), its SBH1 file and the
//     SBT1 trial file of one trial's histograms.
//   - [github.com/stratbench/stratbench/results/record]: the versioned CSV
//     record, one Row per trial: columns, reader, writer, the
//     result folder layout (Load) and hosts.json.
//   - [github.com/stratbench/stratbench/results/stats]: statistics across
//     trials: estimates with confidence intervals, the Mann–Whitney U test.
//   - [github.com/stratbench/stratbench/results/usl]: the Universal
//     Scalability Law fit.
//   - [github.com/stratbench/stratbench/results/cell]: per-cell summaries of
//     a sweep's rows, the theoretical throughput bound and efficiency.
//   - [github.com/stratbench/stratbench/results/compare]: two result sets
//     compared cell by cell, as text and CSV.
//   - [github.com/stratbench/stratbench/results/merge]: the folders of load
//     clients that ran the same cells at once, merged into one.
//   - [github.com/stratbench/stratbench/results/benchfmt]: rows in the Go
//     benchmark format that benchstat reads.
//   - [github.com/stratbench/stratbench/results/report]: every HTML and SVG
//     renderer (report.html, compare.html) and summary.csv.
//
// The on-disk formats (CSV schema version 1, the SBH1 histogram and the SBT1
// trial file) are specified in FORMAT.md. Every file is either appended one
// synced row at a time (CSV) or replaced atomically (histogram and trial
// files), so a crash never leaves a half-written result.
//
// No results package imports gRPC, the client or the server; only report
// renders HTML.
package results
