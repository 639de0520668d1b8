package server

import (
	"crypto/tls"
	"fmt"
	"net"

	"github.com/stratbench/stratbench/internal/creds"
)

// TLSConfig returns the server's TLS configuration from a PEM certificate and
// key, requiring and verifying client certificates signed by clientCA when
// clientCA is not empty (mutual TLS). TLS 1.2 is the minimum.
func TLSConfig(certFile, keyFile, clientCA string) (*tls.Config, error) {
	cert, err := creds.KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: creds.MinVersion}
	if clientCA != "" {
		if cfg.ClientCAs, err = creds.CertPool("--tls-client-ca", clientCA); err != nil {
			return nil, err
		}
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// IsLoopback reports whether addr (host:port) only listens on the loopback
// interface. An empty host, 0.0.0.0 or :: listen on every interface and are
// not loopback; a name other than localhost is not either, since it may
// resolve to anything.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && creds.IsLoopbackHost(host)
}

// CheckExposure refuses to serve a non-loopback address without both TLS
// and a token unless insecure is set, explaining why.
func CheckExposure(addr string, tlsOn, tokenOn, insecure bool) error {
	if IsLoopback(addr) || insecure || (tlsOn && tokenOn) {
		return nil
	}
	var missing []string
	if !tlsOn {
		missing = append(missing, "TLS (--tls-cert, --tls-key)")
	}
	if !tokenOn {
		missing = append(missing, "a token (--token-file)")
	}
	return fmt.Errorf("--addr %s is not loopback and the server would run without %v: "+
		"anyone who reaches it could make it burn CPU on demand. Add them, or pass --insecure "+
		"on a network you trust (see SECURITY.md)", addr, joinAnd(missing))
}

func joinAnd(s []string) string {
	if len(s) == 2 {
		return s[0] + " and " + s[1]
	}
	return s[0]
}
