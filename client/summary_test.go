package client_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/internal/golden"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// summaryTrials returns three trials of one cell: the known trial, one
// with twice the throughput and half the latency, unsaturated, and one
// cut short.
func summaryTrials() []*client.Trial {
	a := knownTrial()
	a.Index = 1
	b := knownTrial()
	b.Index, b.Elapsed, b.Window, b.ClientLate, b.LateSends = 2, 5*time.Second, 5*time.Second, 0, 0
	b.CPU = hostinfo.CPUUsage{Percent: 40, AvailableCPUs: 2}
	c := knownTrial()
	c.Index, c.Complete, c.ClientLate, c.Elapsed, c.Window = 3, false, 0, time.Second, time.Second
	a.CPU = hostinfo.CPUUsage{Percent: 95, AvailableCPUs: 2}
	return []*client.Trial{a, b, c}
}

func TestWriteSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := client.WriteSummary(&buf, summaryTrials(), nil); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary.golden", buf.Bytes())
	if !strings.Contains(buf.String(), "CLIENT SATURATED") {
		t.Error("summary of a saturated trial does not say CLIENT SATURATED")
	}
}

func TestWriteSummaryJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := client.WriteSummaryJSON(&buf, summaryTrials(), nil); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "summary_json.golden", buf.Bytes())
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

// sharedTrials returns two trials of a counter cell under sync none, one
// of which lost updates, and two of a transfer cell under lock order try,
// one with a broken invariant.
func sharedTrials() (counter, transfer []*client.Trial) {
	for i := range 2 {
		c := knownTrial()
		c.Index, c.ClientLate = i+1, 0
		c.Cell.Job = &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_COUNTER,
			Sync: pb.Sync_SYNC_NONE, Tasks: 8, Parallelism: 4, CpuIterations: 1000}
		c.LostUpdates = uint64(i) * 4000 // 100 successes of 8000 increments: 0.5%
		counter = append(counter, c)
		x := knownTrial()
		x.Index, x.ClientLate = i+1, 0
		x.Cell.Job = &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_TRANSFER,
			LockOrder: pb.LockOrder_LOCK_ORDER_TRY, Accounts: 8, Tasks: 8, Parallelism: 4, CpuIterations: 1000}
		x.LockRetries, x.InvariantBroken = 250, uint64(i)
		transfer = append(transfer, x)
	}
	return counter, transfer
}

func TestWriteSummaryShared(t *testing.T) {
	counter, transfer := sharedTrials()
	var buf bytes.Buffer
	for _, trials := range [][]*client.Trial{counter, transfer} {
		if err := client.WriteSummary(&buf, trials, nil); err != nil {
			t.Fatal(err)
		}
		buf.WriteString("----\n")
	}
	golden.Check(t, "summary_shared.golden", buf.Bytes())
	for _, want := range []string{"1000 increments per task under sync none", "lost updates", "0.5%",
		"1000 transfers per task between 8 accounts, lock order try", "BROKEN in 1 of 100 jobs", "held", "2.5"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	var plain bytes.Buffer
	if err := client.WriteSummary(&plain, summaryTrials(), nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "lost") || strings.Contains(plain.String(), "invariant") {
		t.Error("the summary of a mixed cell shows shared-state figures")
	}

	type sharedJSON struct {
		Trials []map[string]any `json:"trials"`
	}
	for _, tc := range []struct {
		name    string
		trials  []*client.Trial
		present []string
		absent  []string
	}{
		{"counter", counter, []string{"lost_updates", "lost_per_job", "lost_pct"}, []string{"invariant_ok", "lock_retries"}},
		{"transfer", transfer, []string{"invariant_ok", "invariant_broken", "lock_retries"}, []string{"lost_updates"}},
		{"mixed", summaryTrials(), nil, []string{"lost_updates", "invariant_ok", "lock_retries"}},
	} {
		var b bytes.Buffer
		if err := client.WriteSummaryJSON(&b, tc.trials, nil); err != nil {
			t.Fatal(err)
		}
		var got sharedJSON
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		last := got.Trials[len(got.Trials)-1]
		for _, k := range tc.present {
			if _, ok := last[k]; !ok {
				t.Errorf("%s: JSON trial lacks %q: %v", tc.name, k, last)
			}
		}
		for _, k := range tc.absent {
			if _, ok := last[k]; ok {
				t.Errorf("%s: JSON trial has %q", tc.name, k)
			}
		}
		if tc.name == "counter" && (last["lost_updates"] != 4000.0 || last["lost_pct"] != 0.5) {
			t.Errorf("counter JSON: lost %v, pct %v; want 4000, 0.5", last["lost_updates"], last["lost_pct"])
		}
		if tc.name == "transfer" && (last["invariant_ok"] != false || last["lock_retries"] != 250.0) {
			t.Errorf("transfer JSON: invariant %v, retries %v; want false, 250", last["invariant_ok"], last["lock_retries"])
		}
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
				func() error { return client.WriteSummary(new(bytes.Buffer), tt.trials, nil) },
				func() error { return client.WriteSummaryJSON(new(bytes.Buffer), tt.trials, nil) },
			} {
				if err := write(); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want one containing %q", err, tt.want)
				}
			}
		})
	}
}
