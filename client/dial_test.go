package client_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/internal/testcert"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
)

// testToken is the bearer token of the secured test servers.
const testToken = "s3cret-token-of-the-test-server"

// secureServer describes a real BenchService on 127.0.0.1 for the
// credential tests.
type secureServer struct {
	tls       bool // serve TLS with the test server certificate
	mutual    bool // require a client certificate signed by the test CA
	withToken bool // require testToken
}

// start serves s and returns its address; cleanup stops it.
func (s secureServer) start(t *testing.T, files testcert.Files) string {
	t.Helper()
	var opts []grpc.ServerOption
	if s.tls {
		ca := ""
		if s.mutual {
			ca = files.CA
		}
		cfg, err := server.TLSConfig(files.ServerCert, files.ServerKey, ca)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
	}
	if s.withToken {
		unary, stream := server.TokenAuth(testToken)
		opts = append(opts, grpc.UnaryInterceptor(unary), grpc.StreamInterceptor(stream))
	}
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(1))
	gs, _ := server.NewGRPCServer(svc, l, opts...)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- gs.Serve(lis) }()
	t.Cleanup(func() {
		gs.Stop()
		<-served
		svc.Close()
	})
	return lis.Addr().String()
}

// writeCredFile writes content to a new file in dir and returns its path.
func writeCredFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// callWith dials addr with creds and calls Info, then Run with a tiny job.
func callWith(t *testing.T, addr string, creds client.Credentials) error {
	t.Helper()
	opts, err := creds.DialOptions(addr)
	if err != nil {
		t.Fatalf("DialOptions: %v", err)
	}
	conns, err := client.Dial(addr, 1, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseConns(conns)
	c := pb.NewBenchServiceClient(conns[0])
	if _, err := c.Info(t.Context(), &pb.InfoRequest{}); err != nil {
		return err
	}
	_, err = c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: 1, CpuIterations: 1})
	return err
}

func TestCredentials(t *testing.T) {
	files := testcert.Write(t)
	dir := t.TempDir()
	token := writeCredFile(t, dir, "token", "  "+testToken+"\n")
	wrong := writeCredFile(t, dir, "wrong", "not-the-token-of-this-server\n")
	tlsToken := secureServer{tls: true, withToken: true}.start(t, files)
	mutual := secureServer{tls: true, mutual: true}.start(t, files)

	for _, tc := range []struct {
		name  string
		addr  string
		creds client.Credentials
		code  codes.Code
		msg   string // in the error's message; a refused client certificate
		// shows as "certificate required" or a broken pipe, by timing
	}{
		{"CA and token", tlsToken, client.Credentials{CAFile: files.CA, TokenFile: token}, codes.OK, ""},
		{"server name", tlsToken, client.Credentials{CAFile: files.CA, ServerName: "localhost", TokenFile: token}, codes.OK, ""},
		{"wrong token", tlsToken, client.Credentials{CAFile: files.CA, TokenFile: wrong}, codes.Unauthenticated, "missing or invalid bearer token"},
		{"no token", tlsToken, client.Credentials{CAFile: files.CA}, codes.Unauthenticated, "missing or invalid bearer token"},
		{"no CA", tlsToken, client.Credentials{ServerName: "localhost", TokenFile: token}, codes.Unavailable, "x509: certificate signed by unknown authority"},
		{"wrong server name", tlsToken, client.Credentials{CAFile: files.CA, ServerName: "other.example", TokenFile: token},
			codes.Unavailable, "x509: certificate is valid for localhost, not other.example"},
		{"plain text to TLS", tlsToken, client.Credentials{TokenFile: token}, codes.Unavailable, ""},
		{"mutual TLS", mutual, client.Credentials{CAFile: files.CA, CertFile: files.ClientCert, KeyFile: files.ClientKey}, codes.OK, ""},
		{"mutual TLS without a certificate", mutual, client.Credentials{CAFile: files.CA}, codes.Unavailable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := callWith(t, tc.addr, tc.creds)
			if status.Code(err) != tc.code || !strings.Contains(status.Convert(err).Message(), tc.msg) {
				t.Errorf("got %v, want %v with %q", err, tc.code, tc.msg)
			}
		})
	}
}

