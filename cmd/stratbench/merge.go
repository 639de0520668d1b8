package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
			"result folder: results.csv, hist/, hosts.json.\n\n"+
			"A trial whose measured windows started more than --window-tolerance apart\n"+
			"across the inputs (started_at) is left out and listed: those clients did not\n"+
			"load the server together. So is a trial that a client skipped on a lock-step\n"+
			"schedule (--start-at; its schedule.json records the skip).")
		fs.PrintDefaults()
	}
	tol := fs.Duration("window-tolerance", merge.DefaultWindowTolerance, "leave out trials whose measured windows started further apart than this across the inputs; 0 turns the check off")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 3 {
		return usageError{errors.New("want an output folder and at least two inputs (merge OUT IN IN…)")}
	}
	out, ins := rest[0], rest[1:]
	for i, in := range ins {
		if ins[i], err = sweepFolderIn(in); err != nil {
			return err
		}
	}
	srcs, err := record.LoadSources(ins...)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if *tol < 0 {
		return usageError{fmt.Errorf("--window-tolerance %v is negative", *tol)}
	}
	srcs, excluded, err := merge.Align(srcs, *tol)
	if err != nil {
		return err
	}
	for _, e := range excluded {
		fmt.Fprintln(stderr, "merge: left out", e)
	}
	trials, err := merge.Clients(srcs)
	if err != nil {
		return err
	}
	if len(trials) == 0 {
		return fmt.Errorf("merge: all %d trials were left out; nothing to merge", len(excluded))
	}
	if err := merge.WriteFolder(out, srcs, trials); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "merge: %d trials from %d clients (%d left out)\n", len(trials), len(srcs), len(excluded))
	fmt.Fprintln(stdout, out)
	return nil
}

// sweepFolderIn returns path, or, when path is a folder without a
// results.csv that holds exactly one result folder (a client's --reports
// folder after one sweep), that folder. It refuses a reports folder holding
// several, naming them.
func sweepFolderIn(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil || !st.IsDir() {
		return path, nil // LoadSources reports it
	}
	if _, err := os.Stat(filepath.Join(path, record.FolderCSV)); err == nil {
		return path, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return "", fmt.Errorf("merge: %w", err)
	}
	var found []string
	for _, e := range entries {
		sub := filepath.Join(path, e.Name())
		if _, err := os.Stat(filepath.Join(sub, record.FolderCSV)); e.IsDir() && err == nil {
			found = append(found, sub)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("merge: %s holds no %s, nor a result folder that does", path, record.FolderCSV)
	}
	return "", fmt.Errorf("merge: %s holds %d result folders (%s); name the one to merge", path, len(found), strings.Join(found, ", "))
}
