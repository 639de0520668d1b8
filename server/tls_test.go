package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"testing"

	"github.com/stratbench/stratbench/internal/testcert"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
)

func TestMutualTLS(t *testing.T) {
	files := testcert.Write(t)
	cfg, err := server.TLSConfig(files.ServerCert, files.ServerKey, files.CA)
	if err != nil {
		t.Fatal(err)
	}
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(1))
	gs, _ := server.NewGRPCServer(svc, l, grpc.Creds(credentials.NewTLS(cfg)))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = gs.Serve(lis) }()
	defer func() { gs.Stop(); <-done; svc.Close() }()

	caPEM, _ := os.ReadFile(files.CA)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	clientCert, err := tls.LoadX509KeyPair(files.ClientCert, files.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	call := func(c *tls.Config) error {
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(c)))
		if err != nil {
			return err
		}
		defer conn.Close()
		_, err = pb.NewBenchServiceClient(conn).Info(t.Context(), &pb.InfoRequest{})
		return err
	}
	if err := call(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{clientCert}}); err != nil {
		t.Errorf("with a client certificate: %v", err)
	}
	if err := call(&tls.Config{RootCAs: roots}); status.Code(err) != codes.Unavailable {
		t.Errorf("without a client certificate: %v, want UNAVAILABLE", err)
	}
	if err := call(&tls.Config{Certificates: []tls.Certificate{clientCert}}); status.Code(err) != codes.Unavailable {
		t.Errorf("without trusting the server's CA: %v, want UNAVAILABLE", err)
	}
}

func TestTLSConfigErrors(t *testing.T) {
	files := testcert.Write(t)
	if _, err := server.TLSConfig(files.ServerCert, "missing.key", ""); err == nil {
		t.Error("missing key accepted")
	}
	if _, err := server.TLSConfig(files.ServerCert, files.ServerKey, files.ServerKey); err == nil {
		t.Error("a key as the client CA accepted")
	}
}
