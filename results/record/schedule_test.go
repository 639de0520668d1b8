package record_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/record"
)

func TestScheduleRoundTripAndLoad(t *testing.T) {
	s := &record.Schedule{StartAt: time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), SlotS: 3.8, WarmupS: 0.3, ToleranceS: 0.1,
		Skipped: []record.Skip{{Slot: 4, Cell: "strategy=pool workload=cpu", Trial: 2, LateByS: 0.5}}}
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, record.FolderCSV), []byte(strings.Join(record.Header(), ",")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, record.FolderSchedule), b, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := record.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := src.Schedule
	if got == nil || !got.StartAt.Equal(s.StartAt) || got.SlotS != 3.8 || len(got.Skipped) != 1 {
		t.Fatalf("loaded %+v", got)
	}
	if w := got.Window(2); !w.Equal(s.StartAt.Add(7900 * time.Millisecond)) {
		t.Errorf("window 2 at %v", w)
	}
	if k, ok := got.SkippedTrial("strategy=pool workload=cpu", 2); !ok || k.Slot != 4 {
		t.Errorf("skip not found: %+v %v", k, ok)
	}
}

func TestParseScheduleRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"slot_s":1}`, "start_at is missing"},
		{`{"start_at":"2026-12-02T03:00:00Z","slot_s":0}`, "slot_s is 0"},
		{`{"start_at":"2026-12-02T03:00:00Z","slot_s":1,"warmup_s":2}`, "warmup_s is 2"},
		{`{"start_at":"2026-12-02T03:00:00Z","slot_s":1,"tolerance_s":-1}`, "tolerance_s is -1"},
		{`{"start_at":"2026-12-02T03:00:00Z","slot_s":1,"skipped":[{"slot":-1,"cell":"c","trial":1}]}`, "skipped[0]"},
		{`{"start_at":"2026-12-02T03:00:00Z","slot_s":1,"extra":1}`, "unknown field"},
		{`{"start_at":"2026-12-02T03:00:00Z","slot_s":1} {}`, "after the object"},
	} {
		if _, err := record.ParseSchedule([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	f.Add([]byte(`{"start_at":"2026-12-02T03:00:00Z","slot_s":3.8,"warmup_s":0.3,"tolerance_s":0.1,"skipped":[{"slot":1,"cell":"k","trial":1,"late_by_s":0.2}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := record.ParseSchedule(b)
		if err != nil {
			return
		}
		if s.SlotS <= 0 || s.WarmupS >= s.SlotS || s.StartAt.IsZero() {
			t.Fatalf("accepted %+v", s)
		}
		if _, err := s.Encode(); err != nil {
			t.Fatal(err)
		}
	})
}
