package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/hostinfo"
	"github.com/stratbench/stratbench/internal/token"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// infoTimeout bounds the Info call that opens a session, which also waits
// for the first connection.
const infoTimeout = 10 * time.Second

// connFlags are the flags that say which server to drive, over how many
// connections, and with which credentials.
type connFlags struct {
	target      string
	connections int
	creds       client.Credentials
}

// register defines the connection flags on fs.
func (c *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "server `host:port`; empty starts a local `stratbench serve` child on 127.0.0.1 and stops it at the end")
	fs.IntVar(&c.connections, "connections", 1, "gRPC connections; RPCs are spread over them round-robin")
	fs.StringVar(&c.creds.CAFile, "tls-ca", "", "connect to --target with TLS, trusting the CAs of this PEM `file` (without it, other --tls-* flags use the host's roots)")
	fs.StringVar(&c.creds.ServerName, "tls-server-name", "", "`name` the server's certificate must carry when it is not --target's host; turns TLS on")
	fs.StringVar(&c.creds.CertFile, "tls-cert", "", "client certificate PEM `file` for mutual TLS, with --tls-key; turns TLS on")
	fs.StringVar(&c.creds.KeyFile, "tls-key", "", "PEM private key `file` of --tls-cert")
	fs.StringVar(&c.creds.TokenFile, "token-file", "", "`file` holding the server's bearer token, sent on every RPC; needs TLS unless --target is loopback")
}

// credentialFlags returns the credential flags given, with their values,
// as command-line arguments.
func (c *connFlags) credentialFlags() []string {
	var args []string
	for _, f := range []struct{ name, value string }{
		{"--tls-ca", c.creds.CAFile},
		{"--tls-server-name", c.creds.ServerName},
		{"--tls-cert", c.creds.CertFile},
		{"--tls-key", c.creds.KeyFile},
		{"--token-file", c.creds.TokenFile},
	} {
		if f.value != "" {
			args = append(args, f.name, f.value)
		}
	}
	return args
}

// resumeFlags returns the flags that reach the same server again, " --target
// ADDR" and the credential flags, for the resume command a sweep prints; ""
// without --target.
func (c *connFlags) resumeFlags() string {
	if c.target == "" {
		return ""
	}
	return " " + strings.Join(append([]string{"--target", c.target}, c.credentialFlags()...), " ")
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

// connect opens --connections connections to --target with the credential
// flags, or to a local server it starts from this executable when --target
// is empty (saying so on stderr), and asks the server for its Info. A
// --token-file that its group or others can read gets a warning on stderr. The
// Info call fails at once when the first connection attempt fails (refused,
// TLS handshake), with a hint at the flag to check. The caller must Close
// the session.
func (c *connFlags) connect(ctx context.Context, stderr io.Writer) (*session, error) {
	if c.connections < 1 || c.connections > client.MaxConnections {
		return nil, usageError{fmt.Errorf("--connections %d is outside [1, %d]", c.connections, client.MaxConnections)}
	}
	var opts []grpc.DialOption
	if c.target == "" && !c.creds.IsZero() {
		return nil, usageError{fmt.Errorf("%s: credentials are for a --target server; the local server started without --target listens on 127.0.0.1 and needs none",
			strings.Join(c.credentialFlags(), " "))}
	}
	if c.target != "" {
		if err := c.creds.Validate(c.target); err != nil {
			return nil, usageError{err}
		}
		var err error
		if opts, err = c.creds.DialOptions(c.target); err != nil {
			return nil, err
		}
		if c.creds.TokenFile != "" {
			who, err := token.Exposed(c.creds.TokenFile)
			if err != nil {
				return nil, err
			}
			if who != "" {
				fmt.Fprintf(stderr, "warning: the bearer token is readable by others: %s\n", who)
			}
		}
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
	ccs, err := client.Dial(s.Target, c.connections, opts...)
	if err != nil {
		return nil, errors.Join(err, s.Close())
	}
	s.ccs, s.Conns = ccs, client.Interfaces(ccs)
	ctx, cancel := context.WithTimeout(ctx, infoTimeout)
	defer cancel()
	if s.Info, err = fetchInfo(ctx, pb.NewBenchServiceClient(ccs[0])); err != nil {
		return nil, errors.Join(fmt.Errorf("info from %s: %w%s", s.Target, err, c.hint(err)), s.Close())
	}
	return s, nil
}

// fetchInfo asks c for its Info and cleans every string of the answer
// (hostinfo.Clean) before anything stores or shows it: the server is
// another host, and its host name or CPU model ends up in CSV files,
// folder names, the terminal and HTML.
func fetchInfo(ctx context.Context, c pb.BenchServiceClient) (*pb.InfoResponse, error) {
	info, err := c.Info(ctx, &pb.InfoRequest{})
	if err != nil {
		return nil, err
	}
	hostinfo.CleanMessage(info)
	return info, nil
}

// hint returns advice on the flag to check for err, the failure of the
// first RPC to --target, or "".
func (c *connFlags) hint(err error) string {
	msg := status.Convert(err).Message()
	switch code := status.Code(err); {
	case c.target == "":
		return ""
	case code == codes.Unauthenticated && c.creds.TokenFile == "":
		return "; the server wants a bearer token: pass --token-file"
	case code == codes.Unauthenticated:
		return "; the server refused the token of --token-file " + c.creds.TokenFile
	case code != codes.Unavailable, strings.Contains(msg, "connection refused"):
		return ""
	case strings.Contains(msg, "x509:"):
		return "; the server's certificate is not trusted for this name: pass the CA that signed it with --tls-ca, " +
			"and --tls-server-name when it names another host than --target"
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		return "; the server does not speak TLS: drop the --tls-* flags"
	case !c.creds.TLS():
		return "; if the server uses TLS, pass --tls-ca"
	case c.creds.CertFile == "":
		return "; if the server requires client certificates (mutual TLS), pass --tls-cert and --tls-key"
	case strings.Contains(msg, "certificate"):
		return "; the server refused the client certificate of --tls-cert " + c.creds.CertFile
	}
	return ""
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
