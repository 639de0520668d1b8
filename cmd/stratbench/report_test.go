package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
)

// writeResultFolder writes a result folder holding a results.csv of two
// strategies × six concurrency levels × two trials of cpu work, and a
// hosts.json when hosts is set, and returns its path.
func writeResultFolder(t *testing.T, hosts bool) string {
	t.Helper()
	dir := t.TempDir()
	w, err := record.OpenWriter(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, s := range []string{"serial", "pool"} {
		for _, n := range []int{1, 2, 4, 8, 16, 32} {
			for trial := 1; trial <= 2; trial++ {
				x := 1900 * float64(n) / (1 + 0.4*float64(n-1)) * (1 + 0.01*float64(trial))
				r := record.Row{
					RunID: "run", StartedAt: start, ServerHost: "srv", ServerCPUModel: "Test CPU",
					ServerLogicalCPUs: 2, ServerGOMAXPROCS: 2, ServerGoVersion: "go1.26.8", ServerNsPerIteration: 250,
					ClientHost: "cli", ClientLogicalCPUs: 2,
					Strategy: s, Workload: "cpu", Scope: "job", Tasks: 16, Parallelism: 4, CPUIterations: 2000,
					Mode: "closed", Concurrency: n, Connections: 1, WarmupS: 0.1, DurationS: 1, Trial: trial,
					Requests: 100, ThroughputRPS: x / 16, TasksPerS: x,
					MeanMs: 5, P50Ms: 4, P90Ms: 6, P99Ms: 9, P999Ms: 12, MaxMs: 15, UncorrectedP99Ms: 9,
					ServerP50Ms: 3, ServerP99Ms: 8, Complete: true,
				}
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
				start = start.Add(1100 * time.Millisecond)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if hosts {
		doc := `{"server": {"hostname": "srv", "cpu_model": "Test CPU", "total_memory_bytes": "8589934592", "limits": {"max_tasks": 1024}},
			"client": {"hostname": "cli", "total_memory_bytes": 4294967296}}`
		if err := os.WriteFile(filepath.Join(dir, "hosts.json"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readSummary returns the records of the summary.csv in dir.
func readSummary(t *testing.T, dir string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, report.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestReportCmd(t *testing.T) {
	folder := writeResultFolder(t, true)
	bare := writeResultFolder(t, false)
	out := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		name    string
		args    []string
		dir     string   // where the files must appear
		inPage  []string // text report.html must hold
		summary int      // rows of summary.csv, header included
		trials  string   // trials per cell
	}{
		{"folder", []string{folder}, folder, []string{"8.0 GiB", "limits.max_tasks", "Measured 2025-01-02 03:04 – 03:04 UTC"}, 13, "2"},
		{"csv file without hosts.json", []string{filepath.Join(bare, "results.csv")}, bare, []string{"Test CPU", "250 ns per iteration"}, 13, "2"},
		// The same cells against the same server host: their trials add up.
		{"two inputs into --out", []string{"--out", out, folder, bare}, out, []string{"serial", "pool"}, 13, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := reportCmd(t.Context(), tt.args, &stdout, &stderr); err != nil {
				t.Fatalf("reportCmd: %v; stderr: %s", err, stderr.String())
			}
			want := filepath.Join(tt.dir, report.HTMLFile)
			if got := lastLine(stdout.String()); got != want {
				t.Errorf("last line of stdout = %q, want %q", got, want)
			}
			page, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.inPage {
				if !strings.Contains(string(page), s) {
					t.Errorf("report.html lacks %q", s)
				}
			}
			if strings.Contains(string(page), "http://") || strings.Contains(string(page), "https://") {
				t.Error("report.html holds a URL")
			}
			recs := readSummary(t, tt.dir)
			if len(recs) != tt.summary {
				t.Fatalf("summary.csv has %d lines, want %d", len(recs), tt.summary)
			}
			// Six concurrency levels: every cell has a scalability fit.
			col := map[string]int{}
			for i, h := range recs[0] {
				col[h] = i
			}
			for _, r := range recs[1:] {
				if r[col["usl_sigma"]] == "" || r[col["bound_tasks_per_s"]] == "" || r[col["trials"]] != tt.trials {
					t.Errorf("summary row %v lacks its fit or bound, or has the wrong trial count", r)
				}
			}
		})
	}
}

func TestReportCmdErrors(t *testing.T) {
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "results.csv"), []byte(strings.Join(record.Header(), ",")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		usage bool
		err   string
	}{
		{"no input", nil, true, "give at least one result folder or CSV file"},
		{"missing input", []string{filepath.Join(empty, "nope")}, false, "no such file"},
		{"no rows", []string{empty}, false, "no complete trial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := reportCmd(t.Context(), tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("reportCmd(%q) = %v, want an error containing %q", tt.args, err, tt.err)
			}
			if got := errors.As(err, new(usageError)); got != tt.usage {
				t.Errorf("usage error = %v, want %v", got, tt.usage)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}
