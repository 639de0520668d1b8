// Package record holds the CSV record of a sweep, the published format of
// results/FORMAT.md: [Row] (one trial) and its columns, [Header],
// [SchemaVersion], the strict reader ([ReadCSV]), the synced appending
// [Writer], a row's latency columns from a trial's histograms
// ([Row.SetLatency]), the result folder layout (results.csv, hist/,
// hosts.json) and [Load] of a folder as a [Source], and hosts.json
// ([ParseHosts]). Strings read from a file are untrusted and checked on
// arrival.
//
// It imports histogram of the project; never gRPC, the client, the
// server or any renderer.
package record
