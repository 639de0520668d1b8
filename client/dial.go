package client

import (
	"errors"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Dial opens n separate connections (HTTP/2 transports) to target, a
// host:port, with insecure credentials unless opts give others, and starts
// connecting them without waiting: a trial's warm-up absorbs the handshakes.
// On error it closes the connections it opened. The caller closes the
// connections.
func Dial(target string, n int, opts ...grpc.DialOption) ([]*grpc.ClientConn, error) {
	if n < 1 || n > MaxConnections {
		return nil, fmt.Errorf("client: dial %s: connections %d is outside [1, %d]", target, n, MaxConnections)
	}
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	conns := make([]*grpc.ClientConn, 0, n)
	for range n {
		cc, err := grpc.NewClient(target, opts...)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("client: dial %s: %w", target, err), CloseConns(conns))
		}
		cc.Connect()
		conns = append(conns, cc)
	}
	return conns, nil
}

// CloseConns closes every connection of conns and returns their errors
// joined.
func CloseConns(conns []*grpc.ClientConn) error {
	var errs []error
	for _, cc := range conns {
		if err := cc.Close(); err != nil {
			errs = append(errs, fmt.Errorf("client: close connection to %s: %w", cc.Target(), err))
		}
	}
	return errors.Join(errs...)
}

// Interfaces returns conns as the grpc.ClientConnInterface slice that
// RunTrial takes.
func Interfaces(conns []*grpc.ClientConn) []grpc.ClientConnInterface {
	out := make([]grpc.ClientConnInterface, len(conns))
	for i, cc := range conns {
		out[i] = cc
	}
	return out
}
