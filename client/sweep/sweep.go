package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/record"
)

// The files of a sweep's report folder: the result-folder layout that the
// results package reads, plus the matrix.
const (
	// ResultsFile is the CSV of schema record.SchemaVersion, one row per
	// trial, appended and synced as each trial ends.
	ResultsFile = record.FolderCSV
	// HostsFile holds the server's Info and the client's fingerprint as
	// JSON: {"server": {...}, "client": {...}}.
	HostsFile = record.FolderHosts
	// MatrixFile is the matrix the sweep runs, defaults filled in; a
	// resumed sweep reads it instead of taking a matrix.
	MatrixFile = "matrix.json"
	// HistDir holds one histogram bundle per CSV row, named in the row's
	// histogram column relative to the folder.
	HistDir = record.FolderHist
)

// MaxFailedTrialsInARow is how many trials in a row may end without a
// single successful RPC before a sweep gives up: the server is down or
// refuses the cells, and running on would only fill the CSV with failures.
const MaxFailedTrialsInARow = 3

// Options configures [Run]. The zero value is not usable: Server is
// required.
type Options struct {
	// Server is the server's Info. Its hostname names the report folder,
	// and its limits are checked against every cell before the first trial.
	Server *pb.InfoResponse
	// Client is the fingerprint of the host running the load.
	Client hostinfo.Fingerprint
	// ReportsDir is where a new report folder is made; "" means "reports".
	ReportsDir string
	// Resume, when not "", is an existing report folder to complete
	// instead of making a new one; see [Run].
	Resume string
	// Progress receives the progress display; nil shows nothing.
	Progress io.Writer
	// Terminal selects the display redrawn in place over plain lines; see
	// [IsTerminal].
	Terminal bool
}

// Run runs every trial of m, in the order of [Matrix.Trials], against
// the server behind conns, and returns the report folder it wrote. It
// needs as many conns as the matrix's largest connections value.
//
// Before anything is made or sent, every cell is checked against the
// connections given and the server's limits. A new sweep then makes the
// folder <ReportsDir>/<server host>-<UTC time as 20060102T150405Z>, with
// MatrixFile and HostsFile (each replaced atomically), and appends one row
// to ResultsFile per trial as the trial ends, after writing its histogram
// bundle under HistDir. Every row of one folder has the folder's name as
// run_id.
//
// With opts.Resume, m must be nil: the matrix is read from the folder's
// MatrixFile, and every (cell, trial) pair that already has a row with
// complete=true is skipped, so a sweep can be interrupted and resumed any
// number of times; MatrixFile and HostsFile are left as they are. Rows
// with complete=false stay in the file for the record but count as not
// done: their trial runs again and gets a new row. A folder measured
// against another server host is refused. A last row cut short by a crash
// is dropped before appending.
//
// Cancelling ctx (Ctrl-C) cancels the RPCs of the trial in flight. That
// trial's row is written with complete=false if it measured at least one
// RPC, every earlier row is kept as written, and Run returns the folder
// and an error wrapping ctx's error that says how to resume.
//
// A trial whose RPCs fail (Unavailable, ResourceExhausted, ...) is recorded
// with its error counts by code, and the sweep goes on; a trial without a
// single successful RPC, or with any Unavailable (the server was lost part
// way), is written with complete=false, so a resume retries it. After
// MaxFailedTrialsInARow trials in a row without a successful RPC Run
// stops with an error naming the codes. A sweep that runs to its end with
// any trial incomplete returns the folder and an error that counts them
// and says how to resume.
//
// Each trial takes its cell's warm-up and duration plus the drain of its
// last RPCs (one job's latency) and about a millisecond of file writes.
func Run(ctx context.Context, conns []grpc.ClientConnInterface, m *Matrix, opts Options) (dir string, err error) {
	if opts.Server == nil {
		return "", errors.New("sweep: no server Info")
	}
	resumed := &resumeState{}
	if opts.Resume != "" {
		if m != nil {
			return "", fmt.Errorf("sweep: resuming %s takes its matrix from %s; pass no matrix", opts.Resume, MatrixFile)
		}
		dir = opts.Resume
		if resumed, err = openResume(dir, opts.Server.GetHostname()); err != nil {
			return "", err
		}
		m = resumed.m
	} else if m == nil {
		return "", errors.New("sweep: no matrix")
	}
	plan, err := m.Trials()
	if err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	warnings, err := checkCells(plan, len(conns), opts.Server.GetLimits())
	if err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	// A new folder is made only for a sweep that can run.
	if opts.Resume == "" {
		reports := opts.ReportsDir
		if reports == "" {
			reports = "reports"
		}
		if dir, err = createReport(reports, m, opts.Server, opts.Client); err != nil {
			return dir, err
		}
	}

	w, err := record.OpenWriter(filepath.Join(dir, ResultsFile))
	if err != nil {
		return dir, fmt.Errorf("sweep: %w", err)
	}
	defer func() {
		if cerr := w.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("sweep: %w", cerr)
		}
	}()

	done := resumed.done
	skipped := 0
	for _, p := range plan {
		if done[trialKey(p.Cell.Key(), p.Index)] {
			skipped++
		}
	}
	s := &sweeper{conns: conns, dir: dir, runID: filepath.Base(dir), w: w, opts: opts, rows: resumed.rows}
	s.display = newProgressDisplay(opts.Progress, opts.Terminal, len(plan), skipped,
		plan[0].Cell.Load.Warmup+plan[0].Cell.Load.Duration)
	defer s.display.close()
	if resumed.note != "" {
		s.display.message(resumed.note)
	}
	if opts.Resume != "" {
		s.display.message(fmt.Sprintf("resuming %s: %d of %d trials already complete", dir, skipped, len(plan)))
	}
	for _, w := range warnings {
		s.display.message("warning: " + w)
	}
	for _, p := range plan {
		if done[trialKey(p.Cell.Key(), p.Index)] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return dir, interrupted(dir, err)
		}
		if err := s.run(ctx, p); err != nil {
			return dir, err
		}
	}
	if s.incomplete > 0 {
		// The sweep ran to its end, but some trials measured an outage
		// or nothing: their rows are kept, and a resume re-runs them.
		return dir, fmt.Errorf("sweep: %d of %d trials incomplete (their error counts are in %s); resume with: stratbench sweep --resume %s",
			s.incomplete, len(plan)-skipped, filepath.Join(dir, ResultsFile), dir)
	}
	return dir, nil
}

// trialKey identifies a (cell, trial) pair across runs.
func trialKey(cellKey string, trial int) string {
	return cellKey + " trial=" + strconv.Itoa(trial)
}

// interrupted is the error of a sweep stopped by the end of its context.
func interrupted(dir string, cause error) error {
	return fmt.Errorf("sweep interrupted: %w; completed rows are kept in %s; resume with: stratbench sweep --resume %s",
		cause, filepath.Join(dir, ResultsFile), dir)
}
