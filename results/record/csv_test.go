package record_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/record"
)

// sampleRow is a fully populated row; the golden file renders it.
func sampleRow() record.Row {
	return record.Row{
		SchemaVersion:        record.SchemaVersion,
		RunID:                "run-20250101-abc",
		StartedAt:            time.Date(2025, 1, 2, 3, 4, 5, 600_000_000, time.UTC),
		ServerHost:           "bench-1",
		ServerCPUModel:       `AMD EPYC 9654 96-Core, "Genoa"`,
		ServerLogicalCPUs:    192,
		ServerGOMAXPROCS:     96,
		ServerGoVersion:      "go1.26.8",
		ServerNsPerIteration: 1.23456789,
		ClientHost:           "loadgen-0",
		ClientLogicalCPUs:    16,
		Strategy:             "pool",
		Workload:             "mixed",
		Scope:                "job",
		Tasks:                64,
		Parallelism:          8,
		CPUIterations:        100_000,
		IOLatencyMs:          2.5,
		Mode:                 "open",
		Concurrency:          256,
		TargetRPS:            5000,
		Connections:          4,
		WarmupS:              5,
		DurationS:            30,
		Trial:                3,
		Requests:             150_000,
		Errors:               4,
		ThroughputRPS:        4999.8667,
		TasksPerS:            319991.4688,
		MeanMs:               3.14159265,
		P50Ms:                2.9,
		P90Ms:                4.25,
		P99Ms:                8.125,
		P999Ms:               17.5,
		MaxMs:                42.0625,
		UncorrectedP99Ms:     7.75,
		ServerP50Ms:          2.7,
		ServerP99Ms:          7.9,
		QueueP99Ms:           0.0125,
		LateSends:            12,
		ClientCPUPct:         37.5,
		ClientSaturated:      false,
		ErrorsByCode:         map[string]uint64{"UNAVAILABLE": 1, "DEADLINE_EXCEEDED": 3},
		Complete:             true,
		Histogram:            "hist/run-20250101-abc/pool-mixed-t3.sbt",
		InvariantOK:          true,
		Runtime: record.Runtime{
			ServerCPUS: record.Some(41.25), ServerCPUUsPerTask: record.Some(4.2969),
			SchedLatencyP50Us: record.Some(12.5), SchedLatencyP99Us: record.Some(812.25),
			GCCPUPct: record.Some(3.125), AllocsPerTask: record.Some(2.0001), BytesPerTask: record.Some(96),
			MutexWaitMs: record.Some(0), GoroutinesPeak: record.Some(1042), HeapPeakMB: record.Some(17.5),
			// ThrottledS absent: the server has no CPU quota.
		},
		Profile:         "profiles/pool-mixed-t3.cpu.pb.gz",
		IOWaitMeanMs:    2.7625,
		ServerWaitP50Ms: 0.0375,
		ServerWaitP99Ms: 1.5,
		OverheadP50Ms:   0.2,
		OverheadP99Ms:   0.875,
	}
}

// sharedRows returns a counter row that lost updates and a transfer row
// whose invariant broke, each a variation of sampleRow.
func sharedRows() []record.Row {
	c := sampleRow()
	c.Workload, c.Sync, c.IOLatencyMs, c.LostUpdates = "counter", "none", 0, 123_456
	c.IOWaitMeanMs = math.NaN() // no I/O wait: absent
	c.Histogram = "hist/run-20250101-abc/pool-counter-t3.sbt"
	tr := sampleRow()
	tr.Workload, tr.LockOrder, tr.Accounts, tr.IOLatencyMs = "transfer", "try", 8, 0
	tr.InvariantOK, tr.LockRetries = false, 42
	tr.Histogram = "hist/run-20250101-abc/pool-transfer-t3.sbt"
	return []record.Row{c, tr}
}

// rounded returns r as it reads back: floats at 4 decimal places.
func rounded(r record.Row) record.Row {
	r.ServerNsPerIteration = 1.2346
	r.MeanMs = 3.1416
	return r
}

