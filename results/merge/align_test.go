package merge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/internal/resultstest"
	"github.com/stratbench/stratbench/results/merge"
	"github.com/stratbench/stratbench/results/record"
)

var t0 = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)

// client returns a source of trials 1..3 of the pool/cpu cell at c=4 whose
// windows start at t0 + 10 s × (trial − 1) + offset[trial−1], leaving out
// the trials in skip.
func client(path string, offsets []time.Duration, skip ...int) *record.Source {
	s := &record.Source{Path: path, CSV: path + "/results.csv"}
	for i, off := range offsets {
		if contains(skip, i+1) {
			continue
		}
		r := resultstest.CellRow("srv", 4, i+1, 100)
		r.StartedAt = t0.Add(time.Duration(i)*10*time.Second + off)
		s.Rows = append(s.Rows, r)
	}
	return s
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func schedule(skips ...record.Skip) *record.Schedule {
	return &record.Schedule{StartAt: t0, SlotS: 10, WarmupS: 1, ToleranceS: 0.1, Skipped: skips}
}

func TestAlign(t *testing.T) {
	key := resultstest.CellRow("srv", 4, 1, 100).CellKey()
	ms := time.Millisecond

	t.Run("windows within tolerance", func(t *testing.T) {
		a, b := client("a", []time.Duration{0, 0, 0}), client("b", []time.Duration{90 * ms, 240 * ms, 10 * ms})
		out, ex, err := merge.Align([]*record.Source{a, b}, merge.DefaultWindowTolerance)
		if err != nil || len(ex) != 0 || len(out[1].Rows) != 3 {
			t.Errorf("excluded %v, err %v", ex, err)
		}
	})
	t.Run("a window out of step", func(t *testing.T) {
		a, b := client("a", []time.Duration{0, 0, 0}), client("b", []time.Duration{0, 251 * ms, 0})
		out, ex, err := merge.Align([]*record.Source{a, b}, merge.DefaultWindowTolerance)
		if err != nil || len(ex) != 1 || ex[0].Trial != 2 || !strings.Contains(ex[0].Reason, "251ms apart") {
			t.Fatalf("excluded %v, err %v", ex, err)
		}
		if len(out[0].Rows) != 2 || len(out[1].Rows) != 2 || len(a.Rows) != 3 {
			t.Errorf("kept %d and %d rows (inputs left %d)", len(out[0].Rows), len(out[1].Rows), len(a.Rows))
		}
		if _, ex, _ := merge.Align([]*record.Source{a, b}, 0); len(ex) != 0 {
			t.Errorf("tolerance 0 still excludes %v", ex)
		}
	})
	t.Run("a recorded skip", func(t *testing.T) {
		a, b := client("a", []time.Duration{0, 0, 0}), client("b", []time.Duration{0, 0, 0}, 3)
		a.Schedule = schedule()
		b.Schedule = schedule(record.Skip{Slot: 2, Cell: key, Trial: 3, LateByS: 0.4})
		out, ex, err := merge.Align([]*record.Source{a, b}, merge.DefaultWindowTolerance)
		if err != nil || len(ex) != 1 || ex[0].Trial != 3 || !strings.Contains(ex[0].Reason, "b skipped it (reached slot 2 0.400s late)") {
			t.Fatalf("excluded %v, err %v", ex, err)
		}
		if len(out[0].Rows) != 2 {
			t.Errorf("a keeps %d rows, want 2", len(out[0].Rows))
		}
	})
	t.Run("a missing trial without a skip", func(t *testing.T) {
		a, b := client("a", []time.Duration{0, 0, 0}), client("b", []time.Duration{0, 0, 0}, 3)
		a.Schedule, b.Schedule = schedule(), schedule()
		out, ex, err := merge.Align([]*record.Source{a, b}, merge.DefaultWindowTolerance)
		if err != nil || len(ex) != 0 || len(out[0].Rows) != 3 {
			t.Fatalf("excluded %v, err %v: the trial must stay for Clients to refuse", ex, err)
		}
		if _, err := merge.Clients(out); err == nil || !strings.Contains(err.Error(), "trial 3 is in a but not in b") {
			t.Errorf("Clients: %v", err)
		}
	})
	t.Run("different schedules", func(t *testing.T) {
		a, b := client("a", []time.Duration{0, 0, 0}), client("b", []time.Duration{0, 0, 0})
		a.Schedule, b.Schedule = schedule(), schedule()
		b.Schedule.StartAt = t0.Add(time.Second)
		if _, _, err := merge.Align([]*record.Source{a, b}, merge.DefaultWindowTolerance); err == nil || !strings.Contains(err.Error(), "not one lock-step run") {
			t.Errorf("err %v", err)
		}
	})
}
