package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportFormats runs export with each tracker format on two result
// folders of known medians (host-a: 1003.5 tasks/s at c=1 over 6 trials,
// p99 2 ms) and reads the files back as the trackers would.
func TestExportFormats(t *testing.T) {
	a, _ := twoHosts(t)
	dir := t.TempDir()
	name := "Run/strategy=pool/workload=io/scope=job/tasks=4/parallelism=2/io=1ms/concurrency=1"

	var stdout, stderr bytes.Buffer
	if err := exportCmd(t.Context(), []string{"--format", "github-action-benchmark", "--out", dir, a}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var bigger, smaller []struct {
		Name, Unit, Range string
		Value             float64
	}
	for file, v := range map[string]any{gabBiggerFile: &bigger, gabSmallerFile: &smaller} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	if len(bigger) != 2 || bigger[0].Name != name+" - throughput" || bigger[0].Value != 1003.5 || bigger[0].Unit != "tasks/s" || !strings.HasPrefix(bigger[0].Range, "± ") {
		t.Errorf("bigger-is-better: %+v", bigger)
	}
	if len(smaller) != 2 || smaller[0].Name != name+" - p99" || smaller[0].Value != 2 || smaller[0].Unit != "ms" {
		t.Errorf("smaller-is-better: %+v", smaller)
	}

	stdout.Reset()
	if err := exportCmd(t.Context(), []string{"--format", "bmf", a}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var bmf map[string]map[string]struct {
		Value      float64 `json:"value"`
		LowerValue float64 `json:"lower_value"`
		UpperValue float64 `json:"upper_value"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &bmf); err != nil {
		t.Fatal(err)
	}
	if m := bmf[name]["throughput"]; m.Value != 1003.5 || !(m.LowerValue < 1003.5 && m.UpperValue > 1003.5) {
		t.Errorf("bmf %s: %+v", name, bmf[name])
	}
	if m := bmf[name]["latency-p99"]; m.Value != 2e6 {
		t.Errorf("bmf p99 in ns: %+v", m)
	}

	out := filepath.Join(dir, "sweep.json")
	if err := exportCmd(t.Context(), []string{"--format", "json", "--out", out, a}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format  string
		Version int
		Cells   []struct {
			Name      string
			TrialRows []map[string]any `json:"trial_rows"`
		}
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &doc); err != nil || doc.Format != "stratbench-sweep" || doc.Version != 1 || len(doc.Cells) != 2 || len(doc.Cells[0].TrialRows) != 6 {
		t.Errorf("json document: %v %+v", err, doc)
	}

	if err := exportCmd(t.Context(), []string{"--format", "github-action-benchmark", a}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("github-action-benchmark without --out: %v", err)
	}
}
