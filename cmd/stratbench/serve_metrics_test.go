package main

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// TestServeMetrics: the real binary with --metrics-addr and a token serves
// /metrics only with the token, counts a job's tasks as its response did and
// counts a call the token refused, and stops serving /metrics on SIGTERM.
func TestServeMetrics(t *testing.T) {
	token := writeSecret(t, "token", tlsTestToken+"\n")
	cmd, lines, stderr := startServeLines(t, 2, "--metrics-addr", "127.0.0.1:0", "--token-file", token)
	url := "http://" + lines[1] + "/metrics"

	conn, err := grpc.NewClient(lines[0], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := pb.NewBenchServiceClient(conn)
	if _, err := c.Info(t.Context(), &pb.InfoRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("Info without a token: %v, want UNAUTHENTICATED", err)
	}
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tlsTestToken)
	resp, err := c.Run(ctx, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SEMAPHORE, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: 12, Parallelism: 2, CpuIterations: 5, FailEvery: 3, ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL})
	if err != nil {
		t.Fatal(err)
	}

	get := func(auth string) (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v; stderr %s", url, err, stderr.String())
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", code)
	}
	code, body := get("Bearer " + tlsTestToken)
	if code != http.StatusOK {
		t.Fatalf("with the token: status %d: %s", code, body)
	}
	for _, want := range []string{
		`stratbench_tasks_total{outcome="completed",strategy="semaphore",workload="cpu"} ` + itoa(resp.TasksCompleted),
		`stratbench_tasks_total{outcome="failed",strategy="semaphore",workload="cpu"} ` + itoa(resp.TasksFailed),
		`grpc_server_handled_total{grpc_code="OK",grpc_method="Run",grpc_service="stratbench.v1.BenchService",grpc_type="unary"} 1`,
		`grpc_server_handled_total{grpc_code="Unauthenticated",grpc_method="Info",grpc_service="stratbench.v1.BenchService",grpc_type="unary"} 1`,
		`stratbench_jobs_in_flight 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks the line %q", want)
		}
	}
	if !strings.Contains(body, "\nprocess_cpu_seconds_total ") {
		t.Errorf("/metrics lacks the process collector")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr %s", err, stderr.String())
	}
	if _, err := http.Get(url); err == nil {
		t.Errorf("/metrics still answers after the server stopped")
	}
}

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

func TestServeRefusesExposedMetricsAddress(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"serve", "--metrics-addr", "0.0.0.0:0"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "--metrics-addr 0.0.0.0:0 is not loopback") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
