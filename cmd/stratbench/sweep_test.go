package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/results/record"
)

// writeMatrix writes a matrix file of 2 io cells of duration and returns
// its path.
func writeMatrix(t *testing.T, duration string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.json")
	doc := `{"strategies":["serial","pool"],"workloads":["io"],"io_latency":["1ms"],"tasks":[1],
		"concurrency":[2],"connections":[2],"duration":"` + duration + `","warmup":"0s","trials":1}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// lastLine returns the last line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestSweepCmd(t *testing.T) {
	// Registered first, the check runs last, after the fake server stops.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	addr := startFakeBench(t)
	reports := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := sweepCmd(t.Context(), []string{"--target", addr, "--matrix", writeMatrix(t, "100ms"), "--reports", reports}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("sweepCmd: %v; stderr: %s", err, stderr.String())
	}
	dir := lastLine(stdout.String())
	if filepath.Dir(dir) != reports || !strings.HasPrefix(filepath.Base(dir), "srv-") {
		t.Fatalf("sweepCmd printed %q, want a folder srv-<time> in %s", dir, reports)
	}
	rows, err := record.ReadCSVFile(filepath.Join(dir, sweep.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for i, r := range rows {
		if !r.Complete || r.Connections != 2 || r.Workload != "io" || r.ServerHost != "srv" {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if !strings.Contains(stderr.String(), "[1/2] serial/io c=2 t=1/1") || !strings.Contains(stderr.String(), "[2/2] pool/io c=2 t=1/1") {
		t.Errorf("progress on stderr lacks a line per trial:\n%s", stderr.String())
	}

	stdout.Reset()
	stderr.Reset()
	if err := sweepCmd(t.Context(), []string{"--target", addr, "--resume", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("sweepCmd --resume: %v; stderr: %s", err, stderr.String())
	}
	if got := lastLine(stdout.String()); got != dir {
		t.Errorf("sweepCmd --resume printed %q, want %q", got, dir)
	}
	if !strings.Contains(stderr.String(), "2 of 2 trials already complete") {
		t.Errorf("resume progress:\n%s", stderr.String())
	}
}

func TestSweepCmdErrors(t *testing.T) {
	addr := startFakeBench(t)
	matrix := writeMatrix(t, "100ms")
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"unknown built-in", []string{"--matrix", "huge"}, "huge"},
		{"bad matrix file", []string{"--matrix", filepath.Join(t.TempDir(), "none.json")}, "none.json"},
		{"resume with matrix", []string{"--resume", t.TempDir(), "--matrix", "smoke"}, "drop --matrix"},
		{"resume of a non-report", []string{"--resume", t.TempDir()}, sweep.MatrixFile},
		{"too few connections", []string{"--target", addr, "--matrix", matrix, "--connections", "1"},
			"--connections 1 is below the matrix's largest connections value 2"},
		{"extra argument", []string{"now"}, `unexpected argument "now"`},
		{"unknown flag", []string{"--bogus"}, "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := sweepCmd(t.Context(), tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("sweepCmd = %v, want an error containing %q", err, tt.err)
			}
			if stdout.Len() != 0 {
				t.Errorf("sweepCmd printed %q before failing", stdout.String())
			}
		})
	}
}

func TestSweepCmdCancel(t *testing.T) {
	addr := startFakeBench(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	err := sweepCmd(ctx, []string{"--target", addr, "--matrix", writeMatrix(t, "1m"), "--reports", t.TempDir()}, &stdout, &stderr)
	dir := lastLine(stdout.String())
	if err == nil || !strings.HasSuffix(err.Error(), "resume with: stratbench sweep --resume "+dir+" --target "+addr) {
		t.Errorf("sweepCmd = %v, want an interruption saying how to resume %s", err, dir)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("sweepCmd took %v to stop", took)
	}
	rows, err := record.ReadCSVFile(filepath.Join(dir, sweep.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.Complete {
			t.Errorf("row %d of an interrupted minute-long trial is complete: %+v", i, r)
		}
	}
}
