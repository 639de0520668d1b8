package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/profiles"
	"github.com/stratbench/stratbench/results/record"
)

// runRows runs `stratbench run --target addr args...` into a fresh CSV and
// returns its rows.
func runRows(t *testing.T, addr string, args ...string) []record.Row {
	t.Helper()
	out := filepath.Join(t.TempDir(), "r.csv")
	args = append([]string{"--target", addr, "--out", out, "--warmup", "0s", "--concurrency", "1"}, args...)
	if err := runCmd(t.Context(), args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows, err := record.ReadCSVFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	return rows
}

// TestKnownEffectsEndToEnd drives a real server process limited to two
// cores (GOMAXPROCS=2) through `stratbench run` and checks that the
// runtime columns show the two known effects, each compared within the test
// with wide margins and no wall-clock bound:
//   - 1 000 CPU tasks per job at parallelism 2: goroutine-per-task's
//     scheduler-latency p99 is above 2× pool's and its goroutine peak above
//     4× pool's;
//   - a contended counter under --sync mutex waits on the mutex (above 0 and
//     above 10× the wait under --sync atomic, which counts only the
//     runtime's own locks).
func TestKnownEffectsEndToEnd(t *testing.T) {
	t.Setenv("GOMAXPROCS", "2")
	_, addr, _ := startServe(t)

	cpu := func(strategy string) record.Runtime {
		return runRows(t, addr, "--strategy", strategy, "--workload", "cpu", "--tasks", "1000",
			"--cpu-iterations", "100", "--parallelism", "2", "--requests", "3")[0].Runtime
	}
	gpt, pool := cpu("goroutine-per-task"), cpu("pool")
	t.Logf("goroutine-per-task: sched p99 %v µs, goroutines %v; pool: sched p99 %v µs, goroutines %v",
		gpt.SchedLatencyP99Us, gpt.GoroutinesPeak, pool.SchedLatencyP99Us, pool.GoroutinesPeak)
	for name, o := range map[string]record.Optional{
		"gpt sched p99": gpt.SchedLatencyP99Us, "pool sched p99": pool.SchedLatencyP99Us,
		"gpt goroutines": gpt.GoroutinesPeak, "pool goroutines": pool.GoroutinesPeak,
		"gpt cpu per task": gpt.ServerCPUUsPerTask,
	} {
		if !o.Valid {
			t.Fatalf("%s absent", name)
		}
	}
	if !(gpt.SchedLatencyP99Us.Value > 2*pool.SchedLatencyP99Us.Value) {
		t.Errorf("sched p99: goroutine-per-task %v µs, pool %v µs; want above 2×", gpt.SchedLatencyP99Us.Value, pool.SchedLatencyP99Us.Value)
	}
	if !(gpt.GoroutinesPeak.Value > 4*pool.GoroutinesPeak.Value) {
		t.Errorf("goroutines peak: goroutine-per-task %v, pool %v; want above 4×", gpt.GoroutinesPeak.Value, pool.GoroutinesPeak.Value)
	}

	counter := func(sync string) record.Runtime {
		return runRows(t, addr, "--strategy", "goroutine-per-task", "--workload", "counter", "--sync", sync,
			"--tasks", "8", "--cpu-iterations", "30000", "--requests", "3")[0].Runtime
	}
	mutex, atomic := counter("mutex"), counter("atomic")
	t.Logf("mutex wait: mutex %v ms, atomic %v ms", mutex.MutexWaitMs, atomic.MutexWaitMs)
	if !mutex.MutexWaitMs.Valid || !atomic.MutexWaitMs.Valid {
		t.Fatal("mutex_wait_ms absent")
	}
	if !(mutex.MutexWaitMs.Value > 0 && mutex.MutexWaitMs.Value > 10*atomic.MutexWaitMs.Value) {
		t.Errorf("mutex wait: mutex %v ms, atomic %v ms; want mutex above 0 and above 10× atomic", mutex.MutexWaitMs.Value, atomic.MutexWaitMs.Value)
	}
}

// TestRunProfileCPUAndReport records a CPU profile of a real server with
// `run --profile cpu`, checks that the file beside the histograms parses
// and shows the strategy's own code among its hottest functions, and that
// `report` lists the cell's top functions with a link to the file.
func TestRunProfileCPUAndReport(t *testing.T) {
	_, addr, _ := startServe(t)
	out := filepath.Join(t.TempDir(), "r.csv")
	args := []string{"--target", addr, "--out", out, "--warmup", "0s", "--concurrency", "2", "--profile", "cpu",
		"--strategy", "pool", "--workload", "cpu", "--tasks", "50", "--cpu-iterations", "2000", "--parallelism", "2", "--requests", "40"}
	if err := runCmd(t.Context(), args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	src, err := record.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	row := src.Rows[0]
	if !strings.HasSuffix(row.Profile, "/profiles/"+profiles.FileName("pool-cpu-c2", 1, "cpu")) {
		t.Fatalf("profile column %q", row.Profile)
	}
	top, err := profiles.SummarizeFiles([]string{src.ProfilePath(row)}, 5)
	if err != nil {
		t.Fatal(err)
	}
	own := false
	for _, f := range top.ByCum {
		own = own || strings.Contains(f.Name, "stratbench/strategies.")
	}
	if top.SampleType != "cpu" || !own {
		t.Errorf("profile sums %s; hottest by total %+v; want cpu with the strategy's code", top.SampleType, top.ByCum)
	}
	var stdout strings.Builder
	if err := reportCmd(t.Context(), []string{out}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(strings.TrimSpace(stdout.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<section id="profiles">`, `href="` + row.Profile + `"`, "stratbench/strategies.", `<section id="why">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
