package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// maxRunTrials is the most --trials.
const maxRunTrials = 1000

// loadFlags are the flags of `stratbench run` that say how hard and how
// long to drive the server.
type loadFlags struct {
	concurrency int
	rate        float64
	maxInFlight int
	duration    time.Duration
	requests    int
	warmup      time.Duration
	trials      int
	timeout     time.Duration
}

func (l *loadFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&l.concurrency, "concurrency", 4, "closed loop: workers, one RPC in flight each")
	fs.Float64Var(&l.rate, "rate", 0, "open loop: requests per second on a fixed schedule (instead of --concurrency)")
	fs.IntVar(&l.maxInFlight, "max-in-flight", 1000, "open loop: most outstanding RPCs; sends beyond it wait and count as late")
	fs.DurationVar(&l.duration, "duration", 10*time.Second, "measured phase of each trial (or use --requests)")
	fs.IntVar(&l.requests, "requests", 0, "measured RPCs per trial, instead of --duration")
	fs.DurationVar(&l.warmup, "warmup", time.Second, "warm-up before each trial's measured phase, excluded from every figure")
	fs.IntVar(&l.trials, "trials", 1, "repetitions of the cell")
	fs.DurationVar(&l.timeout, "timeout", 30*time.Second, "deadline of each RPC; 0 means none")
}

// load returns the flags as a client.Load using connections connections.
// set holds the names of the flags given on the command line. Errors name
// the flag and the limit.
func (l *loadFlags) load(set map[string]bool, connections int) (client.Load, error) {
	load := client.Load{Connections: connections, Warmup: l.warmup, Timeout: l.timeout}
	switch {
	case set["rate"] && set["concurrency"]:
		return load, errors.New("--rate and --concurrency are both set: give --concurrency for a closed loop or --rate for an open loop")
	case set["rate"]:
		if !(l.rate > 0 && l.rate <= client.MaxRate) {
			return load, fmt.Errorf("--rate %v is outside (0, %g] requests/s", l.rate, float64(client.MaxRate))
		}
		if l.maxInFlight < 1 || l.maxInFlight > client.MaxOpenInFlight {
			return load, fmt.Errorf("--max-in-flight %d is outside [1, %d]", l.maxInFlight, client.MaxOpenInFlight)
		}
		load.Mode, load.Rate, load.MaxInFlight = client.Open, l.rate, l.maxInFlight
	default:
		if l.concurrency < 1 || l.concurrency > client.MaxConcurrency {
			return load, fmt.Errorf("--concurrency %d is outside [1, %d]", l.concurrency, client.MaxConcurrency)
		}
		load.Mode, load.Concurrency = client.Closed, l.concurrency
	}
	switch {
	case set["requests"] && set["duration"]:
		return load, errors.New("--requests and --duration are both set: give one")
	case set["requests"]:
		if l.requests < 1 {
			return load, fmt.Errorf("--requests %d is below 1", l.requests)
		}
		load.Requests = l.requests
	default:
		if l.duration <= 0 {
			return load, fmt.Errorf("--duration %v is not above 0", l.duration)
		}
		load.Duration = l.duration
	}
	switch {
	case l.warmup < 0:
		return load, fmt.Errorf("--warmup %v is negative", l.warmup)
	case l.timeout < 0:
		return load, fmt.Errorf("--timeout %v is negative", l.timeout)
	case l.trials < 1 || l.trials > maxRunTrials:
		return load, fmt.Errorf("--trials %d is outside [1, %d]", l.trials, maxRunTrials)
	}
	if err := load.Validate(); err != nil { // a backstop: the checks above name the flags
		return load, err
	}
	return load, nil
}

// runCmd implements `stratbench run`: it drives one cell (a job and a load)
// for --trials trials against --target, or against a local server it starts,
// and prints a summary table, or JSON with --json. With --out FILE.csv it
// appends one row per trial as the trial ends, and saves the trial's
// histograms under FILE.hist/RUN_ID/ beside the CSV.
func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: stratbench run [flags]\n\nDrives one cell (a job and a load) against a server and reports throughput and latency.")
		fs.PrintDefaults()
	}
	var conn connFlags
	var job jobFlags
	var lf loadFlags
	conn.register(fs)
	job.register(fs)
	lf.register(fs)
	out := fs.String("out", "", "append one row per trial to this CSV `file` and save histograms beside it")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	req, err := job.request(set)
	if err != nil {
		return usageError{err}
	}
	load, err := lf.load(set, conn.connections)
	if err != nil {
		return usageError{err}
	}
	cell := client.Cell{Job: req, Load: load}

	var w *record.Writer
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		if w, err = record.OpenWriter(*out); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		defer func() {
			if cerr := w.Close(); cerr != nil {
				err = errors.Join(err, fmt.Errorf("--out: %w", cerr))
			}
		}()
	}
	s, err := conn.connect(ctx, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	if err := checkLimits(req, s.Info.GetLimits()); err != nil {
		return usageError{fmt.Errorf("%s: %w", s.Target, err)}
	}

	runID, err := newRunID()
	if err != nil {
		return err
	}
	var trials []*client.Trial
	var runErr error
	for i := 1; i <= lf.trials && runErr == nil; i++ {
		fmt.Fprintf(stderr, "trial %d/%d: %s\n", i, lf.trials, cell.Label())
		t, err := client.RunTrial(ctx, s.Conns, cell, i, nil)
		runErr = err
		if t == nil {
			break
		}
		trials = append(trials, t)
		if w != nil {
			if err := saveTrial(w, *out, runID, t, s); err != nil {
				runErr = errors.Join(runErr, err)
			}
		}
	}
	if len(trials) > 0 {
		write := client.WriteSummary
		if *asJSON {
			write = client.WriteSummaryJSON
		}
		if err := write(stdout, trials); err != nil {
			return errors.Join(runErr, fmt.Errorf("write summary: %w", err))
		}
	}
	if runErr != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted after %d of %d trials; completed rows are kept: %w", len(trials), lf.trials, runErr)
		}
		return runErr
	}
	return nil
}

// saveTrial writes t's histograms into the folder beside the CSV at
// csvPath, then its row, naming that file, through w: a row never names a
// missing file.
func saveTrial(w *record.Writer, csvPath, runID string, t *client.Trial, s *session) error {
	row := t.Row(runID, s.Info, s.Client)
	base := filepath.Base(csvPath)
	rel := path.Join(strings.TrimSuffix(base, filepath.Ext(base))+".hist", runID,
		t.Cell.FileLabel()+"-t"+strconv.Itoa(t.Index)+".sbt")
	file := filepath.Join(filepath.Dir(csvPath), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("save histograms: %w", err)
	}
	if err := histogram.WriteTrialFile(file, &t.Hist); err != nil {
		return fmt.Errorf("save histograms of trial %d: %w", t.Index, err)
	}
	row.Histogram = rel
	if err := w.Write(row); err != nil {
		return fmt.Errorf("--out: trial %d: %w", t.Index, err)
	}
	return nil
}

// newRunID returns 8 random bytes in hex, identifying one invocation.
func newRunID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a run id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
