package sweep_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client/internal/clienttest"
	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// tinyMatrix is 2 cells × 2 trials of 100 ms without warm-up.
const tinyMatrix = `{"strategies":["serial","pool"],"workloads":["cpu"],"concurrency":[2],
	"duration":"100ms","warmup":"0s","timeout":"1s","trials":2}`

// sweepFake serves Run by waiting 1 ms, or until the RPC ends, and then
// answering with handle's result, counting the calls in calls.
func sweepFake(t *testing.T, calls *atomic.Int64, handle func(n int64) error) []grpc.ClientConnInterface {
	return clienttest.StartFake(t, func(ctx context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
		n := calls.Add(1)
		tm := time.NewTimer(time.Millisecond)
		defer tm.Stop()
		select {
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		case <-tm.C:
		}
		if handle != nil {
			if err := handle(n); err != nil {
				return nil, err
			}
		}
		return &pb.RunResponse{TasksCompleted: req.GetTasks(), ServerTime: durationpb.New(900 * time.Microsecond)}, nil
	})
}

func parseMatrix(t *testing.T, doc string) *sweep.Matrix {
	t.Helper()
	m, err := sweep.ParseMatrix(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sweepOptions(t *testing.T) sweep.Options {
	return sweep.Options{
		Server:     clienttest.Info,
		Client:     hostinfo.Fingerprint{Hostname: "loadhost", LogicalCPUs: 2},
		ReportsDir: t.TempDir(),
	}
}

// readRows reads the sweep's CSV, failing the test on any error.
func readRows(t *testing.T, dir string) []record.Row {
	t.Helper()
	rows, err := record.ReadCSVFile(filepath.Join(dir, sweep.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// completeTrials maps "cell key trial=N" to the number of complete rows.
func completeTrials(rows []record.Row) map[string]int {
	n := make(map[string]int)
	for _, r := range rows {
		if r.Complete {
			n[r.CellKey()+" trial="+strconv.Itoa(r.Trial)]++
		}
	}
	return n
}

func TestSweepWritesReportAndResumes(t *testing.T) {
	var calls atomic.Int64
	conns := sweepFake(t, &calls, nil)
	opts := sweepOptions(t)
	var progress bytes.Buffer
	opts.Progress = &progress
	dir, err := sweep.Run(t.Context(), conns, parseMatrix(t, tinyMatrix), opts)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != opts.ReportsDir || !strings.HasPrefix(filepath.Base(dir), "fakehost-") {
		t.Errorf("report folder %s is not %s/fakehost-<time>", dir, opts.ReportsDir)
	}
	rows := readRows(t, dir)
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	for i, r := range rows {
		if !r.Complete || r.Requests == 0 || r.Errors != 0 || r.RunID != filepath.Base(dir) ||
			r.ServerHost != "fakehost" || r.ClientHost != "loadhost" || r.Trial != 1+i/2 {
			t.Errorf("row %d = %+v, want a complete trial %d of run %s without errors", i, r, 1+i/2, filepath.Base(dir))
		}
		h, err := histogram.ReadTrialFile(filepath.Join(dir, filepath.FromSlash(r.Histogram)))
		if err != nil {
			t.Errorf("row %d histogram: %v", i, err)
		} else if h.Latency.Count() != r.Requests {
			t.Errorf("row %d histogram holds %d latencies, row says %d requests", i, h.Latency.Count(), r.Requests)
		}
	}
	if got := len(completeTrials(rows)); got != 4 {
		t.Errorf("rows cover %d distinct (cell, trial) pairs, want 4", got)
	}
	if n := strings.Count(progress.String(), "\n"); n != 4 {
		t.Errorf("plain progress has %d lines, want one per trial:\n%s", n, progress.String())
	}
	var hosts struct {
		Server map[string]any       `json:"server"`
		Client hostinfo.Fingerprint `json:"client"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, sweep.HostsFile)); err != nil {
		t.Error(err)
	} else if err := json.Unmarshal(b, &hosts); err != nil || hosts.Server["hostname"] != "fakehost" ||
		hosts.Server["ns_per_iteration"] != 250.0 || hosts.Client.Hostname != "loadhost" {
		t.Errorf("hosts.json = %s (%v), want the fake server's info and the client's fingerprint", b, err)
	}

	t.Run("resume runs nothing when done", func(t *testing.T) {
		before := calls.Load()
		opts := sweepOptions(t)
		opts.Resume = dir
		got, err := sweep.Run(t.Context(), conns, nil, opts)
		if err != nil || got != dir {
			t.Fatalf("Sweep(resume) = %s, %v; want %s, nil", got, err, dir)
		}
		if n := calls.Load() - before; n != 0 {
			t.Errorf("resuming a finished sweep sent %d RPCs", n)
		}
		if n := len(readRows(t, dir)); n != 4 {
			t.Errorf("got %d rows after resume, want 4", n)
		}
	})

	t.Run("resume runs the missing trial", func(t *testing.T) {
		path := filepath.Join(dir, sweep.ResultsFile)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		// Drop row 2 (line 3): the first trial of the second cell.
		if err := os.WriteFile(path, []byte(strings.Join(append(lines[:2:2], lines[3:]...), "")), 0o644); err != nil {
			t.Fatal(err)
		}
		before := calls.Load()
		opts := sweepOptions(t)
		opts.Resume = dir
		if _, err := sweep.Run(t.Context(), conns, nil, opts); err != nil {
			t.Fatal(err)
		}
		if calls.Load() == before {
			t.Error("resume sent no RPC")
		}
		after := readRows(t, dir)
		if len(after) != 4 {
			t.Fatalf("got %d rows, want 4", len(after))
		}
		if got, want := after[3].CellKey(), rows[1].CellKey(); got != want || after[3].Trial != 1 || !after[3].Complete {
			t.Errorf("resume appended %s trial %d, want %s trial 1", got, after[3].Trial, want)
		}
		if after[3].Histogram == rows[1].Histogram {
			t.Errorf("the re-run reused histogram file %s", after[3].Histogram)
		}
	})
}

// cancelAfterFirstTrial is a plain progress writer that arms a cancel once
// the first trial's line is written; the fake server then cancels on the
// fifth RPC after that, in the middle of the second trial.
type cancelAfterFirstTrial struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	armed  atomic.Bool
	seen   atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfterFirstTrial) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed.Store(true)
	return c.buf.Write(p)
}

func (c *cancelAfterFirstTrial) onRPC(int64) error {
	if c.armed.Load() && c.seen.Add(1) == 5 {
		c.cancel()
	}
	return nil
}

func TestSweepCancelKeepsCompletedRows(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := &cancelAfterFirstTrial{cancel: cancel}
	var calls atomic.Int64
	conns := sweepFake(t, &calls, w.onRPC)
	opts := sweepOptions(t)
	opts.Progress = w
	start := time.Now()
	dir, err := sweep.Run(ctx, conns, parseMatrix(t, tinyMatrix), opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sweep error = %v, want one wrapping context.Canceled", err)
	}
	if want := "resume with: stratbench sweep --resume " + dir; !strings.Contains(err.Error(), want) {
		t.Errorf("Sweep error %q does not say %q", err, want)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Sweep took %v to stop after cancellation", elapsed)
	}
	rows := readRows(t, dir)
	if len(rows) < 1 || len(rows) > 2 {
		t.Fatalf("got %d rows, want the first trial and at most the interrupted one", len(rows))
	}
	if r := rows[0]; !r.Complete || r.Trial != 1 || r.Requests == 0 {
		t.Errorf("first row = %+v, want trial 1 complete", r)
	}
	if len(rows) == 2 && rows[1].Complete {
		t.Errorf("interrupted row = %+v, want complete=false", rows[1])
	}

	opts = sweepOptions(t)
	opts.Resume = dir
	if _, err := sweep.Run(t.Context(), conns, nil, opts); err != nil {
		t.Fatal(err)
	}
	done := completeTrials(readRows(t, dir))
	if len(done) != 4 {
		t.Errorf("after resume %d (cell, trial) pairs are complete, want 4", len(done))
	}
	for k, n := range done {
		if n != 1 {
			t.Errorf("%s is complete in %d rows, want 1", k, n)
		}
	}
}

func TestSweepRecordsServerErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fail       func(n int64) error
		wantErr    string // "" for success
		rows       int
		complete   bool
		codeInRows string
	}{
		{"some RPCs fail", func(n int64) error {
			if n%2 == 0 {
				return status.Error(codes.ResourceExhausted, "full")
			}
			return nil
		}, "", 4, true, "RESOURCE_EXHAUSTED"},
		{"every RPC fails", func(int64) error { return status.Error(codes.Unavailable, "down") },
			"3 trials in a row had no successful RPC", 3, false, "UNAVAILABLE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			conns := sweepFake(t, &calls, tc.fail)
			m := parseMatrix(t, `{"strategies":["serial","pool","semaphore","pipeline"],"concurrency":[2],
				"duration":"50ms","warmup":"0s","trials":1}`)
			dir, err := sweep.Run(t.Context(), conns, m, sweepOptions(t))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Sweep error = %v, want %q", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.codeInRows) {
				t.Errorf("Sweep error %q does not name %s", err, tc.codeInRows)
			}
			rows := readRows(t, dir)
			if len(rows) != tc.rows {
				t.Fatalf("got %d rows, want %d", len(rows), tc.rows)
			}
			for i, r := range rows {
				if r.Complete != tc.complete || r.Errors == 0 || r.ErrorsByCode[tc.codeInRows] != r.Errors {
					t.Errorf("row %d: complete %v, errors %d, by code %v; want complete %v, all errors %s",
						i, r.Complete, r.Errors, r.ErrorsByCode, tc.complete, tc.codeInRows)
				}
			}
		})
	}
}

func TestSweepRefuses(t *testing.T) {
	var calls atomic.Int64
	conns := sweepFake(t, &calls, nil)
	done, err := sweep.Run(t.Context(), conns, parseMatrix(t, tinyMatrix), sweepOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	limited := &pb.InfoResponse{Hostname: "fakehost", Limits: &pb.Limits{MaxTasks: 8}}
	for _, tc := range []struct {
		name   string
		m      *sweep.Matrix
		conns  []grpc.ClientConnInterface
		edit   func(*sweep.Options)
		errHas []string
	}{
		{"no server info", parseMatrix(t, tinyMatrix), conns, func(o *sweep.Options) { o.Server = nil }, []string{"Info"}},
		{"no matrix", nil, conns, func(*sweep.Options) {}, []string{"no matrix"}},
		{"cell over a server limit", parseMatrix(t, `{"tasks":[16]}`), conns,
			func(o *sweep.Options) { o.Server = limited }, []string{"tasks 16", "limit 8"}},
		{"more connections than open", parseMatrix(t, `{"connections":[8]}`), conns,
			func(*sweep.Options) {}, []string{"connections 8", "4 connections"}},
		{"matrix with resume", parseMatrix(t, tinyMatrix), conns,
			func(o *sweep.Options) { o.Resume = done }, []string{"pass no matrix"}},
		{"resume of a missing folder", nil, conns,
			func(o *sweep.Options) { o.Resume = filepath.Join(t.TempDir(), "nope") }, []string{"nope"}},
		{"resume against another host", nil, conns, func(o *sweep.Options) {
			o.Resume, o.Server = done, &pb.InfoResponse{Hostname: "otherhost"}
		}, []string{`"fakehost"`, `"otherhost"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.Load()
			opts := sweepOptions(t)
			tc.edit(&opts)
			if _, err := sweep.Run(t.Context(), tc.conns, tc.m, opts); err == nil {
				t.Fatal("Sweep succeeded")
			} else {
				for _, s := range tc.errHas {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Sweep error %q does not contain %q", err, s)
					}
				}
			}
			if n := calls.Load() - before; n != 0 {
				t.Errorf("a refused sweep sent %d RPCs", n)
			}
			if entries, _ := os.ReadDir(opts.ReportsDir); len(entries) != 0 {
				t.Errorf("a refused sweep made %s in %s", entries[0].Name(), opts.ReportsDir)
			}
		})
	}
}

func TestSweepTerminalProgress(t *testing.T) {
	var calls atomic.Int64
	conns := sweepFake(t, &calls, func(n int64) error {
		if n%4 == 0 {
			return status.Error(codes.ResourceExhausted, "full")
		}
		return nil
	})
	opts := sweepOptions(t)
	var out bytes.Buffer
	opts.Progress, opts.Terminal = &out, true
	m := parseMatrix(t, `{"strategies":["pool"],"concurrency":[2],"duration":"600ms","warmup":"0s","trials":1}`)
	if _, err := sweep.Run(t.Context(), conns, m, opts); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	// Redraws at the start, about every 250 ms, at the end of the trial;
	// one permanent line for the trial's errors; a final newline.
	if n := strings.Count(s, "\r["); n < 3 {
		t.Errorf("terminal progress redrew %d times, want at least 3:\n%q", n, s)
	}
	for _, want := range []string{"\x1b[K", "[1/1] pool/cpu c=2 t=1/1", "RESOURCE_EXHAUSTED=", "[====================] 1/1"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal progress lacks %q:\n%q", want, s)
		}
	}
	if !strings.HasSuffix(s, "\n") || strings.Count(s, "\n") != 2 {
		t.Errorf("terminal progress has %d lines, want the error line and the final newline:\n%q", strings.Count(s, "\n"), s)
	}
}
