package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/stratbench/stratbench/internal/creds"
	"github.com/stratbench/stratbench/internal/token"
)

// Dial opens n separate connections (HTTP/2 transports) to target, a
// host:port, with insecure credentials unless opts give others (see
// [Credentials.DialOptions]), and starts connecting them without waiting: a
// trial's warm-up absorbs the handshakes. On error it closes the
// connections it opened. The caller closes the connections.
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

// Bounds of a token file.
const (
	// MinTokenBytes is the shortest bearer token, the server's minimum too.
	MinTokenBytes = token.MinBytes
	// MaxTokenFileBytes is the largest token file read.
	MaxTokenFileBytes = token.MaxFileBytes
)

// Credentials say how a client proves who it is to a server and how it
// checks the server's identity. Each field is the file or name of the
// command-line flag named in its comment. The zero value dials in plain
// text without a token, which suits a server on the loopback interface.
type Credentials struct {
	// CAFile is a PEM bundle of the authorities that sign the server's
	// certificate (--tls-ca). Empty with TLS on means the host's roots.
	CAFile string
	// ServerName is the name the server's certificate must carry
	// (--tls-server-name); empty means the target's host.
	ServerName string
	// CertFile and KeyFile are the client's PEM certificate and key for
	// mutual TLS (--tls-cert, --tls-key): both or neither.
	CertFile, KeyFile string
	// TokenFile holds the bearer token sent as "authorization: Bearer
	// TOKEN" on every RPC (--token-file).
	TokenFile string
}

// TLS reports whether c asks for TLS: any field but TokenFile is set.
func (c Credentials) TLS() bool {
	return c.CAFile != "" || c.ServerName != "" || c.CertFile != "" || c.KeyFile != ""
}

// IsZero reports whether c sets nothing.
func (c Credentials) IsZero() bool { return c == Credentials{} }

// Validate checks c for dialling target without reading any file: the
// certificate and key go together, and a token is sent in plain text only
// to a loopback target, where it does not cross a network.
func (c Credentials) Validate(target string) error {
	if (c.CertFile == "") != (c.KeyFile == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if c.TokenFile != "" && !c.TLS() && !IsLoopbackTarget(target) {
		return fmt.Errorf("--token-file needs TLS for --target %s, which is not loopback: "+
			"the token would cross the network in clear text; pass --tls-ca with the CA of the server's certificate", target)
	}
	return nil
}

// DialOptions validates c for target (see [Credentials.Validate]), reads its files, and
// returns the options that make connections to target use it: TLS 1.2 or
// later when c.TLS(), and the bearer token as per-RPC credentials, which
// gRPC refuses to send over a connection without TLS unless target is
// loopback. Errors name the flag and the file. A token costs each RPC a
// small map allocation.
func (c Credentials) DialOptions(target string) ([]grpc.DialOption, error) {
	if err := c.Validate(target); err != nil {
		return nil, err
	}
	var opts []grpc.DialOption
	if c.TLS() {
		cfg, err := c.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
	}
	if c.TokenFile != "" {
		tok, err := ReadToken(c.TokenFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.WithPerRPCCredentials(bearerToken{
			header: "Bearer " + tok,
			secure: !IsLoopbackTarget(target),
		}))
	}
	return opts, nil
}

// tlsConfig builds the client's TLS configuration from c's files.
func (c Credentials) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: creds.MinVersion, ServerName: c.ServerName}
	if c.CAFile != "" {
		var err error
		if cfg.RootCAs, err = creds.CertPool("--tls-ca", c.CAFile); err != nil {
			return nil, err
		}
	}
	if c.CertFile != "" {
		cert, err := creds.KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// ReadToken reads a bearer token from path under the rules the server
// applies too: see token.Read.
func ReadToken(path string) (string, error) { return token.Read(path) }

// bearerToken sends "authorization: Bearer TOKEN" with every RPC.
type bearerToken struct {
	header string // "Bearer " + token
	secure bool   // refuse connections without TLS
}

func (b bearerToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": b.header}, nil
}

func (b bearerToken) RequireTransportSecurity() bool { return b.secure }

// IsLoopbackTarget reports whether the gRPC target names this host only: a
// host:port (optionally behind a dns:/// or passthrough:/// scheme) whose
// host is a loopback address, or localhost resolved by this host, or a unix
// socket. Any other name may resolve to anything and is not loopback.
func IsLoopbackTarget(target string) bool {
	addr := target
	if strings.HasPrefix(target, "unix:") || strings.HasPrefix(target, "unix-abstract:") {
		return true
	}
	ownResolver := true
	if strings.Contains(target, "://") {
		u, err := url.Parse(target)
		if err != nil {
			return false
		}
		addr = strings.TrimPrefix(u.Path, "/")
		ownResolver = u.Host == "" // dns://SERVER/name asks SERVER, which may answer anything
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return ownResolver
	}
	return creds.IsLoopbackHost(host)
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
