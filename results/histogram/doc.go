// Package histogram holds the latency histogram that is stratbench's unit of
// record: log-linear buckets with bounded relative error (within 0.78%),
// exact count, min, max and mean, no allocation per Record, and an exact,
// associative Merge across workers, trials and hosts. It also holds the
// SBH1 file of one histogram and the SBT1 trial file of one trial's
// histograms ([Trial]); both are specified in results/FORMAT.md and
// replaced atomically.
//
// No library is used: the histogram must keep exact min, max and mean,
// record without allocating and merge exactly, in a file format of its own.
//
// It imports nothing of the project but internal/atomicfile; never gRPC,
// the client or the server.
package histogram
