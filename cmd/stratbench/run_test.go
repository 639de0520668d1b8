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
	"google.golang.org/protobuf/proto"
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
	info *pb.InfoResponse // nil: testInfo
}

var testInfo = &pb.InfoResponse{Hostname: "srv", CpuModel: "Test CPU", LogicalCpus: 4, Gomaxprocs: 4, GoVersion: "go1.26.8",
	NsPerIteration: 300, Limits: &pb.Limits{MaxTasks: 1000, MaxIoLatency: durationpb.New(time.Second)}}

func (fakeRunBench) Run(context.Context, *pb.RunRequest) (*pb.RunResponse, error) {
	return &pb.RunResponse{TasksCompleted: 1, ServerTime: durationpb.New(time.Millisecond)}, nil
}

func (f fakeRunBench) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	if f.info != nil {
		return f.info, nil
	}
	return testInfo, nil
}

// startFakeBench serves fakeRunBench on 127.0.0.1 and returns its address.
func startFakeBench(t *testing.T) string { return startBench(t, fakeRunBench{}) }

// startFakeBenchInfo is startFakeBench answering Info with info.
func startFakeBenchInfo(t *testing.T, info *pb.InfoResponse) string {
	return startBench(t, fakeRunBench{info: info})
}

// startBench serves bench on 127.0.0.1 until t ends and returns its address.
func startBench(t *testing.T, bench pb.BenchServiceServer) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pb.RegisterBenchServiceServer(srv, bench)
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
	// The trial asks for a minute: ending in under half of it shows the
	// cancellation stopped it. The bound is that loose so a loaded host
	// cannot fail the test; it checks liveness, not speed.
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("runCmd took %v to stop a 1 min trial cancelled after 300 ms", took)
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

// TestHostileInfoIsCleaned: a server whose host name is a spreadsheet
// formula with a newline and whose CPU model holds terminal escapes gets
// them shown as text by `stratbench info`, and stored defused in the CSV.
func TestHostileInfoIsCleaned(t *testing.T) {
	info := proto.Clone(testInfo).(*pb.InfoResponse)
	info.Hostname = "=HYPERLINK(\"http://evil\",\"x\")\nrow"
	info.CpuModel = "CPU\x1b]0;owned\x07\x1b[2J"
	addr := startFakeBenchInfo(t, info)
	var stdout, stderr bytes.Buffer
	if err := infoCmd(t.Context(), []string{"--target", addr}, &stdout, &stderr); err != nil {
		t.Fatalf("infoCmd: %v", err)
	}
	if strings.ContainsAny(stdout.String(), "\x1b\x07") || !strings.Contains(stdout.String(), `CPU\x1b]0;owned\x07\x1b[2J`) {
		t.Errorf("info prints the CPU model raw, or not at all:\n%q", stdout.String())
	}
	csv := filepath.Join(t.TempDir(), "out.csv")
	if err := runCmd(t.Context(), []string{"--target", addr, "--requests", "5", "--warmup", "0s", "--strategy", "serial",
		"--workload", "io", "--io-latency", "1ms", "--out", csv}, &stdout, &stderr); err != nil {
		t.Fatalf("runCmd: %v; stderr: %s", err, stderr.String())
	}
	data, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `'=HYPERLINK`) || strings.Contains(string(data), ",=HYPERLINK") ||
		strings.Contains(string(data), `"=HYPERLINK`) {
		t.Errorf("results CSV holds the host name as a formula:\n%s", data)
	}
}

// TestRunCmdImplementations drives a real `stratbench serve` child, as a
// remote server, with every library implementation: each pair runs
// without errors and its rows name the implementation; a pair the strategy
// does not have is refused before any RPC.
func TestRunCmdImplementations(t *testing.T) {
	_, addr, _ := startServe(t)
	csv := filepath.Join(t.TempDir(), "out.csv")
	pairs := [][2]string{{"pool", "ants"}, {"pool", "pond"}, {"pool", "conc"}, {"semaphore", "errgroup"}, {"goroutine-per-task", "conc"}, {"pool", "own"}}
	for _, p := range pairs {
		var stdout, stderr bytes.Buffer
		args := []string{"--target", addr, "--concurrency", "2", "--requests", "6", "--warmup", "0", "--out", csv,
			"--strategy", p[0], "--implementation", p[1], "--cpu-iterations", "50", "--panic-every", "5"}
		if err := runCmd(t.Context(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%s/%s: %v; stderr: %s", p[0], p[1], err, stderr.String())
		}
	}
	rows, err := record.ReadCSVFile(csv)
	if err != nil || len(rows) != len(pairs) {
		t.Fatalf("read %s: %d rows, %v", csv, len(rows), err)
	}
	for i, r := range rows {
		if r.Strategy != pairs[i][0] || r.Implementation != pairs[i][1] || r.Errors != 0 || r.Requests != 6 {
			t.Errorf("row %d: strategy %s implementation %q, %d requests %d errors; want %s/%s, 6 without error",
				i, r.Strategy, r.Implementation, r.Requests, r.Errors, pairs[i][0], pairs[i][1])
		}
	}
	var stdout, stderr bytes.Buffer
	err = runCmd(t.Context(), []string{"--target", addr, "--requests", "1", "--strategy", "pipeline", "--implementation", "pond"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "--implementation pond is not available for --strategy pipeline") {
		t.Errorf("pipeline/pond: err %v", err)
	}
}

// streamLimitedBench is fakeRunBench advertising a stream limit of 2.
type streamLimitedBench struct{ fakeRunBench }

func (streamLimitedBench) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	info := proto.Clone(testInfo).(*pb.InfoResponse)
	info.Limits.MaxConcurrentStreams = 2
	return info, nil
}

// TestRunCmdPrintsFlagReasons runs a closed loop of 4 workers over one
// connection against a server advertising 2 streams per connection: run
// must print the client_saturated reason after the trial and write it to
// the CSV's flag_reasons.
func TestRunCmdPrintsFlagReasons(t *testing.T) {
	addr := startBench(t, streamLimitedBench{})
	csv := filepath.Join(t.TempDir(), "out.csv")
	var stdout, stderr bytes.Buffer
	err := runCmd(t.Context(), []string{"--target", addr, "--connections", "1", "--concurrency", "4",
		"--requests", "40", "--warmup", "0", "--strategy", "serial", "--workload", "io", "--io-latency", "1ms", "--out", csv}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("runCmd: %v\n%s", err, stderr.String())
	}
	const reason = "4 RPCs in flight per connection reach the server's stream limit 2"
	if !strings.Contains(stderr.String(), "trial 1: CLIENT SATURATED: ") || !strings.Contains(stderr.String(), reason) {
		t.Errorf("stderr lacks the client_saturated reason:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "!!! CLIENT SATURATED") {
		t.Errorf("summary lacks the warning:\n%s", stdout.String())
	}
	rows, err := record.ReadCSVFile(csv)
	if err != nil || len(rows) != 1 || !rows[0].ClientSaturated || !strings.Contains(rows[0].FlagReasons, reason) {
		t.Fatalf("CSV rows %+v, %v; want one row flagged with the reason", rows, err)
	}
}
