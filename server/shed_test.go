package server_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
)

// TestShedAtTransport: while CPU work is in flight and the scheduling
// latency is past --max-sched-latency, every Run — an I/O job too — is
// refused with RESOURCE_EXHAUSTED by the transport, before a handler runs,
// while health and Info keep answering; once the latency is back under the
// limit, or no CPU work is in flight, Run is admitted again.
func TestShedAtTransport(t *testing.T) {
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(100))
	var p99 atomic.Int64                     // ns
	p99.Store(int64(300 * time.Millisecond)) // past the default 250 ms
	server.SetSchedP99(svc, func() time.Duration { return time.Duration(p99.Load()) })
	release, err := server.HoldCPU(svc, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var handled atomic.Int32 // Run handlers entered
	conn := serve(t, svc, l, grpc.UnaryInterceptor(
		func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if info.FullMethod == pb.BenchService_Run_FullMethodName {
				handled.Add(1)
			}
			return h(ctx, req)
		}))
	c := pb.NewBenchServiceClient(conn)
	io := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 1}

	_, err = c.Run(t.Context(), io)
	if status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "--max-sched-latency") {
		t.Fatalf("I/O Run while overloaded: %v, want RESOURCE_EXHAUSTED naming --max-sched-latency", err)
	}
	if n := handled.Load(); n != 0 {
		t.Errorf("%d handlers ran for the refused RPC, want 0: the transport refuses it", n)
	}
	if _, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health while overloaded: %v", err)
	}
	if _, err := c.Info(t.Context(), &pb.InfoRequest{}); err != nil {
		t.Errorf("Info while overloaded: %v", err)
	}

	p99.Store(int64(200 * time.Millisecond))
	if _, err := c.Run(t.Context(), io); err != nil {
		t.Errorf("I/O Run at p99 200 ms: %v", err)
	}
	p99.Store(int64(300 * time.Millisecond))
	release()
	if _, err := c.Run(t.Context(), io); err != nil {
		t.Errorf("I/O Run with no CPU work in flight: %v", err)
	}
}
