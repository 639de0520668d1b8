package main

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// The fault tests run stratbench as real processes: the test binary acts as
// the command when runMainEnv is set (see TestMain). Each is bounded in
// trials and time; together they take about 10 s on 2 cores.

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a child's
// output copier and the reads of a test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is a `stratbench` process run from the test binary.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan struct{} // closed once cmd.Wait returned
	err            error         // cmd.Wait's result, set before exited closes
}

// startChild runs `stratbench args...` as a child process. Cleanup kills
// it if it still runs and waits for it.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: exec.Command(exe, args...), exited: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), runMainEnv+"=1")
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	c.cmd.WaitDelay = 2 * time.Second // a grandchild holding the pipes may delay Wait only this long
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { // owned by c: cleanup waits for exited
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill() // fails once it exited
		<-c.exited
	})
	return c
}

// waitFor waits until the child's stderr contains s, failing t if the
// child exits or timeout passes first.
func (c *child) waitFor(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(c.stderr.String(), s) {
		select {
		case <-c.exited:
			if strings.Contains(c.stderr.String(), s) {
				return
			}
			t.Fatalf("child exited (%v) before writing %q; stderr:\n%s", c.err, s, c.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q on stderr within %v; stderr:\n%s", s, timeout, c.stderr.String())
		}
	}
}

// wait waits up to timeout for the child to exit and returns its exit
// code, -1 when a signal ended it.
func (c *child) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(timeout):
		t.Fatalf("child still runs after %v; stderr:\n%s", timeout, c.stderr.String())
	}
	var exit *exec.ExitError
	if c.err != nil && !errors.As(c.err, &exit) {
		t.Fatalf("child: %v", c.err)
	}
	return c.cmd.ProcessState.ExitCode()
}

