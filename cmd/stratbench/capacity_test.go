package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/stratbench/stratbench/results/slo"
)

// TestCapacityCmd drives a fake server that answers at once, so every
// probe passes and the search stops at --max-rate: the folder, the CSV's
// probes and the table must say so.
func TestCapacityCmd(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	addr := startFakeBench(t)
	reports := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := capacityCmd(t.Context(), []string{"--target", addr, "--slo", "p99=1s", "--strategy", "serial", "--workload", "io",
		"--io-latency", "1ms", "--tasks", "2", "--start", "20", "--max-rate", "40", "--warmup", "0s", "--duration", "100ms",
		"--max-late", "100%", "--reports", reports}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("capacityCmd: %v; stderr: %s", err, stderr.String())
	}
	dir := lastLine(stdout.String())
	if filepath.Dir(dir) != reports {
		t.Fatalf("printed %q, want a folder in %s", dir, reports)
	}
	rows, err := slo.ReadFile(filepath.Join(dir, slo.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].OfferedRPS != 20 || rows[1].OfferedRPS != 40 {
		t.Fatalf("probes %+v, want two at 20 and 40/s", rows)
	}
	for _, r := range rows {
		if r.Outcome != slo.OutcomeAboveMaxRate || r.Verdict != "pass" || r.CapacityRPS != 0 || r.Objective != "p99<=1s errors<=0.1%" ||
			r.Label() != "serial/io" || r.Tasks != 2 || r.Histogram == "" || r.ServerHost != "srv" {
			t.Errorf("row %+v", r)
		}
	}
	if !strings.Contains(stdout.String(), "serial/io") || !strings.Contains(stdout.String(), "above_max_rate") {
		t.Errorf("table:\n%s", stdout.String())
	}
}

func TestCapacityCmdUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--slo", "p100=1s"}, "--slo"},
		{[]string{"--slo", "p99=-1s"}, "--slo"},
		{[]string{"--max-error-rate", "200%"}, "--max-error-rate"},
		{[]string{"--precision", "5"}, "precision"},
		{[]string{"--matrix", "capacity", "--strategy", "pool"}, "--strategy and --matrix"},
		{[]string{"--max-in-flight", "0"}, "--max-in-flight"},
	} {
		var stdout, stderr bytes.Buffer
		err := capacityCmd(t.Context(), tc.args, &stdout, &stderr)
		if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want a usage error naming %q", tc.args, err, tc.want)
		}
	}
}
