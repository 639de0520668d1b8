package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

func TestLoadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want client.Load
		err  string
	}{
		{"defaults", nil, client.Load{Mode: client.Closed, Concurrency: 4, Connections: 1, Duration: 10 * time.Second,
			Warmup: time.Second, Timeout: 30 * time.Second}, ""},
		{"open", []string{"--rate", "250", "--max-in-flight", "16", "--requests", "100", "--warmup", "0", "--timeout", "0", "--connections", "3"},
			client.Load{Mode: client.Open, Rate: 250, MaxInFlight: 16, Connections: 3, Requests: 100}, ""},
		{"closed", []string{"--concurrency", "32", "--duration", "2s", "--trials", "3"},
			client.Load{Mode: client.Closed, Concurrency: 32, Connections: 1, Duration: 2 * time.Second, Warmup: time.Second, Timeout: 30 * time.Second}, ""},
		{"both loops", []string{"--rate", "10", "--concurrency", "2"}, client.Load{}, "--rate and --concurrency are both set"},
		{"both bounds", []string{"--requests", "10", "--duration", "1s"}, client.Load{}, "--requests and --duration are both set"},
		{"zero concurrency", []string{"--concurrency", "0"}, client.Load{}, "--concurrency 0 is outside [1, 100000]"},
		{"zero rate", []string{"--rate", "0"}, client.Load{}, "--rate 0 is outside (0, 1e+07] requests/s"},
		{"NaN rate", []string{"--rate", "NaN"}, client.Load{}, "--rate NaN is outside"},
		{"zero in flight", []string{"--rate", "5", "--max-in-flight", "0"}, client.Load{}, "--max-in-flight 0 is outside [1, 1000000]"},
		{"zero requests", []string{"--requests", "0"}, client.Load{}, "--requests 0 is below 1"},
		{"zero duration", []string{"--duration", "0s"}, client.Load{}, "--duration 0s is not above 0"},
		{"negative warmup", []string{"--warmup", "-1s"}, client.Load{}, "--warmup -1s is negative"},
		{"negative timeout", []string{"--timeout", "-1s"}, client.Load{}, "--timeout -1s is negative"},
		{"zero trials", []string{"--trials", "0"}, client.Load{}, "--trials 0 is outside [1, 1000]"},
		{"too many connections", []string{"--connections", "1001"}, client.Load{}, "connections 1001 is outside [1, 1000]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			var c connFlags
			var l loadFlags
			c.register(fs)
			l.register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			got, err := l.load(set, c.connections)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("load = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// fakeRunBench answers every Run at once with 1 task done and a 1ms server
// time, and Info with testInfo.
type fakeRunBench struct {
	pb.UnimplementedBenchServiceServer
}

var testInfo = &pb.InfoResponse{Hostname: "srv", CpuModel: "Test CPU", LogicalCpus: 4, Gomaxprocs: 4, GoVersion: "go1.26.8",
	NsPerIteration: 300, Limits: &pb.Limits{MaxTasks: 1000, MaxIoLatency: durationpb.New(time.Second)}}

func (fakeRunBench) Run(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
	return &pb.RunResponse{TasksCompleted: 1, ServerTime: durationpb.New(time.Millisecond)}, nil
}

func (fakeRunBench) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	return testInfo, nil
}

// startFakeBench serves fakeRunBench on 127.0.0.1 and returns its address.
func startFakeBench(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pb.RegisterBenchServiceServer(srv, fakeRunBench{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		<-served
	})
	return lis.Addr().String()
}

func TestRunCmd(t *testing.T) {
	// Registered first, so it runs after every other cleanup: runCmd and
	// the fake server must leave no goroutine behind.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	addr := startFakeBench(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "out.csv")
	args := []string{"--target", addr, "--connections", "2", "--concurrency", "2", "--requests", "30", "--warmup", "10ms",
		"--trials", "2", "--strategy", "serial", "--workload", "io", "--io-latency", "1ms", "--out", csv}
	for _, asJSON := range []bool{false, true} {
		var stdout, stderr bytes.Buffer
		a := args
		if asJSON {
			a = append(a, "--json")
		}
		if err := runCmd(t.Context(), a, &stdout, &stderr); err != nil {
			t.Fatalf("runCmd: %v; stderr: %s", err, stderr.String())
		}
		if asJSON {
			var s struct {
				Trials []struct{ Requests uint64 } `json:"trials"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &s); err != nil || len(s.Trials) != 2 || s.Trials[1].Requests != 30 {
				t.Errorf("JSON summary %s: %+v, %v", stdout.String(), s, err)
			}
		} else if !strings.Contains(stdout.String(), "serial/io") || !strings.Contains(stdout.String(), "p99") {
			t.Errorf("summary:\n%s", stdout.String())
		}
	}
	rows, err := record.ReadCSVFile(csv)
	if err != nil {
		t.Fatalf("read %s: %v", csv, err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 2 runs × 2 trials", len(rows))
	}
	for i, r := range rows {
		if r.Requests != 30 || r.Errors != 0 || r.Strategy != "serial" || r.Workload != "io" || r.IOLatencyMs != 1 ||
			r.Mode != "closed" || r.Concurrency != 2 || r.Connections != 2 || r.ServerHost != "srv" || r.ServerNsPerIteration != 300 ||
			!r.Complete || r.Trial != i%2+1 || len(r.RunID) != 16 || r.ServerP50Ms != 1 || r.TasksPerS <= 0 {
			t.Errorf("row %d: %+v", i, r)
		}
		if !strings.HasPrefix(r.Histogram, "out.hist/"+r.RunID+"/serial-io-c2-t") {
			t.Errorf("row %d histogram %q", i, r.Histogram)
		}
		h, err := histogram.ReadTrialFile(filepath.Join(dir, filepath.FromSlash(r.Histogram)))
		if err != nil || h.Latency.Count() != 30 {
			t.Errorf("row %d histogram file: %v", i, err)
		}
	}
	if rows[0].RunID == rows[2].RunID || rows[0].RunID != rows[1].RunID {
		t.Errorf("run ids %q %q %q: want one per invocation", rows[0].RunID, rows[1].RunID, rows[2].RunID)
	}
}

func TestRunCmdSharedState(t *testing.T) {
	addr := startFakeBench(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "out.csv")
	for _, args := range [][]string{
		{"--workload", "counter", "--sync", "none"},
		{"--workload", "transfer", "--lock-order", "try", "--accounts", "4"},
	} {
		var stdout, stderr bytes.Buffer
		a := append([]string{"--target", addr, "--concurrency", "1", "--requests", "5", "--warmup", "0", "--out", csv}, args...)
		if err := runCmd(t.Context(), a, &stdout, &stderr); err != nil {
			t.Fatalf("runCmd %q: %v; stderr: %s", args, err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "lost updates") && !strings.Contains(stdout.String(), "lock retries") {
			t.Errorf("summary of %q lacks the shared-state table:\n%s", args, stdout.String())
		}
	}
	rows, err := record.ReadCSVFile(csv)
	if err != nil || len(rows) != 2 {
		t.Fatalf("read %s: %d rows, %v", csv, len(rows), err)
	}
	if r := rows[0]; r.Workload != "counter" || r.Sync != "none" || r.LockOrder != "" || r.Accounts != 0 || !r.InvariantOK ||
		!strings.Contains(r.Histogram, "/pool-counter-none-c1-t1.sbt") {
		t.Errorf("counter row: %+v", r)
	}
	// The fake server leaves invariant_ok false: a transfer row records it.
	if r := rows[1]; r.Workload != "transfer" || r.Sync != "" || r.LockOrder != "try" || r.Accounts != 4 || r.InvariantOK ||
		!strings.Contains(r.Histogram, "/pool-transfer-try-4-c1-t1.sbt") {
		t.Errorf("transfer row: %+v", r)
	}
}

func TestRunCmdErrors(t *testing.T) {
	addr := startFakeBench(t)
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.csv")
	if err := os.WriteFile(foreign, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"bad flag", []string{"--concurrency", "0"}, "--concurrency 0 is outside"},
		{"bad strategy", []string{"--strategy", "x"}, "--strategy"},
		{"extra argument", []string{"now"}, `unexpected argument "now"`},
		{"beyond the server's limit", []string{"--target", addr, "--tasks", "1001"}, "--tasks 1001 is above the server's limit of 1000"},
		{"sync without counter", []string{"--sync", "none"}, "--sync applies only to --workload counter"},
		{"conflicting error policy", []string{"--fail-fast", "--error-policy", "collect-all"}, "--fail-fast and --error-policy collect-all conflict"},
		{"foreign csv", []string{"--target", addr, "--out", foreign}, "--out"},
		{"unknown flag", []string{"--bogus"}, "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runCmd(t.Context(), tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("runCmd = %v, want an error containing %q", err, tt.err)
			}
		})
	}
}

func TestRunCmdCancel(t *testing.T) {
	addr := startFakeBench(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	err := runCmd(ctx, []string{"--target", addr, "--duration", "1m", "--warmup", "0"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "interrupted after 1 of 1 trials") {
		t.Errorf("runCmd = %v, want an interruption", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("runCmd took %v to stop", took)
	}
}

func TestInfoCmd(t *testing.T) {
	addr := startFakeBench(t)
	var stdout, stderr bytes.Buffer
	if err := infoCmd(t.Context(), []string{"--target", addr}, &stdout, &stderr); err != nil {
		t.Fatalf("infoCmd: %v", err)
	}
	for _, want := range []string{"server (" + addr + ")", "Test CPU", "max tasks", "1000", "300.0"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("info table lacks %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	if err := infoCmd(t.Context(), []string{"--target", addr, "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("infoCmd --json: %v", err)
	}
	var got struct {
		Server struct {
			Hostname string `json:"hostname"`
			Limits   struct {
				MaxTasks int `json:"max_tasks"`
			} `json:"limits"`
		} `json:"server"`
		Client struct {
			GoVersion string `json:"go_version"`
		} `json:"client"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil || got.Server.Hostname != "srv" ||
		got.Server.Limits.MaxTasks != 1000 || got.Client.GoVersion == "" {
		t.Errorf("info JSON %s: %+v, %v", stdout.String(), got, err)
	}
}
