package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/record"
)

// TestRunStartAt: run --start-at +1s runs both trials in their slots of
// 500 ms and writes the schedule beside --out's results.csv.
func TestRunStartAt(t *testing.T) {
	addr := startFakeBench(t)
	out := filepath.Join(t.TempDir(), "client-0", record.FolderCSV)
	var stdout, stderr bytes.Buffer
	err := runCmd(t.Context(), []string{"--target", addr, "--duration", "50ms", "--warmup", "0s", "--trials", "2",
		"--start-at", "+1s", "--slot-gap", "450ms", "--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "lock-step: 2 slots of 500ms") || strings.Contains(stderr.String(), "skipped") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	sch, err := record.ReadScheduleFile(filepath.Join(filepath.Dir(out), record.FolderSchedule))
	if err != nil || sch.SlotS != 0.5 || len(sch.Skipped) != 0 {
		t.Errorf("schedule %+v, %v", sch, err)
	}
	rows, err := record.ReadCSVFile(out)
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
}

func TestStartAtFlagErrors(t *testing.T) {
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--start-at", "soon"}, "neither an RFC 3339 time"},
		{[]string{"--start-at", past}, "in the past"},
		{[]string{"--start-at", "+5s", "--slot-gap", "-1s"}, "--slot-gap -1s is negative"},
		{[]string{"--start-at", "+5s", "--requests", "10"}, "fixed duration"},
	} {
		for _, cmd := range []string{"run", "sweep"} {
			if cmd == "sweep" && tc.want == "fixed duration" {
				continue // a matrix always has a duration
			}
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{cmd}, tc.args...), &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("%s %v: exit %d, stderr %q; want 2 and %q", cmd, tc.args, code, stderr.String(), tc.want)
			}
		}
	}
}
