package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCmd(t *testing.T) {
	a, b := twoHosts(t)
	var stdout, stderr bytes.Buffer
	if err := exportCmd(t.Context(), []string{"--format", "benchfmt", a, b}, &stdout, &stderr); err != nil {
		t.Fatalf("exportCmd: %v\n%s", err, stderr.String())
	}
	text := stdout.String()
	if n := strings.Count(text, "\nBenchmarkRun/"); n != 24 {
		t.Errorf("%d result lines, want 24 (2 hosts × 2 cells × 6 trials):\n%s", n, text)
	}
	for _, want := range []string{"host: host-a", "host: host-b", "cpu: CPU of host-a",
		"BenchmarkRun/strategy=pool/workload=io/scope=job/tasks=4/parallelism=2/io=1ms/concurrency=1 1 1001 tasks/s 2000000 p99-ns 1000000 p50-ns"} {
		if !strings.Contains(text, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	out := filepath.Join(t.TempDir(), "a.txt")
	stdout.Reset()
	if err := exportCmd(t.Context(), []string{a, "--out", out}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte("host: host-a")) || stdout.Len() != 0 {
		t.Errorf("--out: file %q, %v; stdout %q", b, err, stdout.String())
	}
}

func TestExportCmdErrors(t *testing.T) {
	a, _ := twoHosts(t)
	for _, tt := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--format", "csv", a}, true, `--format "csv"`},
		{nil, true, "at least one"},
		{[]string{filepath.Join(a, "missing")}, false, "missing"},
	} {
		var stdout, stderr bytes.Buffer
		err := exportCmd(t.Context(), tt.args, &stdout, &stderr)
		if err == nil || errors.As(err, new(usageError)) != tt.usage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("exportCmd(%q) = %v, want a usage error %v containing %q", tt.args, err, tt.usage, tt.want)
		}
	}
}
