package merge_test

import (
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/merge"
	"github.com/stratbench/stratbench/results/record"
)

// clientFolder writes a result folder for one load client holding rows,
// each with the trial file hists[i], and returns it loaded.
func clientFolder(t *testing.T, dir string, rows []record.Row, hists []*histogram.Trial) *record.Source {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, record.FolderHist), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		rows[i].Histogram = "hist/t" + string(rune('a'+i)) + ".sbt"
		if err := histogram.WriteTrialFile(filepath.Join(dir, filepath.FromSlash(rows[i].Histogram)), hists[i]); err != nil {
			t.Fatal(err)
		}
	}
	resultstest.WriteRows(t, filepath.Join(dir, record.FolderCSV), rows...)
	s, err := record.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// msOf returns d in float milliseconds.
func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestMergeEqualsOneHistogram splits one stream of latencies between two
// clients, merges their folders, and checks that the merged trial equals
// the histogram that recorded every sample, on disk too, and that counts
// and rates add.
func TestMergeEqualsOneHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	all := &histogram.Trial{Latency: histogram.New(), Server: histogram.New(), SendLag: histogram.New(), Unsent: histogram.New(), Errors: histogram.New()}
	halves := [2]*histogram.Trial{}
	for i := range halves {
		halves[i] = &histogram.Trial{Latency: histogram.New(), Server: histogram.New(), SendLag: histogram.New(), Unsent: histogram.New(), Errors: histogram.New()}
		// Client i had i errors of 2s and 300·i unsent sends of 1s.
		halves[i].Errors.RecordN(2*time.Second, uint64(i))
		all.Errors.RecordN(2*time.Second, uint64(i))
		halves[i].Unsent.RecordN(time.Second, uint64(300*i))
		all.Unsent.RecordN(time.Second, uint64(300*i))
	}
	for i := range 20000 {
		lat := time.Duration(rng.ExpFloat64() * float64(3*time.Millisecond))
		srv := lat / 2
		h := halves[rng.IntN(2)]
		if i%100 == 0 {
			h = halves[0] // lopsided split
		}
		h.Latency.Record(lat)
		h.Server.Record(srv)
		h.SendLag.Record(lat / 10)
		all.Latency.Record(lat)
		all.Server.Record(srv)
		all.SendLag.Record(lat / 10)
	}
	dir := t.TempDir()
	var srcs []*record.Source
	for i, h := range halves {
		r := resultstest.CellRow("server-1", 8, 1, float64(1000*(i+1)))
		r.ClientHost, r.ClientLogicalCPUs, r.ClientCPUPct = "client-"+string(rune('a'+i)), 4, float64(30+40*i)
		r.Requests = h.Latency.Count()
		r.Errors, r.LateSends = uint64(i), uint64(10*i)
		r.ErrorsByCode = map[string]uint64{"UNAVAILABLE": uint64(i)}
		r.ThroughputRPS = float64(100 * (i + 1))
		r.ClientSaturated = i == 1
		r.Unsent, r.ServerBacklogged = uint64(300*i), i == 0
		r.FlagReasons = []string{"server_backlogged: b", "client_saturated: c"}[i]
		r.StartedAt = time.Date(2025, 1, 2, 3, 4, 5-i, 0, time.UTC)
		srcs = append(srcs, clientFolder(t, filepath.Join(dir, r.ClientHost), []record.Row{r}, []*histogram.Trial{h}))
	}
	trials, err := merge.Clients(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 1 {
		t.Fatalf("%d merged trials, want 1", len(trials))
	}
	m := trials[0]
	if !m.Hist.Latency.Equal(all.Latency) || !m.Hist.Server.Equal(all.Server) {
		t.Fatal("merged histograms differ from the one that recorded every sample")
	}
	out := filepath.Join(dir, "merged")
	if err := merge.WriteFolder(out, srcs, trials); err != nil {
		t.Fatal(err)
	}
	back, err := record.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 1 || back.Hosts == nil {
		t.Fatalf("merged folder: %d rows, hosts %v", len(back.Rows), back.Hosts)
	}
	r := back.Rows[0]
	onDisk, err := histogram.ReadTrialFile(back.HistogramPath(r))
	if err != nil {
		t.Fatal(err)
	}
	if !onDisk.Latency.Equal(all.Latency) || !onDisk.Server.Equal(all.Server) || onDisk.Uncorrected != nil {
		t.Error("merged trial file differs from the one histogram of all samples")
	}
	// Percentiles come from the merged histogram (to the CSV's 4 decimals).
	l := all.Latency
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean_ms", r.MeanMs, msOf(l.Mean())},
		{"p50_ms", r.P50Ms, msOf(l.Quantile(0.5))},
		{"p90_ms", r.P90Ms, msOf(l.Quantile(0.9))},
		{"p99_ms", r.P99Ms, msOf(l.Quantile(0.99))},
		{"p999_ms", r.P999Ms, msOf(l.Quantile(0.999))},
		{"max_ms", r.MaxMs, msOf(l.Max())},
		{"server_p99_ms", r.ServerP99Ms, msOf(all.Server.Quantile(0.99))},
		{"requests", float64(r.Requests), 20000},
		{"errors", float64(r.Errors), 1},
		{"late_sends", float64(r.LateSends), 10},
		{"throughput_rps", r.ThroughputRPS, 300},
		{"tasks_per_s", r.TasksPerS, 3000},
		{"client_logical_cpus", float64(r.ClientLogicalCPUs), 8},
		{"client_cpu_pct", r.ClientCPUPct, 70},
		{"unsent", float64(r.Unsent), 300},
		{"error_rate", r.ErrorRate, 301.0 / 20300},
		{"p99_all_ms", r.P99AllMs, msOf(all.All().Quantile(0.99))},
		{"max_all_ms", r.MaxAllMs, 2000},
		{"send_lag_p99_ms", r.SendLagP99Ms, msOf(all.SendLag.Quantile(0.99))},
	} {
		if d := c.got - c.want; d > 5e-5 || d < -5e-5 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// 300 unsent sends of 1s in 20300 requests put the all-requests p99 at 1s.
	if r.P99AllMs < 990 || r.P99AllMs > 1010 {
		t.Errorf("p99_all_ms %v, want about 1000", r.P99AllMs)
	}
	if !r.ServerBacklogged || r.FlagReasons != "client-a: server_backlogged: b; client-b: client_saturated: c" {
		t.Errorf("server_backlogged %v, flag_reasons %q", r.ServerBacklogged, r.FlagReasons)
	}
	if r.ClientHost != "merged(2)" || !r.ClientSaturated || !r.Complete || r.ErrorsByCode["UNAVAILABLE"] != 1 {
		t.Errorf("client_host %q saturated %v complete %v codes %v", r.ClientHost, r.ClientSaturated, r.Complete, r.ErrorsByCode)
	}
	if want := time.Date(2025, 1, 2, 3, 4, 4, 0, time.UTC); !r.StartedAt.Equal(want) {
		t.Errorf("started_at %v, want the earliest %v", r.StartedAt, want)
	}
	// The merged cell is the load the server saw: 2 clients × 8 workers.
	want := srcs[0].Rows[0]
	want.Concurrency, want.Connections = 16, 2
	if r.CellKey() != want.CellKey() || r.Trial != 1 {
		t.Errorf("merged row is cell %s trial %d, want %s trial 1", r.CellKey(), r.Trial, want.CellKey())
	}
	if got := back.Hosts.Client.Get("hostname"); got != "merged(2)" {
		t.Errorf("hosts.json client hostname %q, want merged(2)", got)
	}
	if err := merge.WriteFolder(out, srcs, trials); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("merging into a used folder: %v, want a refusal", err)
	}
}

