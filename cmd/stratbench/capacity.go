package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/capacity"
	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/results/report"
	"github.com/stratbench/stratbench/results/slo"
)

// capacityCmd implements `stratbench capacity`: for the cell of the job
// flags, or every job of --matrix, it searches the highest open-loop rate
// that meets --slo and --max-error-rate (see capacity.Search), writes
// capacity.csv and the probes' histograms into a new report folder under
// --reports, prints a table, and prints the folder as the last line of
// stdout. Probe lines go to stderr.
func capacityCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("capacity", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench capacity --slo p99=50ms [--max-error-rate 0.1%] [job flags | --matrix M] [flags]\n\n"+
			"Finds, per cell, the highest open-loop rate whose trials all meet the objective, and writes\n"+
			"reports/<server host>-<UTC time>/capacity.csv with every probe; `stratbench report` renders it.")
		fs.PrintDefaults()
	}
	var conn connFlags
	var job jobFlags
	conn.register(fs)
	job.register(fs)
	sloFlag := fs.String("slo", "p99=50ms", "latency objective PERCENTILE=DURATION, p50 … p99.9")
	errRate := fs.String("max-error-rate", "0.1%", "most failed requests allowed, a percentage or a fraction")
	matrix := fs.String("matrix", "", "search every job of a matrix instead of the job flags: "+capacity.BuiltinMatrixName+
		" (built in), "+strings.Join(sweep.BuiltinMatrixNames, ", ")+" or a JSON matrix `file`; its load axis is ignored")
	var s capacity.Search
	fs.Float64Var(&s.Start, "start", 10, "first offered rate, requests/s")
	fs.Float64Var(&s.Growth, "growth", 2, "factor between rates while growing")
	fs.Float64Var(&s.Precision, "precision", 0.05, "relative precision the bisection stops at")
	fs.IntVar(&s.Trials, "trials", 3, "passing trials needed at the answer")
	fs.Float64Var(&s.MaxRate, "max-rate", 1e6, "highest rate tried, requests/s")
	fs.IntVar(&s.MaxProbes, "max-probes", 64, "most probes per cell")
	warmup := fs.Duration("warmup", 200*time.Millisecond, "warm-up of each probe, excluded from its figures")
	duration := fs.Duration("duration", time.Second, "measured phase of each probe")
	timeout := fs.Duration("timeout", 10*time.Second, "deadline of each RPC")
	maxInFlight := fs.Int("max-in-flight", capacity.DefaultMaxInFlight, "most outstanding RPCs; a probe that reaches it is client limited")
	maxLate := fs.String("max-late", "5%", "fraction of late sends past which a probe is client limited (the client's saturation rule is 5%); raise it only on a host whose timers are late")
	reports := fs.String("reports", "reports", "`folder` in which to make the report folder")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	obj, err := capacity.ParseSLO(*sloFlag)
	if err != nil {
		return usageError{fmt.Errorf("--slo: %w", err)}
	}
	if obj.MaxErrorRate, err = capacity.ParseErrorRate(*errRate); err != nil {
		return usageError{fmt.Errorf("--max-error-rate: %w", err)}
	}
	maxLateFrac, err := capacity.ParseErrorRate(*maxLate)
	if err != nil {
		return usageError{fmt.Errorf("--max-late: %w", err)}
	}
	if maxLateFrac == 0 {
		return usageError{errors.New("--max-late 0: one late send would refuse every probe; give a fraction above 0")}
	}
	planned, err := s.MaxProbesPlanned()
	if err != nil {
		return usageError{err}
	}
	switch {
	case *warmup < 0:
		return usageError{fmt.Errorf("--warmup %v is negative", *warmup)}
	case *duration <= 0:
		return usageError{fmt.Errorf("--duration %v is not above 0", *duration)}
	case *timeout <= 0:
		return usageError{fmt.Errorf("--timeout %v is not above 0", *timeout)}
	case *maxInFlight < 1 || *maxInFlight > client.MaxOpenInFlight:
		return usageError{fmt.Errorf("--max-in-flight %d is outside [1, %d]", *maxInFlight, client.MaxOpenInFlight)}
	}
	load := client.Load{Mode: client.Open, Rate: s.Start, MaxInFlight: *maxInFlight, Connections: conn.connections,
		Warmup: *warmup, Duration: *duration, Timeout: *timeout}
	var m *sweep.Matrix
	var cells []client.Cell
	if *matrix != "" {
		for _, f := range []string{"strategy", "workload", "scope", "tasks", "parallelism", "cpu-iterations", "io-latency", "sync", "lock-order", "accounts"} {
			if set[f] {
				return usageError{fmt.Errorf("--%s and --matrix are both set: the matrix gives the jobs", f)}
			}
		}
		if *matrix == capacity.BuiltinMatrixName {
			m = capacity.BuiltinMatrix()
		} else if m, err = sweep.LoadMatrix(*matrix); err != nil {
			return usageError{err}
		}
		if !set["connections"] {
			conn.connections = slices.Max(m.Connections)
		}
		if cells, err = capacity.JobCells(m, load); err != nil {
			return usageError{err}
		}
	} else {
		req, err := job.request(set)
		if err != nil {
			return usageError{err}
		}
		cells = []client.Cell{{Job: req, Load: load}}
	}
	perProbe := *warmup + *duration + *timeout
	fmt.Fprintf(stderr, "capacity: %d cell(s) under %s; at most %d probes per cell, each at most %v (warm-up, measured phase, drain within the RPC timeout): at most %v in all\n",
		len(cells), obj, planned, perProbe, time.Duration(len(cells)*planned)*perProbe)

	sess, err := conn.connect(ctx, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := sess.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	for _, c := range cells {
		if err := checkLimits(c.Job, sess.Info.GetLimits()); err != nil {
			return usageError{fmt.Errorf("%s: cell %s: %w", sess.Target, capacity.Label(c), err)}
		}
	}
	dir, err := sweep.NewFolder(*reports, m, sess.Info, sess.Client)
	if err != nil {
		return err
	}
	results, runErr := capacity.RunCells(ctx, sess.Conns, cells, capacity.Cells{
		Dir: dir, RunID: filepath.Base(dir), ServerHost: sess.Info.GetHostname(),
		Objective: obj, Search: s, MaxLateFraction: maxLateFrac, Progress: stderr,
	})
	if err := writeCapacityTable(stdout, obj, results); err != nil {
		runErr = errors.Join(runErr, err)
	}
	if rows, err := slo.ReadFile(filepath.Join(dir, slo.FileName)); err == nil && len(rows) > 0 {
		page, err := report.WriteCapacity(dir, rows)
		if err != nil {
			runErr = errors.Join(runErr, err)
		} else {
			fmt.Fprintf(stderr, "capacity: wrote %s\n", page)
		}
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		runErr = errors.Join(runErr, err)
	}
	fmt.Fprintln(stdout, dir)
	return runErr
}

// writeCapacityTable writes one line per cell: its label, the capacity in
// requests and tasks per second, the probes it took and the outcome.
func writeCapacityTable(w io.Writer, obj capacity.Objective, results []capacity.CellResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cell\tcapacity req/s\ttasks/s\tprobes\toutcome\t(under %s)\n", obj)
	for _, r := range results {
		rps, tps := "-", "-"
		if r.Err == nil {
			rps, tps = fmt.Sprintf("%.4g", r.Result.Capacity), fmt.Sprintf("%.4g", r.TasksPerS())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t\n", capacity.Label(r.Cell), rps, tps, len(r.Result.Probes), r.Outcome())
	}
	return tw.Flush()
}
