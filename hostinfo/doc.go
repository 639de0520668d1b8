// Package hostinfo describes the host a benchmark runs on and the CPU the
// benchmarking process itself uses.
//
// A [Fingerprint] records what makes numbers from two hosts comparable or not:
// CPU model, logical CPUs, GOMAXPROCS, cgroup CPU quota, memory, and the Go,
// grpc-go and stratbench versions. Both the server and the client collect one
// per run with [Collect].
//
// A [CPUMeter] measures the share of its available CPU a process used over an
// interval, so that a load client can report its own saturation: a number
// measured by a saturated client is not the server's limit.
//
// The Parse functions read the Linux /proc and cgroup file formats from
// memory, so they work on any text, including files copied from another host.
package hostinfo
