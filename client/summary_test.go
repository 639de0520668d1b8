package client_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/hostinfo"
)

// summaryTrials returns three trials of one cell: the known trial, one
// with twice the throughput and half the latency, unsaturated, and one
// cut short.
func summaryTrials() []*client.Trial {
	a := knownTrial()
	a.Index = 1
	b := knownTrial()
	b.Index, b.Elapsed, b.Saturated, b.LateSends = 2, 5*time.Second, false, 0
	b.CPU = hostinfo.CPUUsage{Percent: 40, AvailableCPUs: 2}
	c := knownTrial()
	c.Index, c.Complete, c.Saturated, c.Elapsed = 3, false, false, time.Second
	a.CPU = hostinfo.CPUUsage{Percent: 95, AvailableCPUs: 2}
	return []*client.Trial{a, b, c}
}

func TestWriteSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := client.WriteSummary(&buf, summaryTrials()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/summary.golden", buf.Bytes())
	if !strings.Contains(buf.String(), "CLIENT SATURATED") {
		t.Error("summary of a saturated trial does not say CLIENT SATURATED")
	}
}

func TestWriteSummaryJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := client.WriteSummaryJSON(&buf, summaryTrials()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/summary_json.golden", buf.Bytes())
	var got struct {
		Trials          []map[string]any `json:"trials"`
		Throughput      *struct{ N int } `json:"throughput_rps"`
		ClientSaturated bool             `json:"client_saturated"`
		Complete        bool             `json:"complete"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("summary is not JSON: %v", err)
	}
	if len(got.Trials) != 3 || got.Throughput == nil || got.Throughput.N != 2 || !got.ClientSaturated || got.Complete {
		t.Errorf("summary = %+v; want 3 trials, an estimate over the 2 complete ones, saturated, incomplete", got)
	}
}

func TestWriteSummaryErrors(t *testing.T) {
	other := knownTrial()
	other.Cell.Load.Rate = 500
	tests := []struct {
		name   string
		trials []*client.Trial
		want   string
	}{
		{"no trials", nil, "no trials"},
		{"mixed cells", []*client.Trial{knownTrial(), other}, "mixes cells"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, write := range []func() error{
				func() error { return client.WriteSummary(new(bytes.Buffer), tt.trials) },
				func() error { return client.WriteSummaryJSON(new(bytes.Buffer), tt.trials) },
			} {
				if err := write(); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want one containing %q", err, tt.want)
				}
			}
		})
	}
}
