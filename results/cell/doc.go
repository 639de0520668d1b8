// Package cell summarises a sweep's rows cell by cell: [Summarize] groups
// the rows of one [record.Row.CellKey] on one server host into a [Summary]
// (estimates of throughput and latency over complete trials, the USL fit of
// its group, saturation), [Bound] is the theoretical throughput a cell
// could reach from its job and load, [Efficiency] the measured share of
// it, and [Label] a short name of a cell for people.
//
// It imports record, stats and usl of the project; never gRPC, the client,
// the server or any renderer.
package cell