func TestClientsRefuses(t *testing.T) {
	dir := t.TempDir()
	h := &histogram.Trial{Latency: histogram.New()}
	h.Latency.Record(time.Millisecond)
	row := func(host string, c, trial int) record.Row {
		r := resultstest.CellRow(host, c, trial, 10)
		r.Requests = 1
		return r
	}
	hs := func(n int) []*histogram.Trial {
		out := make([]*histogram.Trial, n)
		for i := range out {
			out[i] = h
		}
		return out
	}
	base := clientFolder(t, filepath.Join(dir, "a"), []record.Row{row("s", 1, 1), row("s", 2, 1)}, hs(2))
	missing := clientFolder(t, filepath.Join(dir, "b"), []record.Row{row("s", 1, 1)}, hs(1))
	extra := clientFolder(t, filepath.Join(dir, "c"), []record.Row{row("s", 1, 1), row("s", 2, 1), row("s", 2, 2)}, hs(3))
	otherServer := clientFolder(t, filepath.Join(dir, "d"), []record.Row{row("t", 1, 1), row("t", 2, 1)}, hs(2))
	noHist := &record.Source{Path: "e", CSV: "e/results.csv", Rows: []record.Row{row("s", 1, 1), row("s", 2, 1)}}

	tests := []struct {
		name string
		srcs []*record.Source
		want []string
	}{
		{"one input", []*record.Source{base}, []string{"1 inputs"}},
		{"cell missing", []*record.Source{base, missing}, []string{"concurrency=2", "trial 1", "not in " + missing.Path}},
		{"extra trial", []*record.Source{base, extra}, []string{"concurrency=2", "trial 2", "is in " + extra.Path}},
		{"other server", []*record.Source{base, otherServer}, []string{`server host "s"`, `"t"`}},
		{"no trial file", []*record.Source{base, noHist}, []string{"names no trial file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := merge.Clients(tt.srcs)
			if err == nil {
				t.Fatal("Clients succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestClientsKeepsCompleteRow checks that a source holding a trial
// twice, cut short then rerun (as a resumed sweep leaves it), merges its
// complete row.
func TestClientsKeepsCompleteRow(t *testing.T) {
	dir := t.TempDir()
	h := &histogram.Trial{Latency: histogram.New()}
	h.Latency.RecordN(time.Millisecond, 10)
	cut, done := resultstest.CellRow("s", 1, 1, 5), resultstest.CellRow("s", 1, 1, 7)
	cut.Complete = false
	a := clientFolder(t, filepath.Join(dir, "a"), []record.Row{cut, done}, []*histogram.Trial{h, h})
	b := clientFolder(t, filepath.Join(dir, "b"), []record.Row{resultstest.CellRow("s", 1, 1, 7)}, []*histogram.Trial{h})
	trials, err := merge.Clients([]*record.Source{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 1 || !trials[0].Row.Complete || trials[0].Row.TasksPerS != 14 || trials[0].Hist.Latency.Count() != 20 {
		t.Errorf("merged %d trials: %+v", len(trials), trials[0].Row)
	}
	twice := clientFolder(t, filepath.Join(dir, "c"), []record.Row{done, done}, []*histogram.Trial{h, h})
	if _, err := merge.Clients([]*record.Source{twice, b}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("two complete rows of one trial: %v, want a refusal", err)
	}
}

// TestMergeSharedState checks that lost updates and lock retries add over
// clients and that one client's broken invariant breaks the merged row's.
func TestMergeSharedState(t *testing.T) {
	dir := t.TempDir()
	h := &histogram.Trial{Latency: histogram.New()}
	h.Latency.RecordN(time.Millisecond, 10)
	var srcs []*record.Source
	for i, ok := range []bool{true, false} {
		counter := resultstest.CellRow("s", 4, 1, 10)
		counter.Workload, counter.Sync, counter.LostUpdates, counter.InvariantOK = "counter", "none", uint64(100*(i+1)), true
		transfer := resultstest.CellRow("s", 4, 1, 10)
		transfer.Workload, transfer.LockOrder, transfer.Accounts = "transfer", "try", 8
		transfer.LockRetries, transfer.InvariantOK = uint64(5*(i+1)), ok
		srcs = append(srcs, clientFolder(t, filepath.Join(dir, string(rune('a'+i))),
			[]record.Row{counter, transfer}, []*histogram.Trial{h, h}))
	}
	trials, err := merge.Clients(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 2 {
		t.Fatalf("%d merged trials, want 2", len(trials))
	}
	c, tr := trials[0].Row, trials[1].Row
	if c.Sync != "none" || c.LostUpdates != 300 || !c.InvariantOK {
		t.Errorf("merged counter row: sync %q, lost %d, invariant %v; want none, 300, true", c.Sync, c.LostUpdates, c.InvariantOK)
	}
	if tr.LockOrder != "try" || tr.Accounts != 8 || tr.LockRetries != 15 || tr.InvariantOK {
		t.Errorf("merged transfer row: %q %d accounts, retries %d, invariant %v; want try, 8, 15, false",
			tr.LockOrder, tr.Accounts, tr.LockRetries, tr.InvariantOK)
	}
}

// TestMergeVersion1 merges two clients' version 1 folders: the result is a
// version 1 file, so the columns version 1 lacks stay absent, never zero;
// mixing versions is refused.
func TestMergeVersion1(t *testing.T) {
	dir := t.TempDir()
	var srcs []*record.Source
	for i := range 2 {
		h := &histogram.Trial{Latency: histogram.New()}
		h.Latency.RecordN(time.Duration(i+1)*time.Millisecond, 50)
		r := resultstest.CellRow("server-1", 4, 1, 1000)
		r.SchemaVersion, r.ClientHost, r.Requests = 1, "client-"+string(rune('a'+i)), 50
		src := filepath.Join(dir, r.ClientHost)
		if err := os.MkdirAll(filepath.Join(src, record.FolderHist), 0o755); err != nil {
			t.Fatal(err)
		}
		r.Histogram = "hist/t.sbt"
		if err := histogram.WriteTrialFile(filepath.Join(src, "hist", "t.sbt"), h); err != nil {
			t.Fatal(err)
		}
		var buf strings.Builder
		if err := record.WriteCSV(&buf, []record.Row{r}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, record.FolderCSV), []byte(buf.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := record.Load(src)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	trials, err := merge.Clients(srcs)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "merged")
	if err := merge.WriteFolder(out, srcs, trials); err != nil {
		t.Fatal(err)
	}
	back, err := record.Load(out)
	if err != nil || len(back.Rows) != 1 {
		t.Fatalf("merged version 1 folder: %v, %d rows", err, len(back.Rows))
	}
	if r := back.Rows[0]; r.SchemaVersion != 1 || r.Has("error_rate") || r.Requests != 100 {
		t.Errorf("merged row: version %d, has error_rate %v, requests %d; want 1, false, 100", r.SchemaVersion, r.Has("error_rate"), r.Requests)
	}
	srcs[1].Rows[0].SchemaVersion = 2
	if _, err := merge.Clients(srcs); err == nil || !strings.Contains(err.Error(), "merge results of one version") {
		t.Errorf("merging versions 1 and 2 = %v, want a refusal", err)
	}
}

// TestMergeServerSplit: two clients' server-wait and overhead histograms
// add exactly, so the merged percentiles are those of all their samples
// (1 ms × 30 and 9 ms × 70: p50 9 ms, within the histogram's 1/128), and
// io_wait_mean_ms is the clients' means weighted by their tasks/s:
// (2 × 1000 + 3 × 3000) ÷ 4000 = 2.75. A client without the figures
// (absent) leaves them out rather than counting as 0.
func TestMergeServerSplit(t *testing.T) {
	dir := t.TempDir()
	var srcs []*record.Source
	for i, c := range []struct {
		tasks, wait float64
		n           uint64
		d           time.Duration
	}{{1000, 2, 30, time.Millisecond}, {3000, 3, 70, 9 * time.Millisecond}, {500, math.NaN(), 0, 0}} {
		h := &histogram.Trial{Latency: histogram.New(), ServerWait: histogram.New(), Overhead: histogram.New()}
		h.Latency.RecordN(10*time.Millisecond, 100)
		if c.n > 0 {
			h.ServerWait.RecordN(c.d, c.n)
			h.Overhead.RecordN(c.d, c.n)
		}
		r := resultstest.CellRow("s", 4, 1, c.tasks)
		r.IOWaitMeanMs = c.wait
		srcs = append(srcs, clientFolder(t, filepath.Join(dir, string(rune('a'+i))), []record.Row{r}, []*histogram.Trial{h}))
	}
	trials, err := merge.Clients(srcs)
	if err != nil || len(trials) != 1 {
		t.Fatalf("%d trials, %v", len(trials), err)
	}
	m := trials[0].Row
	if math.Abs(m.IOWaitMeanMs-2.75) > 1e-9 {
		t.Errorf("io_wait_mean_ms %v, want 2.75", m.IOWaitMeanMs)
	}
	for name, v := range map[string]float64{"server_wait_p50_ms": m.ServerWaitP50Ms, "overhead_p50_ms": m.OverheadP50Ms} {
		if math.Abs(v-9) > 9.0/128 {
			t.Errorf("%s %v, want 9 within 1/128", name, v)
		}
	}
	if math.Abs(m.ServerWaitP99Ms-9) > 9.0/128 {
		t.Errorf("server_wait_p99_ms %v, want 9", m.ServerWaitP99Ms)
	}
}