// writeFaultMatrix writes a matrix of cells × trials io trials of duration
// each and returns its path.
func writeFaultMatrix(t *testing.T, strategies []string, trials int, duration string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "faults.json")
	doc := `{"strategies":["` + strings.Join(strategies, `","`) + `"],"workloads":["io"],"io_latency":["1ms"],"tasks":[1],
		"concurrency":[2],"duration":"` + duration + `","warmup":"0s","timeout":"2s","trials":` + strconv.Itoa(trials) + `}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// trialKeys returns the "cell key trial=N" of every planned trial of the
// report folder dir's matrix.
func trialKeys(t *testing.T, dir string) []string {
	t.Helper()
	m, err := sweep.LoadMatrix(filepath.Join(dir, sweep.MatrixFile))
	if err != nil {
		t.Fatalf("matrix of %s: %v", dir, err)
	}
	plan, err := m.Trials()
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(plan))
	for i, p := range plan {
		keys[i] = p.Cell.Key() + " trial=" + strconv.Itoa(p.Index)
	}
	return keys
}

func rowKey(r record.Row) string { return r.CellKey() + " trial=" + strconv.Itoa(r.Trial) }

// checkReport checks that the report folder dir is readable as a crash
// may leave it: matrix.json and hosts.json whole, results.csv whole rows
// only (or absent), each row's histogram file present. It returns the rows.
func checkReport(t *testing.T, dir string) []record.Row {
	t.Helper()
	if _, err := sweep.LoadMatrix(filepath.Join(dir, sweep.MatrixFile)); err != nil {
		t.Errorf("matrix.json: %v", err)
	}
	if _, err := record.ReadHostsFile(filepath.Join(dir, sweep.HostsFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("hosts.json: %v", err)
	}
	rows, err := record.ReadCSVFile(filepath.Join(dir, sweep.ResultsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatalf("results.csv is not whole rows: %v", err)
	}
	for i, r := range rows {
		if _, err := histogram.ReadTrialFile(filepath.Join(dir, filepath.FromSlash(r.Histogram))); err != nil {
			t.Errorf("row %d names histogram file %s: %v", i+1, r.Histogram, err)
		}
	}
	return rows
}

// TestFaultServerKilledMidSweep: a sweep against a real `serve` process
// whose server is SIGKILLed during the second trial records that trial and
// the next ones with their UNAVAILABLE counts and complete=false, keeps
// the CSV valid, stops after MaxFailedTrialsInARow failed trials saying
// how to resume, and `sweep --resume` against a new server re-runs exactly
// the trials that were not complete.
func TestFaultServerKilledMidSweep(t *testing.T) {
	srv, addr, _ := startServe(t)
	matrix := writeFaultMatrix(t, []string{"serial", "goroutine-per-task", "pool"}, 2, "500ms")

	// The kill lands 100 ms into the second trial: the first trial's
	// progress line is written when it ends.
	firstDone := make(chan struct{})
	stderr := &triggerWriter{on: "[1/", fire: func() { close(firstDone) }}
	finished := make(chan struct{})
	var killer sync.WaitGroup
	killer.Go(func() {
		select {
		case <-firstDone:
			time.Sleep(100 * time.Millisecond)
			if err := srv.Process.Kill(); err != nil {
				t.Errorf("kill the server: %v", err)
			}
		case <-finished:
		}
	})
	var stdout bytes.Buffer
	reports := t.TempDir()
	code := run(t.Context(), []string{"sweep", "--target", addr, "--matrix", matrix, "--reports", reports}, &stdout, stderr)
	close(finished)
	killer.Wait()
	errText := stderr.String()
	dir := lastLine(stdout.String())
	if code != 1 {
		t.Fatalf("sweep exit %d, want 1; stderr:\n%s", code, errText)
	}
	if want := "resume with: stratbench sweep --resume " + dir + " --target " + addr; !strings.Contains(errText, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errText)
	}
	if !strings.Contains(errText, "UNAVAILABLE=") {
		t.Errorf("stderr does not name UNAVAILABLE:\n%s", errText)
	}

	rows := checkReport(t, dir)
	if len(rows) < 1+sweep.MaxFailedTrialsInARow {
		t.Fatalf("%d rows, want the first trial and at least %d failed ones", len(rows), sweep.MaxFailedTrialsInARow)
	}
	plan := trialKeys(t, dir)
	done := map[string]bool{}
	for i, r := range rows {
		if i == 0 {
			if !r.Complete || r.Errors != 0 || rowKey(r) != plan[0] {
				t.Errorf("row 1 = %s complete %v errors %v, want %s complete without errors", rowKey(r), r.Complete, r.ErrorsByCode, plan[0])
			}
			done[rowKey(r)] = true
			continue
		}
		var byCode uint64
		for _, n := range r.ErrorsByCode {
			byCode += n
		}
		if r.Complete || r.ErrorsByCode["UNAVAILABLE"] == 0 || byCode != r.Errors {
			t.Errorf("row %d (%s): complete %v, %d errors by code %v; want complete=false with UNAVAILABLE counted",
				i+1, rowKey(r), r.Complete, r.Errors, r.ErrorsByCode)
		}
	}
	var want []string // the trials a resume must run, in plan order
	for _, k := range plan {
		if !done[k] {
			want = append(want, k)
		}
	}

	_, addr2, _ := startServe(t)
	stdout.Reset()
	var stderr2 bytes.Buffer
	if code := run(t.Context(), []string{"sweep", "--resume", dir, "--target", addr2}, &stdout, &stderr2); code != 0 {
		t.Fatalf("resume: exit %d; stderr:\n%s", code, stderr2.String())
	}
	after := checkReport(t, dir)
	for i := range rows {
		if !rowsEqual(after[i], rows[i]) {
			t.Errorf("resume changed row %d", i+1)
		}
	}
	var ran []string
	for _, r := range after[len(rows):] {
		if !r.Complete {
			t.Errorf("resumed %s is incomplete: %v", rowKey(r), r.ErrorsByCode)
		}
		ran = append(ran, rowKey(r))
	}
	if !slices.Equal(ran, want) {
		t.Errorf("resume ran\n  %s\nwant\n  %s", strings.Join(ran, "\n  "), strings.Join(want, "\n  "))
	}
}

// rowsEqual compares rows by their CSV-visible fields.
func rowsEqual(a, b record.Row) bool {
	return rowKey(a) == rowKey(b) && a.Complete == b.Complete && a.Requests == b.Requests &&
		a.Errors == b.Errors && a.Histogram == b.Histogram && a.RunID == b.RunID
}

// triggerWriter is a syncBuffer that calls fire once, the first time the
// text written contains on.
type triggerWriter struct {
	syncBuffer
	on    string
	fire  func()
	fired bool
}

func (w *triggerWriter) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.fired && strings.Contains(w.buf.String(), w.on) {
		w.fired = true
		w.fire()
	}
	return n, err
}

// TestFaultClientKilledWhileWriting SIGKILLs `stratbench sweep` (with its
// local server) at random moments while trials end and rows are written:
// every time the report folder holds whole rows only, each naming an
// existing histogram file, and `sweep --resume` completes it.
func TestFaultClientKilledWhileWriting(t *testing.T) {
	const kills = 4
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	matrix := writeFaultMatrix(t, []string{"serial", "goroutine-per-task", "pool", "semaphore", "pipeline"}, 2, "50ms")
	for i := range kills {
		reports := t.TempDir()
		child := startChild(t, "sweep", "--matrix", matrix, "--reports", reports)
		dir := waitForFolder(t, child, reports)
		// Ten trials of 50 ms plus their writes take over half a second.
		delay := time.Duration(rng.Int64N(int64(450 * time.Millisecond)))
		time.Sleep(delay)
		if err := child.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Logf("kill %d: %v (the sweep had ended)", i+1, err)
		}
		child.wait(t, 10*time.Second)
		rows := checkReport(t, dir)
		t.Logf("kill %d after %v: %d whole rows", i+1, delay.Round(time.Millisecond), len(rows))

		resume := startChild(t, "sweep", "--resume", dir)
		if code := resume.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("resume after kill %d: exit %d; stderr:\n%s", i+1, code, resume.stderr.String())
		}
		done := map[string]int{}
		for _, r := range checkReport(t, dir) {
			if r.Complete {
				done[rowKey(r)]++
			}
		}
		for _, k := range trialKeys(t, dir) {
			if done[k] != 1 {
				t.Errorf("after kill %d and resume, %s is complete in %d rows, want 1", i+1, k, done[k])
			}
		}
	}
}

// waitForFolder waits until the sweep has made its report folder in
// reports and returns it.
func waitForFolder(t *testing.T, c *child, reports string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, err := os.ReadDir(reports)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 1 {
			dir := filepath.Join(reports, entries[0].Name())
			// matrix.json is written just after the folder is made.
			if _, err := os.Stat(filepath.Join(dir, sweep.MatrixFile)); err == nil {
				return dir
			}
		}
		select {
		case <-c.exited:
			t.Fatalf("sweep exited (%v) before making its folder; stderr:\n%s", c.err, c.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no report folder in %s after 10 s; stderr:\n%s", reports, c.stderr.String())
		}
	}
}

// TestFaultSIGINT: Ctrl-C in the middle of `run --out` and of `sweep`
// keeps the completed rows, ends with exit status 1 and, for the sweep,
// says how to resume; the resume then completes the sweep.
func TestFaultSIGINT(t *testing.T) {
	t.Run("run", func(t *testing.T) {
		csv := filepath.Join(t.TempDir(), "out.csv")
		r := startChild(t, "run", "--out", csv, "--trials", "4", "--duration", "300ms", "--warmup", "0s",
			"--concurrency", "2", "--strategy", "pool", "--workload", "io", "--io-latency", "1ms")
		r.waitFor(t, "trial 2/4", 15*time.Second)
		time.Sleep(100 * time.Millisecond)
		interrupt(t, r)
		if code := r.wait(t, 5*time.Second); code != 1 {
			t.Fatalf("exit %d, want 1; stderr:\n%s", code, r.stderr.String())
		}
		if !strings.Contains(r.stderr.String(), "interrupted after") || !strings.Contains(r.stderr.String(), "completed rows are kept") {
			t.Errorf("stderr does not report the interruption:\n%s", r.stderr.String())
		}
		rows, err := record.ReadCSVFile(csv)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 1 || !rows[0].Complete || rows[0].Trial != 1 {
			t.Fatalf("rows %+v, want trial 1 complete first", rows)
		}
		for _, r := range rows[1:] {
			if r.Complete {
				t.Errorf("trial %d, interrupted, is complete", r.Trial)
			}
		}
		if _, err := histogram.ReadTrialFile(filepath.Join(filepath.Dir(csv), filepath.FromSlash(rows[0].Histogram))); err != nil {
			t.Errorf("histogram of trial 1: %v", err)
		}
	})
	t.Run("sweep", func(t *testing.T) {
		matrix := writeFaultMatrix(t, []string{"serial", "pool", "pipeline"}, 1, "300ms")
		s := startChild(t, "sweep", "--matrix", matrix, "--reports", t.TempDir())
		s.waitFor(t, "[1/3]", 15*time.Second)
		time.Sleep(100 * time.Millisecond)
		interrupt(t, s)
		if code := s.wait(t, 5*time.Second); code != 1 {
			t.Fatalf("exit %d, want 1; stderr:\n%s", code, s.stderr.String())
		}
		dir := lastLine(s.stdout.String())
		if want := "resume with: stratbench sweep --resume " + dir; !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, s.stderr.String())
		}
		rows := checkReport(t, dir)
		if len(rows) < 1 || !rows[0].Complete {
			t.Fatalf("rows %+v, want the first trial complete", rows)
		}
		resume := startChild(t, "sweep", "--resume", dir)
		if code := resume.wait(t, 15*time.Second); code != 0 {
			t.Fatalf("resume: exit %d; stderr:\n%s", code, resume.stderr.String())
		}
		after := checkReport(t, dir)
		if !rowsEqual(after[0], rows[0]) {
			t.Errorf("resume changed the completed row")
		}
		done := map[string]bool{}
		for _, r := range after {
			if r.Complete {
				done[rowKey(r)] = true
			}
		}
		if len(done) != 3 {
			t.Errorf("%d of 3 trials complete after resume", len(done))
		}
	})
}

// interrupt sends the child SIGINT, as Ctrl-C does.
func interrupt(t *testing.T, c *child) {
	t.Helper()
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
}
