package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/benchfmt"
	"github.com/stratbench/stratbench/results/record"
)

// exportCmd implements `stratbench export --format benchfmt [--out FILE]
// DIR|CSV...`: it writes the complete trials of result folders or CSV files
// in the Go benchmark format, one line per trial, to standard output or
// --out, so that benchstat can compare strategies (-col /strategy) or
// hosts (-col host).
func exportCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench export --format benchfmt [--out FILE] DIR|CSV...\n\n"+
			"Writes every complete trial in the Go benchmark format, one line per trial:\n"+
			"  BenchmarkRun/strategy=pool/workload=cpu/... 1 <v> tasks/s <v> p99-ns <v> p50-ns\n"+
			"after configuration lines (goos, goarch, cpu, host, ...). Compare with benchstat:\n"+
			"  go tool -modfile=tools/go.mod benchstat a.txt b.txt\n"+
			"  go tool -modfile=tools/go.mod benchstat -col host a.txt b.txt\n"+
			"  go tool -modfile=tools/go.mod benchstat -col /strategy a.txt")
		fs.PrintDefaults()
	}
	format := fs.String("format", "benchfmt", "output `format`; only benchfmt")
	out := fs.String("out", "", "write to this `file` instead of standard output")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *format != "benchfmt" {
		return usageError{fmt.Errorf("--format %q is not supported; want benchfmt", *format)}
	}
	if len(rest) == 0 {
		return usageError{errors.New("give at least one result folder or CSV file")}
	}
	srcs, err := record.LoadSources(rest...)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var buf bytes.Buffer
	if err := benchfmt.Write(&buf, srcs); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if *out == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	if err := atomicfile.WriteFile(*out, buf.Bytes()); err != nil {
		return fmt.Errorf("export: --out: %w", err)
	}
	fmt.Fprintln(stderr, "export: wrote", *out)
	return nil
}
