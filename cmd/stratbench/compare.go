package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"github.com/stratbench/stratbench/results/report"
	"io"
	"os"
	"path/filepath"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/compare"
	"github.com/stratbench/stratbench/results/record"
)

// Names of the files `stratbench compare` writes.
const (
	compareCSVFile  = "compare.csv"
	compareHTMLFile = "compare.html"
)

// compareCmd implements `stratbench compare A B`: A and B are result
// folders or CSV files, typically two hosts or two versions. It matches
// their cells on job and load parameters (never host), prints a table of
// the medians, the ratios B/A of tasks/s and p99 and their Mann–Whitney U
// p-values, marking p < 0.05 and saturated clients, and writes compare.csv
// and compare.html into --out (default: the working folder).
func compareCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench compare [flags] A B\n\n"+
			"Compares two result folders or CSV files cell by cell (matched on job and load\n"+
			"parameters, never host): medians, ratio B/A of tasks/s and of p99, Mann–Whitney U\n"+
			"p-values over trials (* when p < 0.05), saturated clients flagged. Prints a table\n"+
			"and writes compare.csv and compare.html.")
		fs.PrintDefaults()
	}
	out := fs.String("out", ".", "write compare.csv and compare.html into this `folder`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usageError{fmt.Errorf("want two result folders or CSV files, A and B; got %d arguments", len(rest))}
	}
	srcs, err := record.LoadSources(rest...)
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	cmp, err := compare.Sides(compare.SideOf(srcs[0]), compare.SideOf(srcs[1]))
	if err != nil {
		return err
	}
	if err := cmp.WriteText(stdout); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("compare: --out: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{compareCSVFile, cmp.WriteCSV},
		{compareHTMLFile, func(w io.Writer) error { return report.WriteComparison(w, cmp) }},
	} {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return fmt.Errorf("compare: %s: %w", f.name, err)
		}
		path := filepath.Join(*out, f.name)
		if err := atomicfile.WriteFile(path, buf.Bytes()); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
		fmt.Fprintln(stderr, "compare: wrote", path)
	}
	if len(cmp.Cells) == 0 {
		return fmt.Errorf("compare: %s and %s have no cell in common (%d and %d cells)",
			rest[0], rest[1], len(cmp.OnlyA), len(cmp.OnlyB))
	}
	return nil
}
