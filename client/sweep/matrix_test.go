package sweep_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/internal/golden"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

func TestParseMatrixFillsDefaults(t *testing.T) {
	m, err := sweep.ParseMatrix(strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &sweep.Matrix{
		Strategies:    []string{"serial", "goroutine-per-task", "pool", "semaphore", "pipeline"},
		Workloads:     []string{"cpu"},
		Scopes:        []string{"job"},
		Tasks:         []uint32{16},
		Parallelism:   []uint32{4},
		CPUIterations: []uint64{2000},
		IOLatency:     []string{"2ms"},
		Concurrency:   []int{4},
		Connections:   []int{1},
		Duration:      "1s",
		Warmup:        "200ms",
		Timeout:       "10s",
		TrialsPerCell: 3,
		MaxInFlight:   1000,
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ParseMatrix({}) =\n%+v, want\n%+v", m, want)
	}
	m, err = sweep.ParseMatrix(strings.NewReader(`{"workloads":["counter","transfer"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Syncs, []string{"mutex", "atomic", "sharded", "channel", "none"}) ||
		!reflect.DeepEqual(m.LockOrders, []string{"ordered", "try"}) || !reflect.DeepEqual(m.Accounts, []uint32{8}) {
		t.Errorf("shared-state defaults: syncs %q, lock orders %q, accounts %v", m.Syncs, m.LockOrders, m.Accounts)
	}
	m, err = sweep.ParseMatrix(strings.NewReader(`{"syncs":[],"accounts":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Syncs != nil || m.LockOrders != nil || m.Accounts != nil {
		t.Errorf("shared-state axes of a cpu matrix: %q %q %v, want nil", m.Syncs, m.LockOrders, m.Accounts)
	}
}

func TestParseMatrixRejects(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string // substrings of the error: field, value, limit
	}{
		{"unknown field", `{"strategy":["pool"]}`, []string{`"strategy"`}},
		{"trailing data", `{} {}`, []string{"after the JSON object"}},
		{"not an object", `[1]`, []string{"matrix"}},
		{"unknown strategy", `{"strategies":["pool","fork"]}`, []string{"strategies[1]", `"fork"`}},
		{"duplicate strategy", `{"strategies":["pool","pool"]}`, []string{"strategies[1]", "twice"}},
		{"unknown workload", `{"workloads":["disk"]}`, []string{"workloads[0]", `"disk"`}},
		{"unknown scope", `{"scopes":["global"]}`, []string{"scopes[0]", `"global"`}},
		{"zero tasks", `{"tasks":[0]}`, []string{"tasks[0]", "0", "minimum 1"}},
		{"negative tasks", `{"tasks":[-1]}`, []string{"tasks", "-1"}},
		{"tasks overflow", `{"tasks":[4294967296]}`, []string{"tasks", "4294967296"}},
		{"zero iterations", `{"cpu_iterations":[0]}`, []string{"cpu_iterations[0]", "minimum 1"}},
		{"bad io latency", `{"io_latency":["2"]}`, []string{"io_latency[0]", `"2"`}},
		{"negative io latency", `{"io_latency":["-1ms"]}`, []string{"io_latency[0]", `"-1ms"`, "negative"}},
		{"zero concurrency", `{"concurrency":[0]}`, []string{"concurrency[0]", "0", "[1, 100000]"}},
		{"duplicate concurrency", `{"concurrency":[2,2]}`, []string{"concurrency[1]", "twice"}},
		{"huge concurrency", `{"concurrency":[1000000]}`, []string{"concurrency[0]", "1000000", "100000"}},
		{"zero rate", `{"rates":[0]}`, []string{"rates[0]", "0"}},
		{"negative rate", `{"rates":[-5]}`, []string{"rates[0]", "-5"}},
		{"zero connections", `{"connections":[0]}`, []string{"connections[0]", "[1, 1000]"}},
		{"zero duration", `{"duration":"0s"}`, []string{"duration", `"0s"`, "above 0"}},
		{"bad duration", `{"duration":"soon"}`, []string{"duration", `"soon"`}},
		{"negative warmup", `{"warmup":"-1s"}`, []string{"warmup", `"-1s"`}},
		{"zero timeout", `{"timeout":"0ms"}`, []string{"timeout", `"0ms"`}},
		{"negative trials", `{"trials":-2}`, []string{"trials", "-2", "[1, 1000]"}},
		{"too many trials", `{"trials":1001}`, []string{"trials", "1001", "1000"}},
		{"negative max in flight", `{"max_in_flight":-1}`, []string{"max_in_flight", "-1"}},
		{"string for number", `{"trials":"3"}`, []string{"trials"}},
		{"unknown sync", `{"workloads":["counter"],"syncs":["spin"]}`, []string{"syncs[0]", `"spin"`, "mutex, atomic, sharded, channel, none"}},
		{"duplicate sync", `{"workloads":["counter"],"syncs":["none","none"]}`, []string{"syncs[1]", "twice"}},
		{"unknown lock order", `{"workloads":["transfer"],"lock_orders":["random"]}`, []string{"lock_orders[0]", `"random"`, "ordered, try"}},
		{"one account", `{"workloads":["transfer"],"accounts":[8,1]}`, []string{"accounts[1]", "1", "minimum 2"}},
		{"duplicate accounts", `{"workloads":["transfer"],"accounts":[8,8]}`, []string{"accounts[1]", "twice"}},
		{"negative accounts", `{"accounts":[-2]}`, []string{"accounts"}},
		{"too many cells", `{"concurrency":[1,2,3,4,5,6,7,8,9,10],"tasks":[1,2,3,4,5,6,7,8,9,10],"cpu_iterations":[1,2,3,4,5,6,7,8,9,10],"connections":[1,2,3,4,5,6,7,8,9,10]}`,
			[]string{"exceeds the limit of 20000"}},
		{"no valid cell", `{"strategies":["goroutine-per-task","pipeline"],"scopes":["server"]}`,
			[]string{"no valid cell", "server scope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := sweep.ParseMatrix(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatalf("ParseMatrix(%s) = %+v, want an error", tc.doc, m)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseMatrix(%s) error %q does not contain %q", tc.doc, err, w)
				}
			}
		})
	}
}

