package lockstep_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stratbench/stratbench/client/lockstep"
	"github.com/stratbench/stratbench/results/record"
)

func TestParseStart(t *testing.T) {
	now := time.Date(2026, 12, 2, 1, 0, 0, 400e6, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{"2026-12-02T01:05:00Z", time.Date(2026, 12, 2, 1, 5, 0, 0, time.UTC), ""},
		{"2026-12-02T02:05:00.5+01:00", time.Date(2026, 12, 2, 1, 5, 0, 500e6, time.UTC), ""},
		{"+30s", time.Date(2026, 12, 2, 1, 0, 31, 0, time.UTC), ""}, // 01:00:30.4 rounded up
		{"+1m", time.Date(2026, 12, 2, 1, 1, 1, 0, time.UTC), ""},
		{"+0s", time.Time{}, "positive duration"},
		{"+-3s", time.Time{}, "positive duration"},
		{"+soon", time.Time{}, "positive duration"},
		{"+200h", time.Time{}, "ahead"},
		{"2026-12-02T00:59:00Z", time.Time{}, "in the past"},
		{"2027-01-02T00:59:00Z", time.Time{}, "ahead"},
		{"tomorrow", time.Time{}, "neither an RFC 3339 time"},
	} {
		got, err := lockstep.ParseStart(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "--start-at") {
				t.Errorf("%q: %v, want an error about --start-at with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestScheduleSlots(t *testing.T) {
	start := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	s, err := lockstep.New(start, 300*time.Millisecond, 1500*time.Millisecond, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if s.Slot != 3800*time.Millisecond {
		t.Errorf("slot %v, want 3.8s", s.Slot)
	}
	if got, want := s.Window(3), start.Add(3*3800*time.Millisecond+300*time.Millisecond); !got.Equal(want) {
		t.Errorf("window 3 at %v, want %v", got, want)
	}
	for _, bad := range [][3]time.Duration{{-1, time.Second, 0}, {0, 0, 0}, {0, time.Second, -1}} {
		if _, err := lockstep.New(start, bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("New(%v): no error", bad)
		}
	}
}

// TestWaitKeepsStep: two clients that start at different times and whose
// trials take different times begin every trial at the same instants; a
// trial that overruns its slot makes the client skip the next slot, and
// only that one.
func TestWaitKeepsStep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := lockstep.New(time.Now().Add(10*time.Second), time.Second, 2*time.Second, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		// client runs slots 0..n-1 whose trials take work(k), and returns
		// when each began (zero when skipped) and the skips.
		client := func(delay time.Duration, work func(k int) time.Duration) ([]time.Time, []int) {
			time.Sleep(delay)
			var began []time.Time
			var skipped []int
			for k := range 5 {
				err := s.Wait(t.Context(), k)
				var late *lockstep.LateError
				if errors.As(err, &late) {
					skipped = append(skipped, late.Slot)
					began = append(began, time.Time{})
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				began = append(began, time.Now())
				time.Sleep(work(k))
			}
			return began, skipped
		}
		type result struct {
			began   []time.Time
			skipped []int
		}
		a, b := make(chan result, 1), make(chan result, 1)
		go func() {
			r, sk := client(0, func(int) time.Duration { return 3500 * time.Millisecond })
			a <- result{r, sk}
		}()
		go func() {
			// Starts 7 s later and overruns slot 2 by a second.
			r, sk := client(7*time.Second, func(k int) time.Duration {
				if k == 2 {
					return 5 * time.Second
				}
				return 3 * time.Second
			})
			b <- result{r, sk}
		}()
		ra, rb := <-a, <-b
		if len(ra.skipped) != 0 {
			t.Errorf("client a skipped %v, want none", ra.skipped)
		}
		if len(rb.skipped) != 1 || rb.skipped[0] != 3 {
			t.Errorf("client b skipped %v, want [3]", rb.skipped)
		}
		for k := range 5 {
			if !ra.began[k].Equal(s.At(k)) {
				t.Errorf("a began slot %d at %v, want %v", k, ra.began[k], s.At(k))
			}
			if k != 3 && !rb.began[k].Equal(s.At(k)) {
				t.Errorf("b began slot %d at %v, want %v", k, rb.began[k], s.At(k))
			}
		}
	})
}

// TestWaitWithinTolerance: a client a little late (within Tolerance) runs
// the slot at once; a cancelled context ends the wait.
func TestWaitWithinTolerance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := lockstep.New(time.Now(), 0, time.Second, 0)
		time.Sleep(lockstep.Tolerance / 2)
		if err := s.Wait(t.Context(), 0); err != nil {
			t.Errorf("within tolerance: %v", err)
		}
		time.Sleep(lockstep.Tolerance)
		var late *lockstep.LateError
		if err := s.Wait(t.Context(), 0); !errors.As(err, &late) || late.By != 3*lockstep.Tolerance/2 {
			t.Errorf("past tolerance: %v", err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		go func() { time.Sleep(100 * time.Millisecond); cancel() }()
		if err := s.Wait(ctx, 5); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled wait: %v", err)
		}
	})
}

// TestRecorderWritesSkips: the recorder writes the schedule at once and
// again with each skip; a slot reached in time is not a skip.
func TestRecorderWritesSkips(t *testing.T) {
	path := filepath.Join(t.TempDir(), record.FolderSchedule)
	synctest.Test(t, func(t *testing.T) {
		s, _ := lockstep.New(time.Now(), 100*time.Millisecond, time.Second, 400*time.Millisecond)
		r, err := lockstep.NewRecorder(s, path)
		if err != nil {
			t.Fatal(err)
		}
		if late, err := r.WaitTrial(t.Context(), 0, "cell-a", 1); late != nil || err != nil {
			t.Fatalf("slot 0: %v %v", late, err)
		}
		time.Sleep(3 * time.Second) // slot 1 started 1.5 s ago
		late, err := r.WaitTrial(t.Context(), 1, "cell-b", 1)
		if err != nil || late == nil || late.By != 1500*time.Millisecond {
			t.Fatalf("slot 1: %v %v", late, err)
		}
		if late, err := r.WaitTrial(t.Context(), 2, "cell-c", 1); late != nil || err != nil {
			t.Fatalf("slot 2: %v %v", late, err)
		}
	})
	got, err := record.ReadScheduleFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.SlotS != 1.5 || got.WarmupS != 0.1 || len(got.Skipped) != 1 || got.Skipped[0] != (record.Skip{Slot: 1, Cell: "cell-b", Trial: 1, LateByS: 1.5}) {
		t.Errorf("schedule.json: %+v", got)
	}
}
