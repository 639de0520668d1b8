package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// infoTimeout bounds the Info call that opens a session, which also waits
// for the first connection.
const infoTimeout = 10 * time.Second

// connFlags are the flags that say which server to drive and over how many
// connections.
type connFlags struct {
	target      string
	connections int
}

// register defines the connection flags on fs.
func (c *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "server `host:port`; empty starts a local `stratbench serve` child on 127.0.0.1 and stops it at the end")
	fs.IntVar(&c.connections, "connections", 1, "gRPC connections; RPCs are spread over them round-robin")
}

// session is a set of connections to one server, with both hosts'
// fingerprints.
type session struct {
	// Conns are the connections, as many as --connections.
	Conns []grpc.ClientConnInterface
	// Info is the server's fingerprint and limits.
	Info *pb.InfoResponse
	// Client is this host's fingerprint.
	Client hostinfo.Fingerprint
	// Target is the address dialled: --target, or the local server's.
	Target string

	ccs   []*grpc.ClientConn
	local *client.LocalServer // nil with --target
}

// connect opens --connections connections to --target, or to a local
// server it starts from this executable when --target is empty (saying so
// on stderr), and asks the server for its Info. The caller must Close the
// session.
func (c *connFlags) connect(ctx context.Context, stderr io.Writer) (*session, error) {
	if c.connections < 1 || c.connections > client.MaxConnections {
		return nil, usageError{fmt.Errorf("--connections %d is outside [1, %d]", c.connections, client.MaxConnections)}
	}
	s := &session{Target: c.target, Client: hostinfo.Collect()}
	if s.Target == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("start a local server: find this executable: %w", err)
		}
		if s.local, err = client.StartLocalServer(ctx, exe); err != nil {
			return nil, err
		}
		s.Target = s.local.Addr()
		fmt.Fprintf(stderr, "started a local server at %s (use --target to drive another)\n", s.Target)
	}
	ccs, err := client.Dial(s.Target, c.connections)
	if err != nil {
		return nil, errors.Join(err, s.Close())
	}
	s.ccs, s.Conns = ccs, client.Interfaces(ccs)
	ctx, cancel := context.WithTimeout(ctx, infoTimeout)
	defer cancel()
	if s.Info, err = pb.NewBenchServiceClient(ccs[0]).Info(ctx, &pb.InfoRequest{}, grpc.WaitForReady(true)); err != nil {
		return nil, errors.Join(fmt.Errorf("info from %s: %w", s.Target, err), s.Close())
	}
	return s, nil
}

// Close closes the connections and stops the local server if the session
// started one. It returns their errors joined.
func (s *session) Close() error {
	var err error
	if s.ccs != nil {
		err = client.CloseConns(s.ccs)
		s.ccs = nil
	}
	if s.local != nil {
		err = errors.Join(err, s.local.Stop())
	}
	return err
}
