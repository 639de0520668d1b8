package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/internal/syncbuf"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// serveLoopback runs Serve on 127.0.0.1:0 and returns a connection, a function
// that triggers shutdown, and a channel with Serve's result.
func serveLoopback(t *testing.T, grace time.Duration) (*grpc.ClientConn, context.CancelFunc, <-chan error) {
	return serveLoopbackLog(t, grace, io.Discard)
}

// serveLoopbackLog is serveLoopback writing Serve's log to log.
func serveLoopbackLog(t *testing.T, grace time.Duration, log io.Writer) (*grpc.ClientConn, context.CancelFunc, <-chan error) {
	t.Helper()
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(100))
	gs, hs := server.NewGRPCServer(svc, l)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() {
		served <- server.Serve(ctx, lis, gs, hs, svc, grace, slog.New(slog.NewTextHandler(log, nil)))
	}()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		conn.Close()
	})
	return conn, cancel, served
}

func ioJob(d time.Duration) *pb.RunRequest {
	return &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 4, Parallelism: 4, IoLatency: durationpb.New(d)}
}

// started runs req in the background once the server answers and returns its
// outcome channel after giving the job time to be admitted.
func started(t *testing.T, c pb.BenchServiceClient, req *pb.RunRequest) <-chan error {
	if _, err := c.Info(t.Context(), &pb.InfoRequest{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Run(context.Background(), req)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	return done
}

func TestShutdownLetsJobsFinishWithinGrace(t *testing.T) {
	conn, stop, served := serveLoopback(t, 10*time.Second)
	c := pb.NewBenchServiceClient(conn)
	job := started(t, c, ioJob(300*time.Millisecond))
	stop()
	if err := <-job; err != nil {
		t.Errorf("in-flight job: %v, want success", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestShutdownCancelsJobsAfterGrace(t *testing.T) {
	var log syncbuf.Buffer
	conn, stop, served := serveLoopbackLog(t, 100*time.Millisecond, &log)
	c := pb.NewBenchServiceClient(conn)
	job := started(t, c, ioJob(59*time.Second))
	stop()
	if err := <-job; status.Code(err) != codes.Unavailable {
		t.Errorf("in-flight job: %v, want UNAVAILABLE", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if !strings.Contains(log.String(), "jobs_cancelled_after_grace=1 ") {
		t.Errorf("log %q does not say one job was cancelled", log.String())
	}
}

// TestShutdownReportsNotServing: a health watcher connected before the
// signal sees NOT_SERVING as soon as shutdown begins, then its stream ends
// with UNAVAILABLE, so the graceful stop finishes without waiting out the
// grace period; the log says no job was cancelled.
func TestShutdownReportsNotServing(t *testing.T) {
	var log syncbuf.Buffer
	conn, stop, served := serveLoopbackLog(t, time.Minute, &log)
	watch, err := healthpb.NewHealthClient(conn).Watch(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := watch.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("before shutdown: %v %v", m, err)
	}
	stop()
	if m, err := watch.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("after the signal: %v %v, want NOT_SERVING", m, err)
	}
	if m, err := watch.Recv(); status.Code(err) != codes.Unavailable {
		t.Errorf("after NOT_SERVING: %v %v, want the stream to end UNAVAILABLE", m, err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if out := log.String(); !strings.Contains(out, "jobs_cancelled_after_grace=0 ") || !strings.Contains(out, "stopped_after_grace=false") {
		t.Errorf("log %q: want no job cancelled and no forced stop", out)
	}
}

// TestShutdownLogHonest: a stream that outlives the grace period (a health
// watch of a service the server does not know, which shutdown does not
// end) makes the stop forced, and the log says so without claiming that
// jobs were cancelled: there were none.
func TestShutdownLogHonest(t *testing.T) {
	var log syncbuf.Buffer
	conn, stop, served := serveLoopbackLog(t, 100*time.Millisecond, &log)
	watch, err := healthpb.NewHealthClient(conn).Watch(t.Context(), &healthpb.HealthCheckRequest{Service: "unknown"})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := watch.Recv(); err != nil || m.Status != healthpb.HealthCheckResponse_SERVICE_UNKNOWN {
		t.Fatalf("watch: %v %v", m, err)
	}
	stop()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if out := log.String(); !strings.Contains(out, "jobs_cancelled_after_grace=0 ") || !strings.Contains(out, "stopped_after_grace=true") {
		t.Errorf("log %q: want a forced stop with no job cancelled", out)
	}
}