func TestHeaderHasCoreThenExtraColumns(t *testing.T) {
	h := record.Header()
	if len(h) != 82 || len(record.HeaderOf(1)) != 51 || record.HeaderOf(3) != nil {
		t.Fatalf("Header() has %d columns, HeaderOf(1) %d; want 42 core + 3 extras + 6 shared-state + 14 of version 2 + 5 server-split + 12 runtime, and 51",
			len(h), len(record.HeaderOf(1)))
	}
	if !slices.Equal(h[:51], record.HeaderOf(1)) {
		t.Errorf("version 2's columns do not start with version 1's")
	}
	if h[0] != "schema_version" || h[41] != "client_saturated" {
		t.Errorf("core columns span %q..%q, want schema_version..client_saturated", h[0], h[41])
	}
	if got := strings.Join(h[42:45], ","); got != "errors_by_code,complete,histogram" {
		t.Errorf("extras = %s", got)
	}
	if got := strings.Join(h[45:51], ","); got != "sync,lock_order,accounts,lost_updates,invariant_ok,lock_retries" {
		t.Errorf("shared-state columns = %s", got)
	}
	if got := strings.Join(h[65:70], ","); got != "io_wait_mean_ms,server_wait_p50_ms,server_wait_p99_ms,overhead_p50_ms,overhead_p99_ms" {
		t.Errorf("version-2 server-split columns = %s", got)
	}
	if got, want := strings.Join(h[70:], ","), strings.Join(record.RuntimeColumns, ","); got != want {
		t.Errorf("runtime columns = %s, want %s", got, want)
	}
}

// TestReadVersion1Runtime reads a file of schema version 1: its rows have
// every runtime figure and the profile absent, and a Writer refuses to
// append to it.
func TestReadVersion1Runtime(t *testing.T) {
	row := string(mustRowLine(t))
	// Version 1's header and row: the current ones cut to version 1's
	// columns.
	fields, err := csv.NewReader(strings.NewReader(row)).Read()
	if err != nil {
		t.Fatal(err)
	}
	fields = append([]string{"1"}, fields[1:len(record.HeaderOf(1))]...)
	var v1Buf strings.Builder
	cw := csv.NewWriter(&v1Buf)
	if err := cw.Write(fields); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	v1Row := v1Buf.String()
	v1Header := strings.Join(record.HeaderOf(1), ",") + "\n"
	path := filepath.Join(t.TempDir(), "v1.csv")
	if err := os.WriteFile(path, []byte(v1Header+v1Row), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := record.ReadCSVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Runtime != (record.Runtime{}) || rows[0].Profile != "" {
		t.Fatalf("version 1 rows read as\n%+v\nwant one without runtime figures", rows)
	}
	for _, c := range record.RuntimeColumns {
		if rows[0].Has(c) {
			t.Errorf("a version 1 row has %s", c)
		}
	}
	if rows[0].Runtime.ServerCPUS.Valid || rows[0].Runtime.ServerCPUS.String() != "" {
		t.Errorf("server_cpu_s of a version 1 row = %+v, want absent", rows[0].Runtime.ServerCPUS)
	}
	if w, err := record.OpenWriter(path); err == nil || !errors.Is(err, record.ErrSchema) {
		if w != nil {
			w.Close()
		}
		t.Errorf("OpenWriter on a version 1 file: %v, want ErrSchema", err)
	}
	// A version 1 header with a version 2 row is refused.
	bad := filepath.Join(t.TempDir(), "mixed.csv")
	if err := os.WriteFile(bad, []byte(v1Header+"2"+v1Row[1:]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := record.ReadCSVFile(bad); !errors.Is(err, record.ErrSchema) {
		t.Errorf("version 2 row under a version 1 header: %v, want ErrSchema", err)
	}
}

// TestVersion1Reads: a version-1 file (the first 51 columns) reads, its
// rows keep schema_version 1, and the figures version 1 lacks are absent
// (NaN), never 0, and lacked (Has); written again, such a row stays
// version 1, and reads back absent.
func TestVersion1Reads(t *testing.T) {
	r := sampleRow()
	line, err := r.MarshalCSV()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		t.Fatal(err)
	}
	rec[0] = "1"
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(record.Header()[:51])
	cw.Write(rec[:51])
	cw.Flush()
	rows, err := record.ReadCSV(&buf)
	if err != nil || len(rows) != 1 {
		t.Fatalf("ReadCSV of a version-1 file: %d rows, %v", len(rows), err)
	}
	v1 := rows[0]
	if v1.SchemaVersion != 1 || v1.TasksPerS != r.TasksPerS {
		t.Errorf("version-1 row: schema %d tasks/s %v", v1.SchemaVersion, v1.TasksPerS)
	}
	for name, v := range map[string]float64{"io_wait_mean_ms": v1.IOWaitMeanMs, "server_wait_p50_ms": v1.ServerWaitP50Ms,
		"server_wait_p99_ms": v1.ServerWaitP99Ms, "overhead_p50_ms": v1.OverheadP50Ms, "overhead_p99_ms": v1.OverheadP99Ms} {
		if !math.IsNaN(v) {
			t.Errorf("%s = %v in a version-1 row, want absent (NaN)", name, v)
		}
	}
	if v1.Has("io_wait_mean_ms") || v1.Has("overhead_p99_ms") {
		t.Errorf("a version-1 row has the version-2 server-split columns")
	}
	buf.Reset()
	if err := record.WriteCSV(&buf, []record.Row{v1}); err != nil {
		t.Fatal(err)
	}
	back, err := record.ReadCSV(&buf)
	if err != nil || back[0].SchemaVersion != 1 || !math.IsNaN(back[0].OverheadP99Ms) {
		t.Errorf("read back: %+v, %v", back, err)
	}
	// Within version 2 the figures may be absent too: written empty, read
	// back NaN.
	r.IOWaitMeanMs, r.OverheadP99Ms = math.NaN(), math.NaN()
	buf.Reset()
	if err := record.WriteCSV(&buf, []record.Row{r}); err != nil {
		t.Fatal(err)
	}
	back, err = record.ReadCSV(&buf)
	if err != nil || back[0].SchemaVersion != record.SchemaVersion || !math.IsNaN(back[0].IOWaitMeanMs) || !math.IsNaN(back[0].OverheadP99Ms) {
		t.Errorf("version-2 row with absent figures read back: %+v, %v", back, err)
	}
}

func TestRowGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	resultstest.WriteRows(t, path, append([]record.Row{sampleRow()}, sharedRows()...)...)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "row.golden.csv", got)
}

func TestCSVRoundTripAndAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	a, b := sampleRow(), sampleRow()
	a.SchemaVersion = 0 // written as the current version
	a.ErrorsByCode = nil
	b.Trial = 4
	b.StartedAt = b.StartedAt.In(time.FixedZone("CET", 3600)) // written in UTC
	shared := sharedRows()
	resultstest.WriteRows(t, path, a)
	resultstest.WriteRows(t, path, b) // reopening appends without a second header
	resultstest.WriteRows(t, path, shared...)
	rows, err := record.ReadCSVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a.SchemaVersion = record.SchemaVersion
	b.StartedAt = b.StartedAt.UTC()
	want := []record.Row{rounded(a), rounded(b), rounded(shared[0]), rounded(shared[1])}
	if !resultstest.SameRows(rows, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", rows, want)
	}
}

func TestWriterConcurrentWritesStayWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	w, err := record.OpenWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				r := sampleRow()
				r.Trial = g*100 + i
				if err := w.Write(r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	rows, err := record.ReadCSVFile(path)
	if err != nil || len(rows) != 40 {
		t.Fatalf("ReadCSVFile = %d rows, %v; want 40", len(rows), err)
	}
}

func TestOpenWriterRefusesOtherSchemas(t *testing.T) {
	dir := t.TempDir()
	header := strings.Join(record.Header(), ",") + "\n"
	row := string(mustRowLine(t))
	tests := []struct {
		name    string
		content string
		wantErr error
		wantMsg string
	}{
		{"other columns", "schema_version,run_id\n2,x\n", record.ErrSchema, `found schema version "2"`},
		{"no schema column", "a,b\n", record.ErrSchema, "found schema version unknown"},
		{"other row version", header + strings.Replace(row, "2,", "1,", 1), record.ErrSchema, "schema_version 1 in a file of version 2"},
		{"version 1 file", strings.Join(record.HeaderOf(1), ",") + "\n", record.ErrSchema, "schema version 1, want 2; start a new file"},
		{"partial last row", header + row[:20], record.ErrTruncatedRow, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".csv")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			w, err := record.OpenWriter(path)
			if err == nil {
				w.Close()
				t.Fatal("OpenWriter accepted the file")
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q: want %v, naming %s and containing %q", err, tt.wantErr, path, tt.wantMsg)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.content {
				t.Error("refused file was modified")
			}
		})
	}
}

func TestOpenWriterRefusesUnterminatedLastRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	resultstest.WriteRows(t, path, sampleRow())
	data, _ := os.ReadFile(path)
	torn := bytes.TrimSuffix(data, []byte("\n")) // parses, but may have lost digits
	if err := os.WriteFile(path, torn, 0o644); err != nil {
		t.Fatal(err)
	}
	if w, err := record.OpenWriter(path); !errors.Is(err, record.ErrTruncatedRow) {
		if w != nil {
			_ = w.Close()
		}
		t.Fatalf("OpenWriter on a last row without newline = %v, want ErrTruncatedRow", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, torn) {
		t.Error("refused file was modified")
	}
}

