package sweep

import (
	"context"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// sweeper runs the trials of one sweep and records them.
type sweeper struct {
	conns   []grpc.ClientConnInterface
	dir     string
	runID   string
	w       *record.Writer
	opts    Options
	display *progressDisplay

	rows         int // rows in the CSV, which numbers the histogram files
	failedInARow int // trials in a row without a successful RPC
	incomplete   int // trials recorded with complete=false
}

// run runs the planned trial p and records it. It returns an error that
// ends the sweep: ctx ended, a file could not be written, the trial could
// not run, or too many trials in a row failed outright.
func (s *sweeper) run(ctx context.Context, p PlannedTrial) error {
	label := p.Label()
	s.display.begin(label)
	t, err := client.RunTrial(ctx, s.conns, p.Cell, p.Index, s.display.live)
	if t == nil {
		s.display.end(0, 0, 0, "not run")
		return fmt.Errorf("sweep: trial %s: %w", label, err)
	}
	cancelled := err != nil && ctx.Err() != nil
	if cancelled && t.Requests == 0 {
		s.display.end(0, 0, 0, "interrupted")
		return interrupted(s.dir, ctx.Err())
	}

	row := t.Row(s.runID, s.opts.Server, s.opts.Client)
	// A trial without one successful RPC measured nothing, and one that
	// lost the server part way (UNAVAILABLE: killed, restarted, unreachable)
	// measured an outage rather than the cell: keep their error counts on
	// record, but let a resume run them again.
	failed := t.Errors == t.Requests
	if failed || t.ErrorsByCode[codes.Unavailable] > 0 {
		row.Complete = false
	}
	if werr := s.record(&row, t, p); werr != nil {
		s.display.end(t.Throughput(), t.Hist.Latency.Quantile(0.99), t.Errors, "not recorded")
		return werr
	}
	s.display.end(t.Throughput(), t.Hist.Latency.Quantile(0.99), t.Errors, trialNote(t, row.Complete, cancelled))
	if !row.Complete {
		s.incomplete++
	}

	switch {
	case cancelled:
		return interrupted(s.dir, ctx.Err())
	case err != nil:
		return fmt.Errorf("sweep: trial %s: %w; resume with: stratbench sweep --resume %s", label, err, s.dir)
	case failed:
		s.failedInARow++
		if s.failedInARow >= MaxFailedTrialsInARow {
			return fmt.Errorf("sweep: %d trials in a row had no successful RPC (the last, %s: %s); is the server up and are the cells within its limits? resume with: stratbench sweep --resume %s",
				s.failedInARow, label, codeCounts(t.ErrorsByCode, t.Requests), s.dir)
		}
	default:
		s.failedInARow = 0
	}
	return nil
}

// record writes t's histogram bundle, then its row, so that a row never
// names a missing file.
func (s *sweeper) record(row *record.Row, t *client.Trial, p PlannedTrial) error {
	label := p.Label()
	// The row number keeps names unique when a trial runs again on resume.
	rel := path.Join(HistDir, fmt.Sprintf("%04d-%s.sbt", s.rows+1, p.Cell.FileLabel()+"-t"+strconv.Itoa(p.Index)))
	if err := histogram.WriteTrialFile(filepath.Join(s.dir, filepath.FromSlash(rel)), &t.Hist); err != nil {
		return fmt.Errorf("sweep: trial %s: %w", label, err)
	}
	row.Histogram = rel
	if err := s.w.Write(*row); err != nil {
		return fmt.Errorf("sweep: trial %s: %w", label, err)
	}
	s.rows++
	return nil
}

// trialNote is the progress note of a finished trial.
func trialNote(t *client.Trial, complete, cancelled bool) string {
	var notes []string
	switch {
	case cancelled:
		notes = append(notes, "interrupted")
	case !complete:
		notes = append(notes, "incomplete")
	}
	if t.Errors > 0 {
		notes = append(notes, codeCounts(t.ErrorsByCode, t.Requests))
	}
	if t.Saturated {
		notes = append(notes, "CLIENT SATURATED")
	}
	return strings.Join(notes, "  ")
}

// codeCounts renders error counts by code, such as
// "UNAVAILABLE=12 of 40 RPCs", codes in numeric order, named by
// [CodeName].
func codeCounts(byCode map[codes.Code]uint64, requests uint64) string {
	if requests == 0 {
		return "no RPC ended"
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(byCode)) {
		parts = append(parts, client.CodeName(c)+"="+strconv.FormatUint(byCode[c], 10))
	}
	if len(parts) == 0 {
		return "0 errors of " + strconv.FormatUint(requests, 10) + " RPCs"
	}
	return strings.Join(parts, " ") + " of " + strconv.FormatUint(requests, 10) + " RPCs"
}

// checkCells checks the planned trials against the client's connections
// and the server's limits (each ignored when 0), so that a sweep does not
// run for minutes to record nothing but InvalidArgument. It returns
// warnings for what the server allows but will answer with errors, such as
// more concurrent jobs than it admits.
func checkCells(plan []PlannedTrial, conns int, lim *pb.Limits) (warnings []string, err error) {
	seen := make(map[string]bool)
	for _, p := range plan {
		c := p.Cell
		label := c.Label()
		if c.Load.Connections > conns {
			return nil, fmt.Errorf("cell %s: connections %d exceeds the %d connections open", label, c.Load.Connections, conns)
		}
		j := c.Job
		total := uint64(j.GetTasks()) * j.GetCpuIterations()
		for _, v := range []struct {
			field      string
			value, max uint64
		}{
			{"tasks", uint64(j.GetTasks()), uint64(lim.GetMaxTasks())},
			{"cpu_iterations", j.GetCpuIterations(), lim.GetMaxCpuIterations()},
			{"tasks × cpu_iterations", total, lim.GetMaxTotalIterations()},
			{"parallelism", uint64(j.GetParallelism()), uint64(lim.GetMaxParallelism())},
			{"accounts", uint64(j.GetAccounts()), uint64(lim.GetMaxAccounts())},
		} {
			if v.max > 0 && v.value > v.max {
				return nil, fmt.Errorf("cell %s: %s %d exceeds the server's limit %d", label, v.field, v.value, v.max)
			}
		}
		if maxLat := lim.GetMaxIoLatency().AsDuration(); maxLat > 0 && j.GetIoLatency().AsDuration() > maxLat {
			return nil, fmt.Errorf("cell %s: io_latency %v exceeds the server's limit %v", label, j.GetIoLatency().AsDuration(), maxLat)
		}
		inFlight := c.Load.Concurrency
		if c.Load.Mode == client.Open {
			inFlight = c.Load.MaxInFlight
		}
		if maxJobs := int(lim.GetMaxJobsInFlight()); maxJobs > 0 && inFlight > maxJobs && !seen[label] {
			seen[label] = true
			warnings = append(warnings, fmt.Sprintf("cell %s may have %d jobs in flight, above the server's max_jobs_in_flight %d; expect RESOURCE_EXHAUSTED",
				label, inFlight, maxJobs))
		}
	}
	return warnings, nil
}
