// Package client is stratbench's load generator. It drives a BenchService
// with one cell's load, closed loop (a fixed number of workers, one RPC in
// flight each) or open loop (a fixed schedule of intended send times,
// measured from those times to correct for coordinated omission, as wrk2
// does), records every measured RPC into per-worker histograms merged at the
// end, and turns a trial into a record.Row and a human or JSON summary.
//
// [RunTrial] runs one trial; [Dial] and [StartLocalServer] provide what it
// runs against. Sweeps of many cells live in client/sweep, which imports
// this package; this package never imports the sweep, the server or any
// renderer of results/report.
package client