// mustRowLine returns sampleRow's CSV line, with its newline.
func mustRowLine(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "one.csv")
	resultstest.WriteRows(t, path, sampleRow())
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, line, _ := bytes.Cut(data, []byte("\n"))
	return line
}

func TestWriterRefusesUnreadableRows(t *testing.T) {
	tests := []struct {
		name string
		edit func(*record.Row)
	}{
		{"other schema", func(r *record.Row) { r.SchemaVersion = 1 }},
		{"unknown schema", func(r *record.Row) { r.SchemaVersion = 3 }},
		{"NaN runtime figure", func(r *record.Row) { r.Runtime.GCCPUPct = record.Some(nan()) }},
		{"NaN", func(r *record.Row) { r.P99Ms = nan() }},
		{"line break", func(r *record.Row) { r.ServerHost = "a\nb" }},
		{"bad code", func(r *record.Row) { r.ErrorsByCode = map[string]uint64{"A=B": 1} }},
		{"year 10000", func(r *record.Row) { r.StartedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	}
	path := filepath.Join(t.TempDir(), "r.csv")
	w, err := record.OpenWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRow()
			tt.edit(&r)
			if err := w.Write(r); err == nil {
				t.Error("Write accepted the row")
			}
		})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRow()); err == nil {
		t.Error("Write after Close succeeded")
	}
	if rows, err := record.ReadCSVFile(path); err != nil || len(rows) != 0 {
		t.Errorf("file after refused writes: %d rows, %v; want header only", len(rows), err)
	}
}

func nan() float64 { var z float64; return z / z }

func TestCellKey(t *testing.T) {
	base := sampleRow()
	sameCell := []func(*record.Row){
		func(r *record.Row) { r.Trial = 9 },
		func(r *record.Row) { r.ServerHost, r.ClientHost, r.ServerCPUModel = "other", "other", "other" },
		func(r *record.Row) { r.RunID, r.StartedAt, r.P99Ms, r.Complete = "x", time.Time{}, 1, false },
		func(r *record.Row) { r.TargetRPS = 5000.00001 }, // below CSV precision
	}
	for i, edit := range sameCell {
		r := base
		edit(&r)
		if r.CellKey() != base.CellKey() {
			t.Errorf("edit %d changed the cell key: %s vs %s", i, r.CellKey(), base.CellKey())
		}
	}
	otherCell := []func(*record.Row){
		func(r *record.Row) { r.Strategy = "semaphore" },
		func(r *record.Row) { r.Sync = "mutex" },
		func(r *record.Row) { r.LockOrder = "ordered" },
		func(r *record.Row) { r.Accounts = 2 },
		func(r *record.Row) { r.Scope = "server" },
		func(r *record.Row) { r.Tasks = 65 },
		func(r *record.Row) { r.IOLatencyMs = 2.6 },
		func(r *record.Row) { r.Mode = "closed" },
		func(r *record.Row) { r.DurationS = 31 },
		// Every job and load parameter is in the key (schema version 2).
		func(r *record.Row) { r.TimeoutMs = 10000 },
		func(r *record.Row) { r.RequestCount = 500 },
		func(r *record.Row) { r.FailEvery = 7 },
		func(r *record.Row) { r.PanicEvery = 9 },
		func(r *record.Row) { r.FailFast = true },
		func(r *record.Row) { r.ErrorPolicy = "collect-all" },
	}
	for i, edit := range otherCell {
		r := base
		edit(&r)
		if r.CellKey() == base.CellKey() {
			t.Errorf("edit %d kept the cell key %s", i, r.CellKey())
		}
	}
	const want = "strategy=pool workload=mixed scope=job tasks=64 parallelism=8 cpu_iterations=100000 io_latency_ms=2.5 " +
		"mode=open concurrency=256 target_rps=5000 connections=4 warmup_s=5 duration_s=30"
	if got := base.CellKey(); got != want {
		t.Errorf("CellKey() = %s\nwant        %s", got, want)
	}
	if r := (record.Row{Strategy: "a b"}); !strings.HasPrefix(r.CellKey(), `strategy="a b" workload="" scope=""`) {
		t.Errorf("CellKey does not quote odd values: %s", r.CellKey())
	}
	full := base
	full.TimeoutMs, full.RequestCount, full.FailEvery, full.PanicEvery, full.FailFast, full.ErrorPolicy = 10000, 500, 7, 9, true, "fail-fast"
	if got := full.CellKey(); got != want+" timeout_ms=10000 request_count=500 fail_every=7 panic_every=9 fail_fast=true error_policy=fail-fast" {
		t.Errorf("CellKey() with every parameter set = %s", got)
	}
	sameCell = []func(*record.Row){
		func(r *record.Row) { r.LostUpdates, r.LockRetries, r.InvariantOK = 7, 9, false },
		// The version 2 figures are results, not parameters.
		func(r *record.Row) {
			r.ErrorRate, r.Unsent, r.P99AllMs, r.MaxAllMs, r.SendLagP99Ms = 0.5, 3, 9, 10, 0.2
			r.ServerBacklogged, r.FlagReasons = true, "server_backlogged: x"
		},
	}
	for i, edit := range sameCell {
		r := base
		edit(&r)
		if r.CellKey() != base.CellKey() {
			t.Errorf("shared-state figure edit %d changed the cell key: %s", i, r.CellKey())
		}
	}
	shared := sharedRows()
	for i, want := range []string{
		"strategy=pool workload=counter sync=none scope=job tasks=64 parallelism=8 cpu_iterations=100000 io_latency_ms=0 " +
			"mode=open concurrency=256 target_rps=5000 connections=4 warmup_s=5 duration_s=30",
		"strategy=pool workload=transfer lock_order=try accounts=8 scope=job tasks=64 parallelism=8 cpu_iterations=100000 io_latency_ms=0 " +
			"mode=open concurrency=256 target_rps=5000 connections=4 warmup_s=5 duration_s=30",
	} {
		if got := shared[i].CellKey(); got != want {
			t.Errorf("shared row %d: CellKey() = %s\nwant %s", i, got, want)
		}
	}
}

