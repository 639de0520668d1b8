package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/benchfmt"
	"github.com/stratbench/stratbench/results/export"
	"github.com/stratbench/stratbench/results/record"
)

// The export formats.
const (
	formatBenchfmt = "benchfmt"
	formatHgrm     = "hgrm"
	formatGAB      = "github-action-benchmark"
	formatBMF      = "bmf"
	formatJSON     = "json"
)

// The two files of --format github-action-benchmark, in --out.
const (
	gabBiggerFile  = "bigger-is-better.json"
	gabSmallerFile = "smaller-is-better.json"
)

// exportCmd implements `stratbench export --format F [--out PATH]
// DIR|CSV...`: it writes the results of result folders or CSV files in
// the Go benchmark format (benchstat), the custom formats of
// github-action-benchmark, the Bencher Metric Format, or stratbench's JSON
// document of the whole sweep (docs/sweep.schema.json), to standard output
// or --out.
func exportCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench export --format F [--out PATH] DIR|CSV...\n\n"+
			"Formats:\n"+
			"  hgrm                     one cell's latency histogram (--cell, --histogram), merged over its complete\n"+
			"                           trials, as HdrHistogram's percentile distribution text (values in ms)\n"+
			"  benchfmt                 every complete trial in the Go benchmark format, one line per trial:\n"+
			"                           BenchmarkRun/strategy=pool/workload=cpu/... 1 <v> tasks/s <v> p99-ns <v> p50-ns\n"+
			"                           compare with: go tool -modfile=tools/go.mod benchstat -col /strategy a.txt\n"+
			"  github-action-benchmark  two JSON arrays for benchmark-action/github-action-benchmark, written into\n"+
			"                           the folder --out (required): "+gabBiggerFile+" (tool customBiggerIsBetter:\n"+
			"                           tasks/s per cell) and "+gabSmallerFile+" (customSmallerIsBetter: p99 ms,\n"+
			"                           and server CPU µs per task where measured, per cell); value = median over trials, range = ± half the 95% CI of the mean\n"+
			"  bmf                      Bencher Metric Format: per cell, throughput (tasks/s), latency-p99 (ns) and\n"+
			"                           server-cpu-us-per-task (µs, where measured)\n"+
			"                           with value (median), lower_value and upper_value (95% CI of the mean)\n"+
			"  json                     the whole sweep as one versioned document: sources and hosts, cells with\n"+
			"                           estimates, every trial with every CSV column (schema: docs/sweep.schema.json)")
		fs.PrintDefaults()
	}
	format := fs.String("format", formatBenchfmt, "output `format`: benchfmt, hgrm, github-action-benchmark, bmf or json")
	out := fs.String("out", "", "write to this `file` instead of standard output (a folder for github-action-benchmark)")
	hf := registerHgrmFlags(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case formatBenchfmt, formatHgrm, formatBMF, formatJSON:
	case formatGAB:
		if *out == "" {
			return usageError{errors.New("--format github-action-benchmark writes two files: give their folder with --out")}
		}
	default:
		return usageError{fmt.Errorf("--format %q is not supported; want benchfmt, hgrm, github-action-benchmark, bmf or json", *format)}
	}
	if len(rest) == 0 {
		return usageError{errors.New("give at least one result folder or CSV file")}
	}
	srcs, err := record.LoadSources(rest...)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	switch *format {
	case formatBenchfmt, formatHgrm:
		var buf bytes.Buffer
		write := func() error { return benchfmt.Write(&buf, srcs) }
		if *format == formatHgrm {
			write = func() error { return hf.write(&buf, srcs) }
		}
		if err := write(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return writeExport(*out, buf.Bytes(), stdout, stderr)
	}
	cells, err := export.Cells(srcs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch *format {
	case formatGAB:
		bigger, smaller := export.GAB(cells)
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("export: --out: %w", err)
		}
		for _, f := range []struct {
			name    string
			entries []export.GABEntry
		}{{gabBiggerFile, bigger}, {gabSmallerFile, smaller}} {
			buf.Reset()
			if err := export.WriteGAB(&buf, f.entries); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if err := writeExport(filepath.Join(*out, f.name), buf.Bytes(), stdout, stderr); err != nil {
				return err
			}
		}
		return nil
	case formatBMF:
		err = export.WriteBMF(&buf, export.BMF(cells))
	case formatJSON:
		var doc *export.Document
		if doc, err = export.NewDocument(srcs, cells); err == nil {
			err = export.WriteDocument(&buf, doc)
		}
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return writeExport(*out, buf.Bytes(), stdout, stderr)
}

// writeExport writes b to path atomically, or to stdout when path is empty.
func writeExport(path string, b []byte, stdout, stderr io.Writer) error {
	if path == "" {
		if _, err := stdout.Write(b); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("export: --out: %w", err)
	}
	fmt.Fprintln(stderr, "export: wrote", path)
	return nil
}