func TestParseMatrixRejectsLargeDocuments(t *testing.T) {
	doc := `{"strategies":["pool"]` + strings.Repeat(" ", sweep.MaxMatrixBytes) + `}`
	if _, err := sweep.ParseMatrix(strings.NewReader(doc)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("ParseMatrix(%d bytes) error = %v, want one naming the limit", len(doc), err)
	}
}

func TestMatrixCells(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string // labels, in order
	}{
		{"strategies innermost", `{"strategies":["serial","pool"],"concurrency":[1,2]}`,
			[]string{"serial/cpu c=1", "pool/cpu c=1", "serial/cpu c=2", "pool/cpu c=2"}},
		{"closed then open", `{"strategies":["pool"],"concurrency":[2],"rates":[50,100.5]}`,
			[]string{"pool/cpu c=2", "pool/cpu r=50", "pool/cpu r=100.5"}},
		{"workloads outermost", `{"strategies":["pool"],"workloads":["io","cpu"],"concurrency":[1,2]}`,
			[]string{"pool/io c=1", "pool/io c=2", "pool/cpu c=1", "pool/cpu c=2"}},
		{"server scope skips unbounded strategies", `{"scopes":["job","server"]}`,
			[]string{"serial/cpu c=4", "goroutine-per-task/cpu c=4", "pool/cpu c=4", "semaphore/cpu c=4", "pipeline/cpu c=4",
				"serial/cpu/server c=4", "pool/cpu/server c=4", "semaphore/cpu/server c=4"}},
		{"unused io latency collapses", `{"strategies":["pool"],"io_latency":["1ms","2ms"]}`,
			[]string{"pool/cpu c=4"}},
		{"unused iterations collapse", `{"strategies":["pool"],"workloads":["io"],"cpu_iterations":[10,20]}`,
			[]string{"pool/io c=4"}},
		{"mixed uses both", `{"strategies":["pool"],"workloads":["mixed"],"cpu_iterations":[10,20]}`,
			[]string{"pool/mixed c=4", "pool/mixed c=4"}},
		{"syncs apply to counter only", `{"strategies":["pool"],"workloads":["cpu","counter"],"syncs":["none","mutex"]}`,
			[]string{"pool/cpu c=4", "pool/counter/none c=4", "pool/counter/mutex c=4"}},
		{"lock orders and accounts apply to transfer only",
			`{"strategies":["pool"],"workloads":["transfer","io"],"lock_orders":["try","ordered"],"accounts":[2,8],"syncs":["atomic"]}`,
			[]string{"pool/transfer/try-2 c=4", "pool/transfer/try-8 c=4", "pool/transfer/ordered-2 c=4", "pool/transfer/ordered-8 c=4", "pool/io c=4"}},
		{"unused syncs collapse", `{"strategies":["pool"],"syncs":["none","mutex"],"lock_orders":["try"]}`,
			[]string{"pool/cpu c=4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := sweep.ParseMatrix(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			trials, err := m.Trials()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range trials {
				if p.Index == 1 {
					got = append(got, strings.TrimSuffix(p.Label(), " t=1/3"))
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cells = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMatrixCellJobs(t *testing.T) {
	m, err := sweep.ParseMatrix(strings.NewReader(`{"strategies":["pool"],"workloads":["cpu","io","mixed"],
		"tasks":[8],"parallelism":[2],"cpu_iterations":[100],"io_latency":["3ms"],"connections":[2],
		"duration":"2s","warmup":"1s","timeout":"5s","fail_every":7}`))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := m.Cells()
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 3 {
		t.Fatalf("got %d cells, want 3", len(cells))
	}
	for i, want := range []struct {
		workload pb.Workload
		iters    uint64
		latency  time.Duration
	}{
		{pb.Workload_WORKLOAD_CPU, 100, 0},
		{pb.Workload_WORKLOAD_IO, 0, 3 * time.Millisecond},
		{pb.Workload_WORKLOAD_MIXED, 100, 3 * time.Millisecond},
	} {
		j, l := cells[i].Job, cells[i].Load
		if j.GetWorkload() != want.workload || j.GetCpuIterations() != want.iters ||
			j.GetIoLatency().AsDuration() != want.latency {
			t.Errorf("cell %d job = %v, want workload %v, %d iterations, io latency %v", i, j, want.workload, want.iters, want.latency)
		}
		if j.GetStrategy() != pb.Strategy_STRATEGY_POOL || j.GetTasks() != 8 || j.GetParallelism() != 2 ||
			j.GetFailEvery() != 7 || j.GetScope() != pb.Scope_SCOPE_JOB {
			t.Errorf("cell %d job = %v, want pool, 8 tasks, parallelism 2, fail_every 7, job scope", i, j)
		}
		wantLoad := client.Load{Mode: client.Closed, Concurrency: 4, Connections: 2,
			Duration: 2 * time.Second, Warmup: time.Second, Timeout: 5 * time.Second}
		if l != wantLoad {
			t.Errorf("cell %d load = %+v, want %+v", i, l, wantLoad)
		}
	}
}

func TestMatrixTrialsInterleaveRepetitions(t *testing.T) {
	m, err := sweep.ParseMatrix(strings.NewReader(`{"strategies":["serial","pool"],"trials":2}`))
	if err != nil {
		t.Fatal(err)
	}
	trials, err := m.Trials()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range trials {
		got = append(got, p.Label())
	}
	want := []string{"serial/cpu c=4 t=1/2", "pool/cpu c=4 t=1/2", "serial/cpu c=4 t=2/2", "pool/cpu c=4 t=2/2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trials = %q, want %q", got, want)
	}
}

// TestBuiltinMatrix checks the built-in plans against the sizes and the
// time budgets their documentation promises. The planned time counts warm-up
// and measured phase only; the documented totals add the per-trial drain and
// the server's start-up.
func TestBuiltinMatrix(t *testing.T) {
	for _, tc := range []struct {
		name   string
		trials int
		budget time.Duration
	}{
		{"smoke", 10, 30 * time.Second},
		{"default", 540, 10 * time.Minute},
		{"shared", 315, 5 * time.Minute},
		{"libraries", 480, 10 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := sweep.BuiltinMatrix(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			trials, err := m.Trials()
			if err != nil {
				t.Fatal(err)
			}
			if len(trials) != tc.trials {
				t.Errorf("%s plans %d trials, want %d", tc.name, len(trials), tc.trials)
			}
			var planned time.Duration
			for _, p := range trials {
				planned += p.Cell.Load.Warmup + p.Cell.Load.Duration
			}
			// Leave 10% of the budget for draining, files and start-up.
			if planned > tc.budget*9/10 {
				t.Errorf("%s plans %v of trials, over 90%% of its %v budget", tc.name, planned, tc.budget)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			if err := enc.Encode(m); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "matrix_"+tc.name+".golden", buf.Bytes())
			again, err := sweep.ParseMatrix(&buf)
			if err != nil {
				t.Fatalf("ParseMatrix(marshalled %s): %v", tc.name, err)
			}
			if !reflect.DeepEqual(again, m) {
				t.Errorf("%s does not survive a JSON round trip:\n%+v\n%+v", tc.name, again, m)
			}
		})
	}
	if _, err := sweep.BuiltinMatrix("huge"); err == nil || !strings.Contains(err.Error(), `"huge"`) {
		t.Errorf(`BuiltinMatrix("huge") error = %v, want one naming it`, err)
	}
}

func TestLoadMatrix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(path, []byte(`{"strategies":["pool"],"trials":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := sweep.LoadMatrix(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Strategies, []string{"pool"}) || m.TrialsPerCell != 1 {
		t.Errorf("LoadMatrix(%s) = %+v", path, m)
	}
	if m, err := sweep.LoadMatrix("smoke"); err != nil || m.TrialsPerCell != 1 {
		t.Errorf(`LoadMatrix("smoke") = %+v, %v`, m, err)
	}
	if m, err := sweep.LoadMatrix("shared"); err != nil || len(m.Syncs) != 5 {
		t.Errorf(`LoadMatrix("shared") = %+v, %v`, m, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"trials":0.5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(t.TempDir(), "missing.json"), bad} {
		if _, err := sweep.LoadMatrix(p); err == nil || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("LoadMatrix(%s) error = %v, want one naming the file", p, err)
		}
	}
}

func ExampleMatrix_Trials() {
	m, err := sweep.ParseMatrix(strings.NewReader(`{
		"strategies": ["serial", "pool"],
		"workloads": ["io"],
		"scopes": ["job", "server"],
		"concurrency": [8],
		"trials": 2
	}`))
	if err != nil {
		panic(err)
	}
	trials, err := m.Trials()
	if err != nil {
		panic(err)
	}
	for _, p := range trials {
		fmt.Println(p.Label())
	}
	// Output:
	// serial/io c=8 t=1/2
	// pool/io c=8 t=1/2
	// serial/io/server c=8 t=1/2
	// pool/io/server c=8 t=1/2
	// serial/io c=8 t=2/2
	// pool/io c=8 t=2/2
	// serial/io/server c=8 t=2/2
	// pool/io/server c=8 t=2/2
}

// FuzzParseMatrix checks that ParseMatrix never panics, and that every
// matrix it accepts has cells and survives a JSON round trip unchanged.
func FuzzParseMatrix(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"strategies":["pool"],"workloads":["io","mixed"],"scopes":["server"],"rates":[10.5],"trials":1}`))
	f.Add([]byte(`{"concurrency":[1,2],"io_latency":["1ms","-1s"],"duration":"1h"}`))
	f.Add([]byte(`{"tasks":[0],"connections":[1e3]}`))
	f.Add([]byte(`{"workloads":["counter","transfer","cpu"],"syncs":["none"],"lock_orders":["try","ordered"],"accounts":[2,1000]}`))
	f.Add([]byte(`{"syncs":[],"lock_orders":["try"],"accounts":[1]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := sweep.ParseMatrix(bytes.NewReader(doc))
		if err != nil {
			return
		}
		cells, err := m.Cells()
		if err != nil || len(cells) == 0 {
			t.Fatalf("accepted matrix %s has %d cells, error %v", doc, len(cells), err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sweep.ParseMatrix(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("ParseMatrix(%s) (re-marshalled from %s): %v", b, doc, err)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip of %s changed %+v into %+v", doc, m, again)
		}
	})
}

// TestImplementationsAxis checks that a strategy is paired only with the
// implementations it has, and the server scope only with those that can
// share it, and that own is sent as the field's default.
func TestImplementationsAxis(t *testing.T) {
	m, err := sweep.ParseMatrix(strings.NewReader(`{"strategies":["serial","pool","semaphore"],` +
		`"implementations":["own","ants","errgroup","conc"],"scopes":["job","server"],"trials":1}`))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := m.Cells()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cells {
		got = append(got, c.Label())
		if c.Job.GetImplementation() == pb.Implementation_IMPLEMENTATION_OWN {
			t.Errorf("%s: own sent as IMPLEMENTATION_OWN, want the default", c.Label())
		}
	}
	want := []string{
		"serial/cpu c=4", "pool/cpu c=4", "pool/ants/cpu c=4", "pool/conc/cpu c=4", "semaphore/cpu c=4", "semaphore/errgroup/cpu c=4",
		"serial/cpu/server c=4", "pool/cpu/server c=4", "pool/ants/cpu/server c=4", "semaphore/cpu/server c=4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("cells\n%q\nwant\n%q", got, want)
	}
	for _, bad := range []struct{ doc, want string }{
		{`{"implementations":["own","fibers"]}`, `implementations[1]: unknown implementation "fibers"`},
		{`{"strategies":["serial"],"implementations":["ants"]}`, "no valid cell"},
	} {
		if _, err := sweep.ParseMatrix(strings.NewReader(bad.doc)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseMatrix(%s) error = %v, want %q", bad.doc, err, bad.want)
		}
	}
}
