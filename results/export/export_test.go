package export_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stratbench/stratbench/results/export"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"github.com/stratbench/stratbench/results/record"
)

// source returns a folder of two cells with known trials: pool/cpu at
// 900, 1000 and 1100 tasks/s with p99 2, 3 and 4 ms, and serial/cpu at
// 500 tasks/s in one trial, plus one incomplete pool trial.
func source(t *testing.T) *record.Source {
	t.Helper()
	hosts, err := record.ParseHosts([]byte(`{"server":{"hostname":"box-a","limits":{"max_tasks":"100000"}},"client":{"hostname":"loader"}}`))
	if err != nil {
		t.Fatal(err)
	}
	s := &record.Source{Path: "reports/box-a", Hosts: hosts}
	for i, v := range []float64{900, 1000, 1100} {
		r := resultstest.CellRow("box-a", 8, i+1, v)
		r.P99Ms = float64(2 + i)
		// Server CPU per task 40, 50, 60 µs: median 50, the same spread
		// as the tasks/s ÷ 20.
		r.Runtime.ServerCPUUsPerTask = record.Some(float64(40 + 10*i))
		s.Rows = append(s.Rows, r)
	}
	cut := resultstest.CellRow("box-a", 8, 4, 1)
	cut.Complete = false
	cut.Runtime.ServerCPUUsPerTask = record.Some(1e6) // incomplete: must not count
	s.Rows = append(s.Rows, cut)
	r := resultstest.CellRow("box-a", 8, 1, 500)
	r.Strategy, r.P99Ms = "serial", 7
	s.Rows = append(s.Rows, r)
	return s
}

// Half the 95% interval of the mean of 900, 1000, 1100: t(0.975, 2) ×
// 100 / √3 = 4.302653 × 57.735 = 248.41.
const poolHalf = 248.41

func near(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }

func TestGABAndBMF(t *testing.T) {
	cells, err := export.Cells([]*record.Source{source(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 2 {
		t.Fatalf("%d cells, want 2", len(cells))
	}
	pool := "Run/strategy=pool/workload=cpu/scope=job/tasks=16/parallelism=4/iterations=1000/concurrency=8"
	if cells[0].Name != pool {
		t.Errorf("name %q, want %q", cells[0].Name, pool)
	}
	bigger, smaller := export.GAB(cells)
	// pool has the CPU figure, serial (no runtime figures) does not.
	if len(bigger) != 2 || len(smaller) != 3 {
		t.Fatalf("%d and %d entries, want 2 and 3", len(bigger), len(smaller))
	}
	if c := smaller[1]; c.Name != pool+" - server CPU per task" || c.Unit != "µs" || c.Value != 50 || c.Range != "± 24.8414" {
		t.Errorf("CPU per task entry %+v", c)
	}
	b := bigger[0]
	if b.Name != pool+" - throughput" || b.Unit != "tasks/s" || b.Value != 1000 || b.Range != "± 248.414" || !strings.Contains(b.Extra, "3 trials") {
		t.Errorf("throughput entry %+v", b)
	}
	if s := smaller[0]; s.Name != pool+" - p99" || s.Unit != "ms" || s.Value != 3 || s.Range != "± 2.48414" {
		t.Errorf("p99 entry %+v", s)
	}
	if s := smaller[2]; s.Value != 7 || s.Range != "± 0" {
		t.Errorf("single-trial entry %+v", s)
	}
	var buf bytes.Buffer
	if err := export.WriteGAB(&buf, bigger); err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != 2 || back[0]["range"] != "± 248.414" {
		t.Errorf("written array %s: %v", buf.String(), err)
	}

	bmf := export.BMF(cells)
	m := bmf[pool][export.MeasureThroughput]
	if m.Value != 1000 || !near(m.LowerValue, 1000-poolHalf) || !near(m.UpperValue, 1000+poolHalf) {
		t.Errorf("bmf throughput %+v", m)
	}
	if p := bmf[pool][export.MeasureP99]; p.Value != 3e6 || !near(p.LowerValue/1e6, 3-poolHalf/100) {
		t.Errorf("bmf p99 (ns) %+v", p)
	}
	if c, ok := bmf[pool][export.MeasureCPUPerTask]; !ok || c.Value != 50 || !near(c.UpperValue, 50+poolHalf/10) {
		t.Errorf("bmf CPU per task %+v (present %v)", c, ok)
	}
	if _, ok := bmf[cells[1].Name][export.MeasureCPUPerTask]; ok {
		t.Error("serial has no CPU figure, yet bmf has the measure")
	}
}

func TestCellsNamesHostsWhenSeveral(t *testing.T) {
	a, b := source(t), source(t)
	for i := range b.Rows {
		b.Rows[i].ServerHost = "box-b"
	}
	cells, err := export.Cells([]*record.Source{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 4 || !strings.HasPrefix(cells[0].Name, "box-a/Run/") || !strings.HasPrefix(cells[3].Name, "box-b/Run/") {
		t.Errorf("names %q … %q", cells[0].Name, cells[len(cells)-1].Name)
	}
	if _, err := export.Cells([]*record.Source{{Path: "empty"}}); err == nil {
		t.Error("no rows: no error")
	}
}

// schema compiles docs/sweep.schema.json, asserting formats.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../docs/sweep.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const id = "https://github.com/stratbench/stratbench/docs/sweep.schema.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDocumentValidatesAgainstSchema: the export of a folder with hosts,
// incomplete trials and a single-trial cell is valid under the committed
// schema, holds the known estimates and every CSV column; a document that
// breaks the schema is refused, so the check is real.
func TestDocumentValidatesAgainstSchema(t *testing.T) {
	src := source(t)
	cells, err := export.Cells([]*record.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := export.NewDocument([]*record.Source{src}, cells)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteDocument(&buf, doc); err != nil {
		t.Fatal(err)
	}
	sch := schema(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("export does not match docs/sweep.schema.json: %v\n%s", err, buf.String())
	}

	var back export.Document
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	c := back.Cells[0]
	if c.TasksPerS.Median != 1000 || c.TasksPerS.N != 3 || !near(c.TasksPerS.CIHigh, 1000+poolHalf) || c.Incomplete != 1 || len(c.Rows) != 4 {
		t.Errorf("pool cell %+v", c)
	}
	if len(c.Rows[0]) != len(record.Header()) {
		t.Errorf("a trial row has %d columns, the CSV %d", len(c.Rows[0]), len(record.Header()))
	}
	if h := back.Sources[0].Hosts; h == nil || h.Server["limits.max_tasks"] != "100000" || h.Client["hostname"] != "loader" {
		t.Errorf("hosts %+v", h)
	}

	for name, edit := range map[string]func(m map[string]any){
		"wrong version":    func(m map[string]any) { m["version"] = 2 },
		"no cells":         func(m map[string]any) { delete(m, "cells") },
		"unknown strategy": func(m map[string]any) { cell0(m)["strategy"] = "threads" },
		"bad started_at":   func(m map[string]any) { cell0(m)["trial_rows"].([]any)[0].(map[string]any)["started_at"] = "yesterday" },
		"negative stddev":  func(m map[string]any) { cell0(m)["p99_ms"].(map[string]any)["stddev"] = -1 },
	} {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, _ := json.Marshal(m)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

func cell0(m map[string]any) map[string]any { return m["cells"].([]any)[0].(map[string]any) }