// TestReadVersion1 reads a file written by schema version 1: its rows load,
// say which columns they lack (absent, not zero), keep the cell keys they
// had, and write back as version 1.
func TestReadVersion1(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "row.v1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := record.ReadCSV(bytes.NewReader(data))
	if err != nil || len(rows) != 3 {
		t.Fatalf("ReadCSV of a version 1 file: %d rows, %v", len(rows), err)
	}
	for i, r := range rows {
		want := rounded(sampleRow())
		if i == 0 && (r.SchemaVersion != 1 || r.P99Ms != want.P99Ms || r.CellKey() != want.CellKey()) {
			t.Errorf("row 0 = version %d, p99 %v, key %s; want 1, %v, %s", r.SchemaVersion, r.P99Ms, r.CellKey(), want.P99Ms, want.CellKey())
		}
		if !r.Has("p99_ms") || !r.Has("lock_retries") || r.Has("error_rate") || r.Has("p99_all_ms") || r.Has("timeout_ms") || r.Has("no_such") {
			t.Errorf("row %d: Has says a version 1 row has the wrong columns", i)
		}
	}
	var v2 record.Row
	if !v2.Has("error_rate") || !v2.Has("flag_reasons") {
		t.Error("a current row lacks the version 2 columns")
	}
	var buf bytes.Buffer
	if err := record.WriteCSV(&buf, rows); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Errorf("version 1 rows written back: %v\n%s\nwant\n%s", err, buf.Bytes(), data)
	}
	if err := record.WriteCSV(&buf, append(rows, sampleRow())); !errors.Is(err, record.ErrSchema) {
		t.Errorf("WriteCSV of mixed versions = %v, want ErrSchema", err)
	}
	path := filepath.Join(t.TempDir(), "v1.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := record.OpenWriterVersion(path, 1)
	if err != nil {
		t.Fatalf("OpenWriterVersion(1) on a version 1 file: %v", err)
	}
	defer w.Close()
	if err := w.Write(rows[0]); err != nil {
		t.Errorf("appending a version 1 row: %v", err)
	}
	if err := w.Write(sampleRow()); !errors.Is(err, record.ErrSchema) {
		t.Errorf("appending a version 2 row to a version 1 file = %v, want ErrSchema", err)
	}
}

func TestCellKeyImplementation(t *testing.T) {
	r := sampleRow()
	own := r.CellKey()
	r.Implementation = "own"
	if r.CellKey() != own {
		t.Errorf("own: key %q, want %q as with no implementation", r.CellKey(), own)
	}
	r.Implementation = "ants"
	if k := r.CellKey(); !strings.HasPrefix(k, "strategy=pool implementation=ants workload=") {
		t.Errorf("ants: key %q", k)
	}
}
