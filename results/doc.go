// Package results turns measurements into records a person can trust and
// compare: latency histograms with bounded relative error that merge exactly
// across workers and hosts, their files, the versioned CSV schema with one
// row per trial, and statistics across trials.
//
// The on-disk formats (CSV schema version 1, the SBH1 histogram and the SBT1
// trial file) are specified in FORMAT.md. Every file is either appended one
// synced row at a time (CSV) or replaced atomically (histogram and trial
// files), so a crash never leaves a half-written result.
//
// The package knows nothing of gRPC, the client or the server.
package results
