package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
)

// reportCmd implements `stratbench report DIR|CSV...`: it reads result
// folders (their results.csv and hosts.json) or CSV files, summarises every
// cell over its complete trials and writes report.html and summary.csv
// beside the first input (into it when it is a folder, into the CSV's
// folder otherwise) or into --out. It prints the path of report.html as
// the last line of stdout.
func reportCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench report [flags] DIR|CSV...\n\n"+
			"Summarises result folders or CSV files into summary.csv (one row per cell: medians,\n"+
			"95% confidence intervals, bound, efficiency, scalability fit) and report.html (a\n"+
			"self-contained page of charts that opens offline), written beside the first input.")
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "write into this `folder` instead of beside the first input")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError{errors.New("give at least one result folder or CSV file")}
	}
	srcs, err := record.LoadSources(rest...)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	rep, err := newReport(srcs)
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Dir(srcs[0].CSV)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	path, err := report.Write(dir, rep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "report: %d cells from %d rows; wrote %s\n", len(rep.Cells), countRows(srcs), filepath.Join(dir, report.SummaryFile))
	fmt.Fprintln(stdout, path)
	return nil
}

// newReport summarises the rows of srcs and gathers their hosts and the
// period they were measured in.
func newReport(srcs []*record.Source) (report.Report, error) {
	var rep report.Report
	var rows []record.Row
	for _, s := range srcs {
		rows = append(rows, s.Rows...)
		rep.Hosts = append(rep.Hosts, report.HostsOf(s)...)
		rep.Sources = append(rep.Sources, s.Path)
	}
	cells, err := cell.Summarize(rows)
	if err != nil {
		return rep, fmt.Errorf("report: %w", err)
	}
	if len(cells) == 0 {
		return rep, fmt.Errorf("report: no complete trial in %d rows", len(rows))
	}
	rep.Cells = cells
	rep.From, rep.To = measuredPeriod(rows)
	return rep, nil
}

// measuredPeriod returns when the first trial of rows started and the last
// one ended (its start plus warm-up and measured duration).
func measuredPeriod(rows []record.Row) (from, to time.Time) {
	for _, r := range rows {
		if r.StartedAt.IsZero() {
			continue
		}
		end := r.StartedAt.Add(time.Duration(math.Round((r.WarmupS + r.DurationS) * float64(time.Second))))
		if from.IsZero() || r.StartedAt.Before(from) {
			from = r.StartedAt
		}
		if end.After(to) {
			to = end
		}
	}
	return from, to
}

// countRows returns the number of rows in srcs.
func countRows(srcs []*record.Source) int {
	n := 0
	for _, s := range srcs {
		n += len(s.Rows)
	}
	return n
}
