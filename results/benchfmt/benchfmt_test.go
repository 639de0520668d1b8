package benchfmt_test

import (
	"bytes"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/benchfmt"
	"github.com/stratbench/stratbench/results/record"
)

// benchSource returns a Source of 5 complete trials each of two cells
// (pool and serial, io work) on host, plus one incomplete trial.
func benchSource(rng *rand.Rand, host string, speed float64, hosts *record.Hosts) *record.Source {
	s := &record.Source{Path: host, Hosts: hosts}
	for _, strategy := range []string{"pool", "serial"} {
		for i := 1; i <= 5; i++ {
			r := resultstest.CellRow(host, 8, i, speed*(1000+20*rng.NormFloat64()))
			r.Strategy, r.Workload, r.CPUIterations, r.IOLatencyMs = strategy, "io", 0, 2.5
			r.ServerCPUModel, r.ServerGoVersion, r.ClientHost = "Test CPU @ 3GHz", "go1.26.8", "loader"
			r.P99Ms, r.P50Ms = 4.25/speed, 1.5/speed
			s.Rows = append(s.Rows, r)
		}
	}
	cut := s.Rows[0]
	cut.Complete = false
	s.Rows = append(s.Rows, cut)
	return s
}

func TestWriteGolden(t *testing.T) {
	hosts, err := record.ParseHosts([]byte(`{"server":{"os":"linux","arch":"amd64"}}`))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	src := benchSource(rng, "box-a", 1, hosts)
	src.Rows = src.Rows[:2]
	open := src.Rows[1]
	open.Mode, open.TargetRPS, open.Concurrency, open.Workload, open.CPUIterations = "open", 200, 1000, "mixed", 500
	src.Rows = append(src.Rows, open)
	var buf bytes.Buffer
	if err := benchfmt.Write(&buf, []*record.Source{src}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "benchfmt.golden.txt", buf.Bytes())
}

func TestBenchmarkName(t *testing.T) {
	r := resultstest.CellRow("h", 8, 1, 1)
	tests := []struct {
		edit func(*record.Row)
		want string
	}{
		{func(*record.Row) {}, "BenchmarkRun/strategy=pool/workload=cpu/scope=job/tasks=16/parallelism=4/iterations=1000/concurrency=8"},
		{func(r *record.Row) { r.Workload, r.IOLatencyMs = "io", 10 },
			"BenchmarkRun/strategy=pool/workload=io/scope=job/tasks=16/parallelism=4/io=10ms/concurrency=8"},
		{func(r *record.Row) { r.Workload, r.IOLatencyMs, r.Scope = "mixed", 0.5, "server" },
			"BenchmarkRun/strategy=pool/workload=mixed/scope=server/tasks=16/parallelism=4/iterations=1000/io=0.5ms/concurrency=8"},
		{func(r *record.Row) { r.Mode, r.TargetRPS, r.Concurrency = "open", 250.5, 100 },
			"BenchmarkRun/strategy=pool/workload=cpu/scope=job/tasks=16/parallelism=4/iterations=1000/rate=250.5/max-in-flight=100"},
		{func(r *record.Row) { r.Workload, r.Sync = "counter", "none" },
			"BenchmarkRun/strategy=pool/workload=counter/sync=none/scope=job/tasks=16/parallelism=4/iterations=1000/concurrency=8"},
		{func(r *record.Row) { r.Workload, r.LockOrder, r.Accounts = "transfer", "try", 8 },
			"BenchmarkRun/strategy=pool/workload=transfer/lock-order=try/accounts=8/scope=job/tasks=16/parallelism=4/iterations=1000/concurrency=8"},
		{func(r *record.Row) { r.Strategy = "odd name/x" },
			"BenchmarkRun/strategy=odd_name_x/workload=cpu/scope=job/tasks=16/parallelism=4/iterations=1000/concurrency=8"},
	}
	for _, tt := range tests {
		row := r
		tt.edit(&row)
		if got := benchfmt.Name(row); got != tt.want {
			t.Errorf("BenchmarkName = %s\nwant %s", got, tt.want)
		}
	}
}

// TestBenchstatReadsExport runs the benchstat pinned in tools/go.mod on two
// exports, host A and host B (B 30% faster), and on one export split by
// strategy, and checks that it reads every metric and both hosts.
func TestBenchstatReadsExport(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	if testing.Short() {
		t.Skip("builds benchstat; skipped with -short")
	}
	modfile, err := filepath.Abs(filepath.Join("..", "..", "tools", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(9, 9))
	write := func(name string, s *record.Source) string {
		var buf bytes.Buffer
		if err := benchfmt.Write(&buf, []*record.Source{s}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.txt", benchSource(rng, "box-a", 1, nil))
	b := write("b.txt", benchSource(rng, "box-b", 1.3, nil))
	benchstat := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), goTool, append([]string{"tool", "-modfile=" + modfile, "benchstat"}, args...)...)
		cmd.Dir = filepath.Dir(filepath.Dir(modfile)) // the repository root: -modfile needs a main module
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("benchstat %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := benchstat(a, b)
	t.Logf("benchstat a.txt b.txt:\n%s", out)
	// benchstat tidies the -ns units into seconds: p99-ns reads p99-sec.
	for _, want := range []string{"tasks/s", "p99-sec", "p50-sec", "strategy=pool", "strategy=serial", "a.txt", "b.txt", "box-a", "box-b"} {
		if !strings.Contains(out, want) {
			t.Errorf("benchstat output lacks %q", want)
		}
	}
	out = benchstat("-col", "/strategy", a)
	t.Logf("benchstat -col /strategy a.txt:\n%s", out)
	for _, want := range []string{"pool", "serial", "tasks/s", "box-a"} {
		if !strings.Contains(out, want) {
			t.Errorf("benchstat -col /strategy output lacks %q", want)
		}
	}
	out = benchstat("-col", "host", a, b)
	t.Logf("benchstat -col host:\n%s", out)
	for _, want := range []string{"box-a", "box-b", "tasks/s", "p99-sec", "+30", "-23.08%", "p=0.008 n=5"} {
		if !strings.Contains(out, want) {
			t.Errorf("benchstat -col host output lacks %q", want)
		}
	}
}
