package client_test

import (
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

var fakeFingerprint = hostinfo.Fingerprint{Hostname: "clienthost", LogicalCPUs: 2, GOMAXPROCS: 2}

// knownTrial returns a trial with hand-made histograms: 100 successes of
// 1..100 ms, server time 1..100 µs, queue time 0..99 µs.
func knownTrial() *client.Trial {
	h := histogram.Trial{
		Latency: histogram.New(), Uncorrected: histogram.New(), Errors: histogram.New(),
		Server: histogram.New(), Queue: histogram.New(),
	}
	for i := 1; i <= 100; i++ {
		h.Latency.Record(time.Duration(i) * time.Millisecond)
		h.Uncorrected.Record(time.Duration(i) * time.Millisecond / 2)
		h.Server.Record(time.Duration(i) * time.Microsecond)
		h.Queue.Record(time.Duration(i-1) * time.Microsecond)
	}
	h.Errors.Record(time.Second)
	return &client.Trial{
		Cell: client.Cell{
			Job: &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SEMAPHORE, Workload: pb.Workload_WORKLOAD_MIXED,
				Tasks: 8, Parallelism: 4, CpuIterations: 1000, IoLatency: durationpb.New(1500 * time.Microsecond), Scope: pb.Scope_SCOPE_SERVER},
			Load: client.Load{Mode: client.Open, Rate: 250, MaxInFlight: 64, Connections: 2, Duration: 10 * time.Second, Warmup: 2 * time.Second},
		},
		Index:          2,
		StartedAt:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Elapsed:        10 * time.Second,
		Requests:       104,
		Errors:         4,
		ErrorsByCode:   map[codes.Code]uint64{codes.Unavailable: 1, codes.DeadlineExceeded: 3},
		TasksCompleted: 800,
		LateSends:      7,
		Hist:           h,
		CPU:            hostinfo.CPUUsage{Percent: 12.5},
		Saturated:      true,
		Complete:       true,
	}
}

func TestTrialRow(t *testing.T) {
	tr := knownTrial()
	r := tr.Row("abcd", clienttest.Info, fakeFingerprint)
	near := func(got, want float64) bool { return got >= want*0.99 && got <= want*1.01 }
	tests := []struct {
		name string
		ok   bool
		got  any
	}{
		{"schema", r.SchemaVersion == record.SchemaVersion, r.SchemaVersion},
		{"run id", r.RunID == "abcd", r.RunID},
		{"started", r.StartedAt.Equal(tr.StartedAt), r.StartedAt},
		{"server", r.ServerHost == "fakehost" && r.ServerCPUModel == "Fake CPU" && r.ServerLogicalCPUs == 8 &&
			r.ServerGOMAXPROCS == 8 && r.ServerGoVersion == "go1.26.8" && r.ServerNsPerIteration == 250, r},
		{"client", r.ClientHost == "clienthost" && r.ClientLogicalCPUs == 2, r},
		{"job", r.Strategy == "semaphore" && r.Workload == "mixed" && r.Scope == "server" && r.Tasks == 8 &&
			r.Parallelism == 4 && r.CPUIterations == 1000 && r.IOLatencyMs == 1.5, r},
		{"load", r.Mode == "open" && r.Concurrency == 64 && r.TargetRPS == 250 && r.Connections == 2 &&
			r.WarmupS == 2 && r.DurationS == 10 && r.Trial == 2, r},
		{"counts", r.Requests == 104 && r.Errors == 4 && r.LateSends == 7, r},
		{"throughput", r.ThroughputRPS == 10 && r.TasksPerS == 80, []float64{r.ThroughputRPS, r.TasksPerS}},
		{"mean", r.MeanMs == 50.5, r.MeanMs},
		{"percentiles", near(r.P50Ms, 50) && near(r.P90Ms, 90) && near(r.P99Ms, 99) && r.P999Ms == 100 && r.MaxMs == 100,
			[]float64{r.P50Ms, r.P90Ms, r.P99Ms, r.P999Ms, r.MaxMs}},
		{"uncorrected", near(r.UncorrectedP99Ms, 49.5), r.UncorrectedP99Ms},
		{"server times", near(r.ServerP50Ms, 0.050) && near(r.ServerP99Ms, 0.099), []float64{r.ServerP50Ms, r.ServerP99Ms}},
		{"queue", near(r.QueueP99Ms, 0.098), r.QueueP99Ms},
		{"cpu", r.ClientCPUPct == 12.5 && r.ClientSaturated && r.Complete, r},
		{"errors by code", len(r.ErrorsByCode) == 2 && r.ErrorsByCode["DEADLINE_EXCEEDED"] == 3 && r.ErrorsByCode["UNAVAILABLE"] == 1, r.ErrorsByCode},
		{"histogram left to the caller", r.Histogram == "", r.Histogram},
		{"cell key", r.CellKey() == tr.Cell.Key(), r.CellKey() + " vs " + tr.Cell.Key()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Fatalf("got %+v", tt.got)
			}
		})
	}
}

func TestTrialRowClosedNoServer(t *testing.T) {
	tr := knownTrial()
	tr.Cell.Load = client.Load{Mode: client.Closed, Concurrency: 16, Connections: 1, Requests: 100}
	tr.ErrorsByCode = map[codes.Code]uint64{}
	r := tr.Row("x", nil, hostinfo.Fingerprint{})
	if r.Mode != "closed" || r.Concurrency != 16 || r.TargetRPS != 0 || r.DurationS != 0 {
		t.Errorf("load columns: %+v", r)
	}
	if r.ServerHost != "" || r.ErrorsByCode != nil {
		t.Errorf("server host %q, errors by code %v; want empty", r.ServerHost, r.ErrorsByCode)
	}
}