func TestCredentialsRefused(t *testing.T) {
	files := testcert.Write(t)
	dir := t.TempDir()
	token := writeCredFile(t, dir, "token", testToken)
	for _, tc := range []struct {
		name   string
		target string
		creds  client.Credentials
		errHas []string
	}{
		{"token in clear text to another host", "192.0.2.1:50051", client.Credentials{TokenFile: token},
			[]string{"--token-file", "192.0.2.1:50051", "not loopback", "--tls-ca"}},
		{"token in clear text via dns", "dns:///bench.example:443", client.Credentials{TokenFile: token},
			[]string{"not loopback"}},
		{"certificate without key", "127.0.0.1:1", client.Credentials{CertFile: files.ClientCert},
			[]string{"--tls-cert and --tls-key"}},
		{"CA file missing", "127.0.0.1:1", client.Credentials{CAFile: filepath.Join(dir, "none.pem")},
			[]string{"--tls-ca", "none.pem"}},
		{"CA file without a certificate", "127.0.0.1:1", client.Credentials{CAFile: files.ClientKey},
			[]string{"--tls-ca", "no PEM certificate"}},
		{"key of another certificate", "127.0.0.1:1", client.Credentials{CAFile: files.CA, CertFile: files.ClientCert, KeyFile: files.ServerKey},
			[]string{"--tls-cert", "--tls-key"}},
		{"short token", "127.0.0.1:1", client.Credentials{TokenFile: writeCredFile(t, dir, "short", "abc\n")},
			[]string{"--token-file", "3 bytes", "at least 16"}},
		{"token with a control byte", "127.0.0.1:1", client.Credentials{TokenFile: writeCredFile(t, dir, "ctl", "0123456789\x01abcdef")},
			[]string{"--token-file", "byte 11", "printable ASCII"}},
		{"huge token file", "127.0.0.1:1", client.Credentials{TokenFile: writeCredFile(t, dir, "huge", strings.Repeat("a", client.MaxTokenFileBytes+1))},
			[]string{"--token-file", "exceeds the limit of 4096 bytes"}},
		{"token file missing", "127.0.0.1:1", client.Credentials{TokenFile: filepath.Join(dir, "nope")},
			[]string{"--token-file", "nope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.creds.DialOptions(tc.target)
			if err == nil {
				t.Fatal("DialOptions succeeded")
			}
			for _, s := range tc.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestIsLoopbackTarget(t *testing.T) {
	for target, want := range map[string]bool{
		"127.0.0.1:50051":               true,
		"127.9.9.9:1":                   true,
		"localhost:50051":               true,
		"[::1]:50051":                   true,
		"dns:///localhost:50051":        true,
		"passthrough:///127.0.0.1:8080": true,
		"unix:///tmp/stratbench.sock":   true,
		"0.0.0.0:50051":                 false,
		"[::]:50051":                    false,
		"10.1.2.3:50051":                false,
		"bench.example:443":             false,
		"dns:///bench.example:443":      false,
		"dns://8.8.8.8/localhost:50051": false,
		"dns://8.8.8.8/127.0.0.1:50051": true,
		"localhost":                     false,
		"":                              false,
	} {
		if got := client.IsLoopbackTarget(target); got != want {
			t.Errorf("IsLoopbackTarget(%q) = %v, want %v", target, got, want)
		}
	}
}

// TestBearerTokenNeedsTLSOffLoopback checks gRPC's own guard: the token's
// per-RPC credentials refuse a connection without TLS to a target that is
// not loopback, even if Validate is bypassed.
func TestBearerTokenNeedsTLSOffLoopback(t *testing.T) {
	files := testcert.Write(t)
	token := writeCredFile(t, t.TempDir(), "token", testToken)
	opts, err := client.Credentials{CAFile: files.CA, TokenFile: token}.DialOptions("192.0.2.1:1")
	if err != nil {
		t.Fatal(err)
	}
	addr := secureServer{withToken: true}.start(t, files)
	// The TLS option is dropped (the last one wins): plain text with a
	// token meant for a remote host.
	conns, err := client.Dial(addr, 1, append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err == nil {
		client.CloseConns(conns)
		t.Fatal("Dial succeeded with a token that requires TLS over plain text")
	}
	if !strings.Contains(err.Error(), "transport level security") {
		t.Errorf("Dial = %v, want a refusal naming transport level security", err)
	}
}
