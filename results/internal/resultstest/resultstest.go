// Package resultstest holds the test helpers that more than one results
// package needs: rows of a known cell and a CSV writer that fails the test.
// Only tests import it; it imports record and testing, nothing else of the
// project.
package resultstest

import (
	"fmt"
	"testing"

	"github.com/stratbench/stratbench/results/compare"
	"github.com/stratbench/stratbench/results/record"
)

// CellRow returns a complete closed-loop row of the pool/cpu cell at
// concurrency c on host, trial i, with the given tasks/s.
func CellRow(host string, c, i int, tasksPerS float64) record.Row {
	return record.Row{
		ServerHost: host, ServerGOMAXPROCS: 2, ServerNsPerIteration: 500,
		Strategy: "pool", Workload: "cpu", Scope: "job", Tasks: 16, Parallelism: 4, CPUIterations: 1000,
		Mode: "closed", Concurrency: c, Connections: 1, WarmupS: 1, DurationS: 10, Trial: i,
		Requests: 100, ThroughputRPS: tasksPerS / 16, TasksPerS: tasksPerS,
		MeanMs: 2, P50Ms: 1.5, P90Ms: 3, P99Ms: 4, P999Ms: 5, MaxMs: 6, ServerP50Ms: 1, ServerP99Ms: 3,
		Complete: true,
	}
}

// WriteRows writes rows to a new CSV file at path with record.OpenWriter,
// failing t on any error.
func WriteRows(t testing.TB, path string, rows ...record.Row) {
	t.Helper()
	w, err := record.OpenWriter(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// HostsJSON is a hosts.json as `stratbench sweep` writes it: the server's
// Info in protojson (64-bit integers as strings) and the client's
// fingerprint.
const HostsJSON = `{
  "server": {
    "hostname": "big-box",
    "logical_cpus": 64,
    "total_memory_bytes": "270000000000",
    "limits": {"max_tasks": 10000, "max_in_flight": 512},
    "ns_per_iteration": 312.5
  },
  "client": {"hostname": "laptop", "cgroup_cpu_quota": 1.5, "os": "linux"},
  "other": [1, 2]
}
`

// GoldenComparison is a small fixed comparison for the golden files.
func GoldenComparison(t testing.TB) *compare.Comparison {
	t.Helper()
	var a, b []record.Row
	for i, v := range []float64{1000, 1010, 990} {
		// At c=4 A's server spends 200 µs of CPU per task with a 50 µs
		// scheduler p99, B's 100 µs with 400 µs; c=8 has no runtime figures.
		r := CellRow("box-a", 4, i+1, v)
		r.ServerCPUModel, r.ClientHost = "CPU A <fast>", "client-1"
		r.Runtime.ServerCPUUsPerTask, r.Runtime.SchedLatencyP99Us = record.Some(200), record.Some(50)
		a = append(a, r)
		r = CellRow("box-b", 4, i+1, 2*v)
		r.ServerCPUModel, r.ClientHost, r.P99Ms = "CPU B", "client-1", 2
		r.Runtime.ServerCPUUsPerTask, r.Runtime.SchedLatencyP99Us = record.Some(100), record.Some(400)
		b = append(b, r)
	}
	sat := CellRow("box-b", 8, 1, 500)
	sat.ClientSaturated = true
	a = append(a, CellRow("box-a", 8, 1, 400))
	b = append(b, sat)
	// At c=16, B timed out 2 requests in 100 and left 1 unsent (3/101,
	// 3%), a backlogged server: its p99 is not comparable.
	a = append(a, CellRow("box-a", 16, 1, 400))
	failing := CellRow("box-b", 16, 1, 450)
	failing.Errors, failing.Unsent, failing.ServerBacklogged = 2, 1, true
	failing.FlagReasons = "server_backlogged: 3 of 101 sends waited"
	b = append(b, failing)
	hosts, err := record.ParseHosts([]byte(HostsJSON))
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := compare.Sides(compare.Side{Name: "runs/a", Rows: a}, compare.Side{Name: "runs/b", Rows: b, Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

// SameRows reports whether a and b hold the same rows, an absent figure
// (NaN) equal to another absent one, where reflect.DeepEqual would call
// NaN unequal to itself.
func SameRows(a, b []record.Row) bool { return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) }
