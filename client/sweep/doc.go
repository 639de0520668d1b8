// Package sweep runs a matrix of cells against a server and records every
// trial: [Matrix] (built-in or JSON, validated), its cells and planned
// trials, [Run] (cell scheduling, the result folder, resume after a crash
// or interrupt, stopping after [MaxFailedTrialsInARow] failed trials) and
// the progress display ([Progress]). Each trial is run by the load
// generator, client.RunTrial, and written as a record.Row.
//
// It imports client, hostinfo, the proto, internal/atomicfile and the
// results packages it records with; never server, strategies, workload or
// report.
package sweep
