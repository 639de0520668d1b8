package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/record"
)

// TestMergeSweepFolders merges two clients' --reports folders, each holding
// one sweep folder of 3 trials with a schedule: client 1 skipped trial 2 and
// started trial 3's window 400 ms after client 0, so only trial 1 is merged
// and both others are listed with the reason.
func TestMergeSweepFolders(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	key := resultRow("srv", 1, 1, 100, 0).CellKey()
	client := func(idx int, trials []int, late time.Duration, skips ...record.Skip) string {
		reports := filepath.Join(dir, "client-"+string(rune('0'+idx)))
		folder := filepath.Join(reports, "srv-20261202T030000Z")
		var rows []record.Row
		var lat []time.Duration
		for _, i := range trials {
			r := resultRow("srv", 1, i, 100, 0)
			r.StartedAt = t0.Add(time.Duration(i-1) * 10 * time.Second)
			if i == 3 {
				r.StartedAt = r.StartedAt.Add(late)
			}
			rows = append(rows, r)
			lat = append(lat, time.Millisecond)
		}
		clientCSV(t, folder, "results", rows, lat, 10)
		sch := &record.Schedule{StartAt: t0, SlotS: 10, WarmupS: 1, ToleranceS: 0.1, Skipped: skips}
		b, err := sch.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, record.FolderSchedule), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return reports
	}
	in0 := client(0, []int{1, 2, 3}, 0)
	in1 := client(1, []int{1, 3}, 400*time.Millisecond, record.Skip{Slot: 1, Cell: key, Trial: 2, LateByS: 0.3})
	out := filepath.Join(dir, "merged")
	var stdout, stderr bytes.Buffer
	if err := mergeCmd(t.Context(), []string{out, in0, in1}, &stdout, &stderr); err != nil {
		t.Fatalf("mergeCmd: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"trial 2: " + in1, "skipped it (reached slot 1 0.300s late)", "trial 3: measured windows start 400ms apart", "1 trials from 2 clients (2 left out)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	src, err := record.Load(out)
	if err != nil || len(src.Rows) != 1 || src.Rows[0].Trial != 1 || src.Rows[0].TasksPerS != 200 {
		t.Fatalf("merged: %v %+v", err, src)
	}

	// With the check off, trial 3 is merged too; trial 2 is still skipped.
	out2 := filepath.Join(dir, "merged-2")
	stderr.Reset()
	if err := mergeCmd(t.Context(), []string{"--window-tolerance", "0", out2, in0, in1}, &stdout, &stderr); err != nil || !strings.Contains(stderr.String(), "2 trials from 2 clients (1 left out)") {
		t.Errorf("--window-tolerance 0: %v\n%s", err, stderr.String())
	}

	// A reports folder with two sweeps is ambiguous.
	clientCSV(t, filepath.Join(in0, "srv-20261202T040000Z"), "results", []record.Row{resultRow("srv", 1, 1, 100, 0)}, []time.Duration{time.Millisecond}, 1)
	if err := mergeCmd(t.Context(), []string{filepath.Join(dir, "m3"), in0, in1}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "holds 2 result folders") {
		t.Errorf("two sweeps in one reports folder: %v", err)
	}
}
