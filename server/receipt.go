package server

import (
	"context"
	"time"

	"google.golang.org/grpc/tap"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// receivedKey is the context key of an RPC's receipt time.
type receivedKey struct{}

// stampReceipt is the server's tap handle: it runs on the connection's
// reader goroutine as the transport parses an RPC's headers, before a
// goroutine is started for the RPC, and puts the time into the RPC's
// context. It is the earliest moment the server can know of a request.
//
// It is also where an overloaded server sheds Run: while CPU work is in
// flight and the scheduling latency is past Limits.MaxSchedLatency, every
// Run, an I/O job too, is refused with RESOURCE_EXHAUSTED here, before its
// token is checked, its message decoded or a goroutine started for it. A
// refusal then costs the reader goroutine a few microseconds instead of a
// handler goroutine that would itself wait for a thread behind the queued
// work, and no timing measured on such a server would mean anything.
//
// A stats.Handler's InHeader and Begin events are not used for this
// because grpc-go (1.85) emits both from the RPC's own goroutine, after it
// has been scheduled: with 32 runnable handlers on 2 cores they miss the
// run-queue wait, which is what handler_wait is meant to show.
func (s *Service) stampReceipt(ctx context.Context, info *tap.Info) (context.Context, error) {
	if info.FullMethodName == pb.BenchService_Run_FullMethodName {
		if err := s.admit.shed(); err != nil {
			return nil, err
		}
	}
	return context.WithValue(ctx, receivedKey{}, s.now()), nil
}

// receivedAt returns the receipt time stampReceipt put into ctx.
func receivedAt(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(receivedKey{}).(time.Time)
	return t, ok
}
