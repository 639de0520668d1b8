package server_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// TestHeaderListBounded: request metadata past --max-header-bytes is
// refused before any handler runs; metadata within it is served.
func TestHeaderListBounded(t *testing.T) {
	l := server.DefaultLimits()
	c, _, _ := start(t, l)
	big := metadata.AppendToOutgoingContext(t.Context(), "x-pad", strings.Repeat("a", int(l.MaxHeaderListBytes)))
	if _, err := c.Info(big, &pb.InfoRequest{}); err == nil {
		t.Errorf("Info with %d bytes of metadata succeeded, want a refusal", l.MaxHeaderListBytes)
	}
	small := metadata.AppendToOutgoingContext(t.Context(), "x-pad", strings.Repeat("a", 1000))
	if _, err := c.Info(small, &pb.InfoRequest{}); err != nil {
		t.Errorf("Info with 1000 bytes of metadata: %v", err)
	}
}

// TestJobDurationBounded: a job whose I/O waits alone take longer than
// --max-job-duration is INVALID_ARGUMENT naming it, whatever the strategy
// spreads them over.
func TestJobDurationBounded(t *testing.T) {
	l := server.DefaultLimits()
	for _, tc := range []struct {
		strategy   pb.Strategy
		tasks, par uint32
		io         time.Duration
		want       time.Duration
		refused    bool
	}{
		{pb.Strategy_STRATEGY_SERIAL, 100_000, 0, 60 * time.Second, 100_000 * 60 * time.Second, true},
		{pb.Strategy_STRATEGY_SERIAL, 60, 0, time.Second, 60 * time.Second, false},
		{pb.Strategy_STRATEGY_POOL, 100, 10, 7 * time.Second, 70 * time.Second, true},
		{pb.Strategy_STRATEGY_SEMAPHORE, 101, 10, 5 * time.Second, 55 * time.Second, false},
		{pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, 100_000, 0, 60 * time.Second, 60 * time.Second, false},
		{pb.Strategy_STRATEGY_PIPELINE, 3, 10, 61 * time.Second, 61 * time.Second, true},
	} {
		req := &pb.RunRequest{Strategy: tc.strategy, Workload: pb.Workload_WORKLOAD_IO, Tasks: tc.tasks, Parallelism: tc.par,
			IoLatency: durationpb.New(tc.io)}
		l.MaxIOLatency = 2 * time.Minute
		job, err := server.Validate(req, l)
		if got := server.MinDuration(job); got != tc.want {
			t.Errorf("%v %d tasks ÷ %d × %v: MinDuration %v, want %v", tc.strategy, tc.tasks, tc.par, tc.io, got, tc.want)
		}
		if tc.refused != (status.Code(err) == codes.InvalidArgument && strings.Contains(err.Error(), "--max-job-duration")) {
			t.Errorf("%v %d tasks ÷ %d × %v: %v, refused want %v", tc.strategy, tc.tasks, tc.par, tc.io, err, tc.refused)
		}
	}
}

// TestDeadlineCapped: an RPC without a deadline still ends at
// --max-job-duration, with DEADLINE_EXCEEDED naming the limit.
func TestDeadlineCapped(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxJobDuration = 50 * time.Millisecond
	l.MaxCPUInFlight = time.Hour // 10⁷ iterations fit whatever GOMAXPROCS is
	c, _, _ := start(t, l)
	_, err := c.Run(context.Background(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: 1, CpuIterations: l.MaxCPUIterations})
	if status.Code(err) != codes.DeadlineExceeded || !strings.Contains(err.Error(), "--max-job-duration") {
		t.Errorf("Run of 10⁷ iterations under a 50 ms cap: %v, want DEADLINE_EXCEEDED naming --max-job-duration", err)
	}
}

// TestLimitListener: past n open connections, a new one is closed at once;
// closing one makes room for the next.
func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lis := server.LimitListener(inner, 2)
	accepted := make(chan net.Conn, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	defer func() { lis.Close(); <-done }()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := dial(), dial()
	sa, sb := <-accepted, <-accepted
	defer sb.Close()
	_, _ = a, b
	third := dial()
	// The read ends when the server closes the third connection; the
	// deadline only keeps a broken listener from hanging the test.
	_ = third.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := third.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("third connection with a limit of 2: read %v, want EOF (closed by the server)", err)
	}
	sa.Close()
	dial()
	if c := <-accepted; c == nil {
		t.Error("no connection accepted after one closed")
	} else {
		c.Close()
	}
}
