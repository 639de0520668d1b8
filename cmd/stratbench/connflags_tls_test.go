package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/stratbench/stratbench/internal/testcert"
	"github.com/stratbench/stratbench/server"
)

// tlsTestToken is the bearer token of startSecureBench's servers.
const tlsTestToken = "s3cret-token-of-the-cmd-tests"

// startSecureBench serves a real BenchService on 127.0.0.1 with TLS (mutual
// when mutual is set) and tlsTestToken, and returns its address; cleanup
// stops it.
func startSecureBench(t *testing.T, files testcert.Files, mutual bool) string {
	t.Helper()
	ca := ""
	if mutual {
		ca = files.CA
	}
	cfg, err := server.TLSConfig(files.ServerCert, files.ServerKey, ca)
	if err != nil {
		t.Fatal(err)
	}
	unary, stream := server.TokenAuth(tlsTestToken)
	l := server.DefaultLimits()
	svc := server.New(l, server.Fingerprint(1))
	gs, _ := server.NewGRPCServer(svc, l, grpc.Creds(credentials.NewTLS(cfg)),
		grpc.UnaryInterceptor(unary), grpc.StreamInterceptor(stream))
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

// writeSecret writes content to name in a new temporary folder.
func writeSecret(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInfoCredentials(t *testing.T) {
	files := testcert.Write(t)
	token := writeSecret(t, "token", tlsTestToken+"\n")
	wrong := writeSecret(t, "wrong", "not-the-token-of-this-server\n")
	shared := writeSecret(t, "shared", tlsTestToken+"\n")
	if err := os.Chmod(shared, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := startSecureBench(t, files, false)
	mutual := startSecureBench(t, files, true)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		errHas []string // in stderr
	}{
		{"CA and token", []string{"--target", addr, "--tls-ca", files.CA, "--token-file", token}, 0, nil},
		{"server name", []string{"--target", addr, "--tls-ca", files.CA, "--tls-server-name", "localhost", "--token-file", token}, 0, nil},
		{"mutual TLS", []string{"--target", mutual, "--tls-ca", files.CA, "--tls-cert", files.ClientCert, "--tls-key", files.ClientKey,
			"--token-file", token}, 0, nil},
		{"token readable by others", []string{"--target", addr, "--tls-ca", files.CA, "--token-file", shared}, 0,
			[]string{"warning: the bearer token is readable by others: group and others can read " + shared + " (mode 0644); chmod 600 it"}},
		{"wrong token", []string{"--target", addr, "--tls-ca", files.CA, "--token-file", wrong}, 1,
			[]string{"Unauthenticated", "missing or invalid bearer token", "refused the token of --token-file " + wrong}},
		{"no token", []string{"--target", addr, "--tls-ca", files.CA}, 1,
			[]string{"Unauthenticated", "pass --token-file"}},
		{"no CA", []string{"--target", addr, "--tls-server-name", "localhost", "--token-file", token}, 1,
			[]string{"Unavailable", "x509: certificate signed by unknown authority", "--tls-ca"}},
		{"wrong server name", []string{"--target", addr, "--tls-ca", files.CA, "--tls-server-name", "other.example", "--token-file", token}, 1,
			[]string{"x509: certificate is valid for localhost, not other.example", "--tls-server-name"}},
		{"no TLS flag", []string{"--target", addr, "--token-file", token}, 1,
			[]string{"Unavailable", "if the server uses TLS, pass --tls-ca"}},
		{"mutual TLS without a certificate", []string{"--target", mutual, "--tls-ca", files.CA, "--token-file", token}, 1,
			[]string{"Unavailable", "pass --tls-cert and --tls-key"}},
		{"token in clear text off loopback", []string{"--target", "192.0.2.1:50051", "--token-file", token}, 2,
			[]string{"--token-file needs TLS for --target 192.0.2.1:50051, which is not loopback"}},
		{"credentials without a target", []string{"--tls-ca", files.CA, "--token-file", token}, 2,
			[]string{"--tls-ca " + files.CA + " --token-file " + token, "the local server", "needs none"}},
		{"certificate without key", []string{"--target", mutual, "--tls-ca", files.CA, "--tls-cert", files.ClientCert}, 2,
			[]string{"--tls-cert and --tls-key go together"}},
		{"unreadable CA", []string{"--target", addr, "--tls-ca", filepath.Join(t.TempDir(), "none.pem")}, 1,
			[]string{"--tls-ca", "none.pem"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{"info"}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if code == 0 && !strings.Contains(stdout.String(), "max jobs in flight") {
				t.Errorf("info printed:\n%s", stdout.String())
			}
			for _, s := range tc.errHas {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr %q lacks %q", stderr.String(), s)
				}
			}
			if tc.errHas == nil && strings.Contains(stderr.String(), "warning") {
				t.Errorf("stderr %q warns of a token file only its owner can read", stderr.String())
			}
		})
	}
}

// TestRunAndSweepCredentials drives run and sweep with TLS and a token;
// an interrupted sweep's resume command repeats the credential flags.
func TestRunAndSweepCredentials(t *testing.T) {
	files := testcert.Write(t)
	token := writeSecret(t, "token", tlsTestToken)
	addr := startSecureBench(t, files, true)
	creds := []string{"--target", addr, "--tls-ca", files.CA, "--tls-cert", files.ClientCert, "--tls-key", files.ClientKey, "--token-file", token}

	var stdout, stderr bytes.Buffer
	args := append([]string{"run", "--requests", "20", "--warmup", "0s", "--concurrency", "2", "--strategy", "serial",
		"--workload", "io", "--io-latency", "1ms"}, creds...)
	if code := run(t.Context(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("run: exit %d; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "serial/io") {
		t.Errorf("run summary:\n%s", stdout.String())
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	stdout.Reset()
	stderr.Reset()
	args = append([]string{"sweep", "--matrix", writeMatrix(t, "1m"), "--reports", t.TempDir()}, creds...)
	if code := run(ctx, args, &stdout, &stderr); code != 1 {
		t.Fatalf("interrupted sweep: exit %d, want 1; stderr: %s", code, stderr.String())
	}
	dir := lastLine(stdout.String())
	want := "resume with: stratbench sweep --resume " + dir + " " + strings.Join(creds, " ")
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}
