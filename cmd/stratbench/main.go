// Command stratbench benchmarks Go concurrency strategies over gRPC.
//
//	stratbench serve   run the BenchService server
//	stratbench run     drive one cell (strategy × workload × load) and report it
//	stratbench sweep   run a matrix of cells and write a report folder
//	stratbench info    print a server's host fingerprint and limits
//	stratbench report  render report.html and summary.csv from results
//	stratbench compare compare two result folders, with significance tests
//	stratbench export  write results in Go benchmark format for benchstat
//	stratbench merge   add the results of several client hosts exactly
//
// Run `stratbench COMMAND -h` for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// command is one subcommand: it parses args and runs until done or ctx ends.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the BenchService server", serveCmd},
		{"run", "drive one cell and report throughput and latency", runCmd},
		{"sweep", "run a matrix of cells and write a report folder", sweepCmd},
		{"info", "print a server's host fingerprint and limits", infoCmd},
		{"report", "render report.html and summary.csv from result folders or CSVs", reportCmd},
		{"compare", "compare two result folders cell by cell, with significance", compareCmd},
		{"export", "export results in Go benchmark format for benchstat", exportCmd},
		{"merge", "merge result folders of several client hosts exactly", mergeCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the process exit code:
// 0 on success, 2 for a usage error, 1 for any other failure.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		if c.name == "run" || c.name == "sweep" {
			tuneClientGC()
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, new(usageError)):
			fmt.Fprintf(stderr, "stratbench %s: %v\n", c.name, err)
			return 2
		}
		fmt.Fprintf(stderr, "stratbench %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "stratbench: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// clientGCPercent is the load client's GOGC unless the environment sets
// one. The client's live heap is small (histograms, a few MiB) but it
// allocates per RPC, so at the default 100 it collects every few hundred
// milliseconds under load, and each cycle can delay a scheduled send past
// the 1 ms that counts as late. At 400 the heap stays in the tens of MiB
// and cycles are four times rarer: in BenchmarkOpenLoop5000 late sends fell
// from 0.9–1.0 % to 0.4–0.8 %.
const clientGCPercent = 400

// tuneClientGC applies clientGCPercent unless GOGC is set.
func tuneClientGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(clientGCPercent)
	}
}

// usageError marks an error in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: stratbench COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  version  print the version")
	fmt.Fprintln(w, "\nRun 'stratbench COMMAND -h' for a command's flags.")
}
