package client

import (
	"context"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// caller sends the cell's request over a fixed set of stubs, round-robin.
// Each worker holds its own caller so that choosing a stub touches no shared
// state.
type caller struct {
	stubs   []pb.BenchServiceClient
	next    int
	req     *pb.RunRequest // read-only, shared by every worker
	timeout time.Duration
}

// call sends one RPC on the next stub. With a timeout it costs a
// context.WithTimeout beyond the stub call: about 8 allocations (the
// context, its timer, and gRPC's grpc-timeout header and child context)
// and a microsecond.
func (c *caller) call(ctx context.Context) (*pb.RunResponse, error) {
	stub := c.stubs[c.next]
	if c.next++; c.next == len(c.stubs) {
		c.next = 0
	}
	if c.timeout <= 0 {
		return stub.Run(ctx, c.req)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return stub.Run(ctx, c.req)
}

// stopped reports whether ctx has ended or its deadline has passed. An RPC
// can fail with DeadlineExceeded at its context's deadline before the
// context's own timer marks it done, so ctx.Err alone would count such an
// RPC as a server error.
func stopped(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}
