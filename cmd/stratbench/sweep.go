package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stratbench/stratbench/client/sweep"
)

// sweepCmd implements `stratbench sweep`: it runs every trial of a matrix
// (--matrix smoke, default, shared or a JSON file) against --target, or against a
// local server it starts, writing a report folder under --reports, and
// prints that folder as the last line of stdout, also when the sweep is
// interrupted or fails part way. Progress goes to stderr: a redrawn line on
// a terminal, one line per trial otherwise.
//
// --resume DIR completes the sweep of an existing report folder instead,
// with the matrix saved there; --matrix may not be given with it.
// --connections defaults to the matrix's largest connections value.
func sweepCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench sweep [flags]\n\n"+
			"Runs every cell of a matrix for its trials and writes reports/<server host>-<UTC time>/:\n"+
			"results.csv, hist/, hosts.json and matrix.json. Ctrl-C keeps the completed rows;\n"+
			"--resume DIR runs what is missing.")
		fs.PrintDefaults()
	}
	var conn connFlags
	conn.register(fs)
	matrix := fs.String("matrix", "default", "a built-in matrix ("+strings.Join(sweep.BuiltinMatrixNames, ", ")+") or a JSON matrix `file` (see sweep.Matrix)")
	reports := fs.String("reports", "reports", "`folder` in which to make the report folder")
	resume := fs.String("resume", "", "complete the sweep in this report `folder`, with its matrix.json")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var m *sweep.Matrix
	if *resume != "" {
		if set["matrix"] || set["reports"] {
			return fmt.Errorf("sweep: --resume %s continues that folder with its own %s; drop --matrix and --reports", *resume, sweep.MatrixFile)
		}
		m, err = sweep.LoadMatrix(filepath.Join(*resume, sweep.MatrixFile))
	} else {
		m, err = sweep.LoadMatrix(*matrix)
	}
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	need := slices.Max(m.Connections)
	switch {
	case !set["connections"]:
		conn.connections = need
	case conn.connections < need:
		return fmt.Errorf("sweep: --connections %d is below the matrix's largest connections value %d", conn.connections, need)
	}

	s, err := conn.connect(ctx, stderr)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	defer func() {
		if cerr := s.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("sweep: %w", cerr))
		}
	}()
	opts := sweep.Options{
		Server:     s.Info,
		Client:     s.Client,
		ReportsDir: *reports,
		Resume:     *resume,
		Progress:   stderr,
		Terminal:   sweep.IsTerminal(stderr),
	}
	if *resume != "" {
		m = nil // Sweep reads it again, from the folder it resumes
	}
	dir, err := sweep.Run(ctx, s.Conns, m, opts)
	if err != nil && conn.target != "" && strings.HasSuffix(err.Error(), "--resume "+dir) {
		// Complete the resume command that Sweep's error ends with.
		err = fmt.Errorf("%w%s", err, conn.resumeFlags())
	}
	if dir != "" {
		fmt.Fprintln(stdout, dir)
	}
	return err
}
