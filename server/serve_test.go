package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

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
		served <- server.Serve(ctx, lis, gs, hs, svc, grace, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
	conn, stop, served := serveLoopback(t, 100*time.Millisecond)
	c := pb.NewBenchServiceClient(conn)
	job := started(t, c, ioJob(59*time.Second))
	stop()
	if err := <-job; status.Code(err) != codes.Unavailable {
		t.Errorf("in-flight job: %v, want UNAVAILABLE", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// TestShutdownReportsNotServing: a health watcher connected before the
// signal sees NOT_SERVING as soon as shutdown begins, while the grace period
// still runs.
func TestShutdownReportsNotServing(t *testing.T) {
	conn, stop, served := serveLoopback(t, 200*time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	watch, err := healthpb.NewHealthClient(conn).Watch(ctx, &healthpb.HealthCheckRequest{})
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
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
