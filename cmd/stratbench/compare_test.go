package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/record"
)

// resultRow returns a complete closed-loop pool/io row on server host at
// concurrency c, trial i, with the given tasks/s and p99.
func resultRow(host string, c, i int, tasksPerS, p99 float64) record.Row {
	return record.Row{
		ServerHost: host, ServerCPUModel: "CPU of " + host, ServerGOMAXPROCS: 4, ServerNsPerIteration: 100,
		ClientHost: "client", Strategy: "pool", Workload: "io", Scope: "job", Tasks: 4, Parallelism: 2,
		IOLatencyMs: 1, Mode: "closed", Concurrency: c, Connections: 1, DurationS: 1, Trial: i,
		Requests: 100, ThroughputRPS: tasksPerS / 4, TasksPerS: tasksPerS, MeanMs: p99 / 2, P50Ms: p99 / 2, P99Ms: p99,
		Complete: true,
	}
}

// writeResultCSV writes rows to the CSV at path, creating its folder.
func writeResultCSV(t *testing.T, path string, rows ...record.Row) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := record.OpenWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// twoHosts writes result folders a and b: b is twice as fast at c=1 over
// 6 trials each, and equal at c=2 where b's client saturated.
func twoHosts(t *testing.T) (a, b string) {
	dir := t.TempDir()
	a, b = filepath.Join(dir, "a"), filepath.Join(dir, "b")
	var ra, rb []record.Row
	for i := 1; i <= 6; i++ {
		ra = append(ra, resultRow("host-a", 1, i, 1000+float64(i), 2), resultRow("host-a", 2, i, 1500+float64(i), 3))
		sat := resultRow("host-b", 2, i, 1500+float64(7-i), 3)
		sat.ClientSaturated = true
		rb = append(rb, resultRow("host-b", 1, i, 2000+float64(i), 1), sat)
	}
	writeResultCSV(t, filepath.Join(a, record.FolderCSV), ra...)
	writeResultCSV(t, filepath.Join(b, record.FolderCSV), rb...)
	return a, b
}

func TestCompareCmd(t *testing.T) {
	a, b := twoHosts(t)
	out := filepath.Join(t.TempDir(), "cmp")
	var stdout, stderr bytes.Buffer
	// Flags may follow the folders.
	if err := compareCmd(t.Context(), []string{a, b, "--out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("compareCmd: %v\n%s", err, stderr.String())
	}
	table := stdout.String()
	for _, want := range []string{"host-a", "host-b", "pool/io t=4 p=2 io=1ms closed c=1", "1.997×", "0.500×", "0.002*", "saturated"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	csv, err := os.ReadFile(filepath.Join(out, compareCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(csv), "\n"); lines != 3 {
		t.Errorf("compare.csv has %d lines, want a header and 2 cells:\n%s", lines, csv)
	}
	page, err := os.ReadFile(filepath.Join(out, compareHTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("http")) || !bytes.Contains(page, []byte("CPU of host-b")) {
		t.Errorf("compare.html fetches something or lacks B's fingerprint:\n%s", page)
	}
}

func TestCompareCmdErrors(t *testing.T) {
	a, _ := twoHosts(t)
	other := filepath.Join(t.TempDir(), "other.csv")
	r := resultRow("host-c", 64, 1, 1, 1)
	r.Strategy = "serial"
	writeResultCSV(t, other, r)
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"one input", []string{a}, true, "got 1 arguments"},
		{"three inputs", []string{a, a, a}, true, "got 3 arguments"},
		{"missing", []string{a, filepath.Join(a, "nope")}, false, "nope"},
		{"nothing in common", []string{a, other, "--out", t.TempDir()}, false, "no cell in common (2 and 1 cells)"},
		{"bad flag", []string{"--bogus", a, a}, true, "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := compareCmd(t.Context(), tt.args, &stdout, &stderr)
			if err == nil {
				t.Fatal("compareCmd succeeded")
			}
			if got := errors.As(err, new(usageError)); got != tt.usage {
				t.Errorf("usage error %v, want %v: %v", got, tt.usage, err)
			}
			if !strings.Contains(err.Error()+stderr.String(), tt.want) {
				t.Errorf("error %q (stderr %q) lacks %q", err, stderr.String(), tt.want)
			}
		})
	}
}

func TestParseFlagsAnywhere(t *testing.T) {
	tests := []struct {
		args []string
		out  string
		rest []string
	}{
		{[]string{"--out", "x", "a", "b"}, "x", []string{"a", "b"}},
		{[]string{"a", "--out", "x", "b"}, "x", []string{"a", "b"}},
		{[]string{"a", "b", "-out=x"}, "x", []string{"a", "b"}},
		{[]string{"a", "--", "--out", "b"}, "", []string{"a", "--out", "b"}},
		{nil, "", nil},
	}
	for _, tt := range tests {
		fs := newTestFlagSet()
		out := fs.String("out", "", "")
		rest, err := parseFlags(fs, tt.args)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if *out != tt.out || strings.Join(rest, "|") != strings.Join(tt.rest, "|") {
			t.Errorf("%q: out %q rest %q, want %q %q", tt.args, *out, rest, tt.out, tt.rest)
		}
	}
}

// newTestFlagSet returns an empty FlagSet that reports errors quietly.
func newTestFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}
