package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/stratbench/stratbench/results/merge"
	"github.com/stratbench/stratbench/results/record"
)

// mergeCmd implements `stratbench merge OUT IN...`: IN are the result
// folders or CSV files of several load clients that ran the same cells at
// the same time against one server. It pairs their rows by cell and trial,
// adds their histograms exactly, sums counts, rates and the load
// (concurrency, target rate, connections), recomputes the percentiles from
// the merged histograms, and writes the result folder OUT
// (results.csv, hist/, hosts.json), printing OUT as the last line of
// stdout. Inputs whose cells or trials differ are refused, naming the cell.
func mergeCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench merge OUT IN IN...\n\n"+
			"Merges the results of load clients that ran the same cells at the same time\n"+
			"against one server (for example the pods of deploy/k8s/): histograms added\n"+
			"exactly, throughputs and counts summed, percentiles recomputed. OUT is a new\n"+
			"result folder: results.csv, hist/, hosts.json.")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 3 {
		return usageError{errors.New("want an output folder and at least two inputs (merge OUT IN IN…)")}
	}
	out, ins := rest[0], rest[1:]
	srcs, err := record.LoadSources(ins...)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	trials, err := merge.Clients(srcs)
	if err != nil {
		return err
	}
	if err := merge.WriteFolder(out, srcs, trials); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "merge: %d trials from %d clients\n", len(trials), len(srcs))
	fmt.Fprintln(stdout, out)
	return nil
}
