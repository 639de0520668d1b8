package capacity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/slo"
)

// Cells configures [RunCells]. Dir is required.
type Cells struct {
	// Dir is the report folder: capacity.csv is written there and each
	// probe's histograms under its hist folder.
	Dir string
	// RunID and ServerHost fill the CSV's columns of the same names.
	RunID, ServerHost string
	Objective         Objective
	Search            Search
	// MaxLateFraction is TrialProber.MaxLateFraction of every probe.
	MaxLateFraction float64
	// Progress, if not nil, receives one line per probe and per cell.
	Progress io.Writer
}

// CellResult is one cell's search.
type CellResult struct {
	Cell   client.Cell
	Result Result
	// Err is why the search found no capacity, or nil.
	Err error
}

// Label returns c's name without its load level, such as "pool/cpu" or
// "pool/io/server".
func Label(c client.Cell) string {
	l, _, _ := strings.Cut(c.Label(), " ")
	return l
}

// TasksPerS returns the capacity in tasks per second: the capacity in
// jobs per second times the job's tasks.
func (c CellResult) TasksPerS() float64 {
	return c.Result.Capacity * float64(c.Cell.Job.GetTasks())
}

// Outcome returns the CSV's outcome word of the search.
func (c CellResult) Outcome() string {
	switch {
	case c.Err == nil:
		return slo.OutcomeFound
	case errors.Is(c.Err, ErrClientLimited):
		return slo.OutcomeClientLimited
	case errors.Is(c.Err, ErrNoPassingRate):
		return slo.OutcomeNoPassingRate
	case errors.Is(c.Err, ErrAboveMaxRate):
		return slo.OutcomeAboveMaxRate
	case errors.Is(c.Err, ErrProbeLimit):
		return slo.OutcomeProbeLimit
	case errors.Is(c.Err, context.Canceled), errors.Is(c.Err, context.DeadlineExceeded):
		return slo.OutcomeInterrupted
	}
	return slo.OutcomeError
}

// RunCells searches the capacity of each cell in turn over conns (the
// cell's Load gives connections, warm-up, duration, timeout and max in
// flight; the rate is the search's), and rewrites o.Dir/capacity.csv
// atomically after each cell with every probe so far. A cell whose search
// fails keeps its probes in the file with its outcome word, and the next
// cell runs. RunCells stops early, with the results so far and an error,
// when ctx ends or a file cannot be written.
func RunCells(ctx context.Context, conns []grpc.ClientConnInterface, cells []client.Cell, o Cells) ([]CellResult, error) {
	if err := os.MkdirAll(filepath.Join(o.Dir, record.FolderHist), 0o755); err != nil {
		return nil, fmt.Errorf("capacity: %w", err)
	}
	var out []CellResult
	var rows []slo.Row
	for _, c := range cells {
		var saveErr error
		p := &TrialProber{Conns: conns, Cell: c, Quantile: o.Objective.Quantile, MaxLateFraction: o.MaxLateFraction}
		hists := map[int]string{}
		p.OnTrial = func(t *client.Trial) {
			rel := path.Join(record.FolderHist, c.FileLabel()+"-"+o.Objective.Name()+"-p"+strconv.Itoa(t.Index)+".sbt")
			if err := histogram.WriteTrialFile(filepath.Join(o.Dir, filepath.FromSlash(rel)), &t.Hist); err != nil {
				saveErr = errors.Join(saveErr, err)
				return
			}
			hists[t.Index] = rel
		}
		var pw io.Writer = io.Discard
		if o.Progress != nil {
			pw = o.Progress
		}
		logged := ProberFunc(func(ctx context.Context, rate float64) (Probe, error) {
			pr, err := p.Probe(ctx, rate)
			if err == nil {
				v, why := o.Objective.judge(pr)
				fmt.Fprintf(pw, "  %s r=%.4g: achieved %.4g/s, %s %v, errors %.3g%%: %v %s\n", Label(c), rate, pr.Achieved,
					o.Objective.Name(), pr.Objective.Round(10*time.Microsecond), pr.ErrorRate*100, v, why)
			}
			return pr, err
		})
		res, err := o.Search.Run(ctx, logged, o.Objective)
		cr := CellResult{Cell: c, Result: res, Err: err}
		out = append(out, cr)
		rows = append(rows, cr.rows(o, hists)...)
		if werr := errors.Join(saveErr, slo.WriteFile(filepath.Join(o.Dir, slo.FileName), rows)); werr != nil {
			return out, fmt.Errorf("capacity: %w", werr)
		}
		if err != nil {
			fmt.Fprintf(pw, "%s: no capacity: %v\n", Label(c), err)
		} else {
			fmt.Fprintf(pw, "%s: capacity %.4g requests/s under %s after %d probes\n", Label(c), res.Capacity, o.Objective, len(res.Probes))
		}
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	return out, nil
}

// rows returns the CSV rows of c's probes; hists maps a probe's step to
// its trial file.
func (c CellResult) rows(o Cells, hists map[int]string) []slo.Row {
	rec := c.Cell.Columns()
	base := slo.Row{
		SchemaVersion: slo.SchemaVersion, RunID: o.RunID, ServerHost: o.ServerHost,
		Strategy: rec.Strategy, Workload: rec.Workload, Scope: rec.Scope, Tasks: rec.Tasks,
		Parallelism: rec.Parallelism, CPUIterations: rec.CPUIterations, IOLatencyMs: rec.IOLatencyMs,
		Sync: rec.Sync, LockOrder: rec.LockOrder, Accounts: rec.Accounts, Connections: rec.Connections,
		MaxInFlight: max(c.Cell.Load.MaxInFlight, 0), WarmupS: rec.WarmupS, DurationS: rec.DurationS,
		Objective: o.Objective.String(), Quantile: o.Objective.Quantile, BoundMs: ms(o.Objective.Bound),
		MaxErrorRate: o.Objective.MaxErrorRate, CapacityRPS: c.Result.Capacity, CapacityTasksPerS: c.TasksPerS(),
		Outcome: c.Outcome(),
	}
	if base.MaxInFlight == 0 {
		base.MaxInFlight = DefaultMaxInFlight
	}
	rows := make([]slo.Row, len(c.Result.Probes))
	for i, p := range c.Result.Probes {
		r := base
		r.Step, r.Phase, r.OfferedRPS, r.AchievedRPS, r.TasksPerS = p.Step, string(p.Phase), p.Rate, p.Achieved, p.TasksPerS
		r.Requests, r.Errors, r.ErrorRate = p.Requests, p.Errors, p.ErrorRate
		r.P50Ms, r.P90Ms, r.P99Ms, r.P999Ms, r.MaxMs, r.ObjectiveMs = ms(p.P50), ms(p.P90), ms(p.P99), ms(p.P999), ms(p.Max), ms(p.Objective)
		r.Verdict, r.Reason, r.Histogram = p.Verdict.String(), p.Reason, hists[p.Step]
		r.LateFraction = p.LateFraction
		rows[i] = r
	}
	return rows
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
