// Package creds reads the TLS files and judges the addresses that
// stratbench's server and its clients both deal with, with one set of rules
// for both sides (as package token does for bearer tokens). Errors name the
// command-line flag and the file.
package creds

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
)

// MinVersion is the oldest TLS version either side accepts.
const MinVersion = tls.VersionTLS12

// KeyPair loads a PEM certificate and its key, given by the flags
// --tls-cert and --tls-key.
func KeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return cert, fmt.Errorf("--tls-cert %s / --tls-key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// CertPool reads the PEM bundle of certificate authorities at path, given by
// flag (such as "--tls-ca"). A file without a PEM certificate is an error.
func CertPool(flag, path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s %s: no PEM certificate found", flag, path)
	}
	return pool, nil
}

// IsLoopbackHost reports whether host, the host of a host:port, is a
// loopback address or localhost. An empty host, 0.0.0.0 or :: (every
// interface) are not loopback, and neither is any other name, since it may
// resolve to anything.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
