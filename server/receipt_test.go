package server_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// TestHandlerWaitKnownDelay: an interceptor between the transport and the
// handler holds each RPC for a known time; handler_wait is exactly that
// time on the server's (fake) clock, and server_time excludes it.
func TestHandlerWaitKnownDelay(t *testing.T) {
	const delay = 7 * time.Millisecond
	clock := &fakeClock{}
	clock.advance(time.Hour)
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(100))
	server.SetClock(svc, clock.now)
	c := pb.NewBenchServiceClient(serve(t, svc, l, grpc.UnaryInterceptor(
		func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			clock.advance(delay)
			return h(ctx, req)
		})))
	for range 3 {
		resp, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL,
			Workload: pb.Workload_WORKLOAD_CPU, Tasks: 2, CpuIterations: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.HandlerWait.AsDuration(); got != delay {
			t.Errorf("handler_wait %v, want exactly %v", got, delay)
		}
		if got := resp.ServerTime.AsDuration(); got != 0 {
			t.Errorf("server_time %v, want 0: the clock did not move inside the handler", got)
		}
	}
}

// TestHandlerWaitRealClock: with the real clock an interceptor that sleeps
// d makes handler_wait at least d (a sleep never ends early); the upper
// side is not asserted, as it depends on the host's load.
func TestHandlerWaitRealClock(t *testing.T) {
	const delay = 5 * time.Millisecond
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(100))
	c := pb.NewBenchServiceClient(serve(t, svc, l, grpc.UnaryInterceptor(
		func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			time.Sleep(delay)
			return h(ctx, req)
		})))
	resp, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL,
		Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1, CpuIterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	if resp.HandlerWait == nil || resp.HandlerWait.AsDuration() < delay {
		t.Errorf("handler_wait %v, want ≥ %v", resp.HandlerWait.AsDuration(), delay)
	}
}

// TestHandlerWaitUnsetWithoutTransport: a handler called directly has no
// receipt time, and says so by leaving handler_wait unset.
func TestHandlerWaitUnsetWithoutTransport(t *testing.T) {
	svc := server.New(server.DefaultLimits(), server.Fingerprint(100))
	defer svc.Close()
	resp, err := svc.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL,
		Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1, CpuIterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	if resp.HandlerWait != nil {
		t.Errorf("handler_wait %v, want unset", resp.HandlerWait.AsDuration())
	}
}

// TestIOWaitMeanExact: under synctest a timer of d fires after exactly d,
// so every strategy's io_wait_mean for an I/O or mixed job is exactly
// io_latency and io_waits counts the tasks; a CPU job leaves both unset.
func TestIOWaitMeanExact(t *testing.T) {
	const d = 4 * time.Millisecond
	for _, w := range []pb.Workload{pb.Workload_WORKLOAD_IO, pb.Workload_WORKLOAD_MIXED, pb.Workload_WORKLOAD_CPU} {
		for _, s := range allStrategies {
			t.Run(w.String()+"/"+s.String(), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					svc := server.New(server.DefaultLimits(), server.Fingerprint(100))
					defer svc.Close()
					resp, err := svc.Run(t.Context(), &pb.RunRequest{Strategy: s, Workload: w, Tasks: 6,
						Parallelism: 2, CpuIterations: 10, IoLatency: durationpb.New(d)})
					if err != nil {
						t.Fatal(err)
					}
					if w == pb.Workload_WORKLOAD_CPU {
						if resp.IoWaitMean != nil || resp.IoWaits != 0 {
							t.Errorf("CPU job: io_wait_mean %v, io_waits %d; want unset", resp.IoWaitMean, resp.IoWaits)
						}
						return
					}
					if got := resp.IoWaitMean.AsDuration(); got != d || resp.IoWaits != 6 {
						t.Errorf("io_wait_mean %v over %d waits, want exactly %v over 6", got, resp.IoWaits, d)
					}
				})
			})
		}
	}
}

// TestIOWaitMeanRealServer: through the real server and the host's timers,
// an I/O job of exact latency reports a mean wait of at least that latency
// (a timer never fires early) over every task.
func TestIOWaitMeanRealServer(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	const d = 2 * time.Millisecond
	resp, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO,
		Tasks: 20, Parallelism: 4, IoLatency: durationpb.New(d)})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.IoWaitMean.AsDuration(); got < d || resp.IoWaits != 20 {
		t.Errorf("io_wait_mean %v over %d waits, want ≥ %v over 20", got, resp.IoWaits, d)
	}
}
