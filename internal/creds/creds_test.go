package creds_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/internal/creds"
	"github.com/stratbench/stratbench/internal/testcert"
)

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"": false, "0.0.0.0": false, "::": false, "10.0.0.1": false, "example.com": false, "localhost.": false,
	} {
		if got := creds.IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCertPoolErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing.pem"): "--tls-ca: open ",
		junk:                              "--tls-ca " + junk + ": no PEM certificate found",
	} {
		if _, err := creds.CertPool("--tls-ca", path); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("CertPool(%s) = %v, want an error starting %q", path, err, want)
		}
	}
}

func TestKeyPairError(t *testing.T) {
	_, err := creds.KeyPair("no-cert.pem", "no-key.pem")
	if err == nil || !strings.HasPrefix(err.Error(), "--tls-cert no-cert.pem / --tls-key no-key.pem: ") {
		t.Errorf("KeyPair = %v, want an error naming both flags and files", err)
	}
}

func TestLoad(t *testing.T) {
	f := testcert.Write(t)
	if _, err := creds.KeyPair(f.ServerCert, f.ServerKey); err != nil {
		t.Error(err)
	}
	if _, err := creds.CertPool("--tls-ca", f.CA); err != nil {
		t.Error(err)
	}
}
