package slo_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/slo"
)

func sampleRows() []slo.Row {
	base := slo.Row{SchemaVersion: slo.SchemaVersion, RunID: "host-20261202T010203Z", ServerHost: "host",
		Strategy: "pool", Workload: "io", Scope: "server", Tasks: 1, Parallelism: 20, IOLatencyMs: 100,
		Connections: 1, MaxInFlight: 20000, WarmupS: 0.2, DurationS: 1,
		Objective: "p99<=50ms errors<=0.1%", Quantile: 0.99, BoundMs: 50, MaxErrorRate: 0.001,
		CapacityRPS: 183.4, CapacityTasksPerS: 183.4, Outcome: slo.OutcomeFound}
	a, b := base, base
	a.Step, a.Phase, a.OfferedRPS, a.AchievedRPS, a.TasksPerS, a.Requests = 1, "grow", 50, 49.9, 49.9, 50
	a.P50Ms, a.P90Ms, a.P99Ms, a.P999Ms, a.MaxMs, a.ObjectiveMs, a.Verdict = 100.1, 101, 102.5, 103, 104, 102.5, "pass"
	a.Histogram = "hist/pool-io-server-p1.sbt"
	b.Step, b.Phase, b.OfferedRPS, b.Requests, b.Errors, b.ErrorRate, b.Verdict = 2, "grow", 400, 400, 40, 0.1, "fail"
	b.Reason = `error rate 10% > 0.1%, "quoted"`
	return []slo.Row{a, b}
}

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := slo.WriteCSV(&buf, sampleRows()); err != nil {
		t.Fatal(err)
	}
	got, err := slo.ReadCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sampleRows()) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, sampleRows())
	}
	if l := got[0].Label(); l != "pool/io/server" {
		t.Errorf("Label = %q", l)
	}
	if got[0].CellKey() != got[1].CellKey() {
		t.Error("the probes of one search have different cell keys")
	}
}

func TestReadCSVRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := slo.WriteCSV(&buf, sampleRows()[:1]); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	for _, tc := range []struct{ from, to, want string }{
		{"pool,io", "Pool,io", "strategy"},
		{"hist/pool-io-server-p1.sbt", "../etc/passwd", "histogram"},
		{"hist/pool-io-server-p1.sbt", "/etc/passwd", "histogram"},
		{",183.4,", ",-1,", "capacity_rps"},
		{",183.4,", ",NaN,", "capacity_rps"},
		{"schema_version", "version", "column 1"},
		{"\n1,", "\n9,", "schema_version 9"},
		{",grow,", ",grow\x01,", "phase"},
	} {
		in := strings.Replace(good, tc.from, tc.to, 1)
		if in == good {
			t.Fatalf("replacing %q changed nothing", tc.from)
		}
		if _, err := slo.ReadCSV(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q → %q: error %v, want one naming %q", tc.from, tc.to, err, tc.want)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	var buf bytes.Buffer
	if err := slo.WriteCSV(&buf, sampleRows()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(strings.Join(slo.Header(), ",") + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := slo.ReadCSV(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := slo.WriteCSV(&out, rows); err != nil {
			t.Fatalf("rows read back do not write: %v", err)
		}
		again, err := slo.ReadCSV(&out)
		if err != nil || len(again) != len(rows) {
			t.Fatalf("rows written do not read back: %v", err)
		}
	})
}
