package client_test

import (
	"context"
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// fakeConn is a connection without a transport: Invoke calls the handler on
// the caller's goroutine. It has no sockets, so tests that run the load
// generator inside a testing/synctest bubble use it, where a timer in the
// handler is an exact server latency on the bubble's fake clock.
type fakeConn struct {
	run func(context.Context, *pb.RunRequest) (*pb.RunResponse, error)
}

// fakeCallers returns n connections that all call handler.
func fakeCallers(n int, handler func(context.Context, *pb.RunRequest) (*pb.RunResponse, error)) []grpc.ClientConnInterface {
	conns := make([]grpc.ClientConnInterface, n)
	for i := range conns {
		conns[i] = fakeConn{run: handler}
	}
	return conns
}

func (f fakeConn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) error {
	if method != pb.BenchService_Run_FullMethodName {
		return status.Error(codes.Unimplemented, "fakeConn: "+method)
	}
	if err := ctx.Err(); err != nil {
		return status.FromContextError(err).Err()
	}
	resp, err := f.run(ctx, args.(*pb.RunRequest))
	switch {
	case err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return status.FromContextError(err).Err()
	case err != nil:
		return err
	case ctx.Err() != nil: // gRPC reports the deadline, not a late answer
		return status.FromContextError(ctx.Err()).Err()
	}
	proto.Merge(reply.(*pb.RunResponse), resp)
	return nil
}

func (fakeConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "fakeConn: no streams")
}
