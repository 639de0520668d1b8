package sweep_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/results/record"
)

// TestSweepStartAtSkipsLateSlots: a sweep whose start lies 2.5 slots in the
// past skips the three slots that started before it came (more than the
// tolerance late), records them in schedule.json, and runs the rest in
// their slots. Slots are 1 s (300 ms measured + 700 ms gap), so the two
// trials that run have 700 ms to spare.
func TestSweepStartAtSkipsLateSlots(t *testing.T) {
	var calls atomic.Int64
	conns := sweepFake(t, &calls, nil)
	m := parseMatrix(t, `{"strategies":["serial","pool","semaphore","pipeline","goroutine-per-task"],"workloads":["cpu"],
		"concurrency":[1],"duration":"300ms","warmup":"0s","timeout":"1s","trials":1}`)
	opts := sweepOptions(t)
	opts.StartAt = time.Now().Add(-2500 * time.Millisecond)
	opts.SlotGap = 700 * time.Millisecond
	var progress strings.Builder
	opts.Progress = &progress
	dir, err := sweep.Run(t.Context(), conns, m, opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	sch, err := record.ReadScheduleFile(filepath.Join(dir, sweep.ScheduleFile))
	if err != nil {
		t.Fatal(err)
	}
	var slots []int
	for _, k := range sch.Skipped {
		slots = append(slots, k.Slot)
		if k.LateByS <= 0.1 {
			t.Errorf("skip %+v is within the tolerance", k)
		}
	}
	if !slices.Equal(slots, []int{0, 1, 2}) || sch.SlotS != 1 || !sch.StartAt.Equal(opts.StartAt.UTC()) {
		t.Errorf("schedule %+v, want slots 0, 1, 2 skipped", sch)
	}
	rows := readRows(t, dir)
	if len(rows) != 2 || rows[0].Strategy != "pipeline" || rows[1].Strategy != "goroutine-per-task" {
		t.Errorf("%d rows, want the pipeline and goroutine-per-task trials", len(rows))
	}
	if !strings.Contains(progress.String(), "skipped serial/cpu") {
		t.Errorf("progress does not report the skip:\n%s", progress.String())
	}
}

func TestSweepStartAtRefusals(t *testing.T) {
	var calls atomic.Int64
	conns := sweepFake(t, &calls, nil)
	opts := sweepOptions(t)
	opts.StartAt = time.Now().Add(time.Hour)
	opts.Resume = t.TempDir()
	if _, err := sweep.Run(t.Context(), conns, nil, opts); err == nil || !strings.Contains(err.Error(), "--start-at and --resume") {
		t.Errorf("--start-at with --resume: %v", err)
	}
	if entries, _ := os.ReadDir(opts.ReportsDir); len(entries) != 0 {
		t.Errorf("a refused sweep made %d folders", len(entries))
	}
}
