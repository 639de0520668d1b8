// Package benchfmt writes result rows in the Go benchmark format
// (golang.org/x/perf/benchfmt) so benchstat can compare stratbench runs:
// [Write] emits one benchmark line per complete trial, named by [Name].
//
// It imports record and internal/errwriter of the project; never gRPC,
// the client or the server.
package benchfmt
