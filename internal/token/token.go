// Package token reads the bearer tokens that stratbench's server requires
// and its clients send, with one set of rules for both sides.
package token

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

const (
	// MinBytes is the shortest token accepted: a guessable token protects
	// nothing.
	MinBytes = 16
	// MaxFileBytes is the largest token file read.
	MaxFileBytes = 4096
)

// Read reads a bearer token from path: the file's content with
// surrounding white space removed. The token must be at least MinBytes
// long, printable ASCII (it travels in an HTTP/2 header), and the file at
// most MaxFileBytes.
func Read(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return "", fmt.Errorf("--token-file %s: %w", path, err)
	}
	if len(b) > MaxFileBytes {
		return "", fmt.Errorf("--token-file %s: file exceeds the limit of %d bytes", path, MaxFileBytes)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < MinBytes {
		return "", fmt.Errorf("--token-file %s: token is %d bytes; must be at least %d", path, len(tok), MinBytes)
	}
	for i := range len(tok) {
		if tok[i] < 0x20 || tok[i] > 0x7e {
			return "", fmt.Errorf("--token-file %s: byte %d of the token is %#x; must be printable ASCII", path, i+1, tok[i])
		}
	}
	return tok, nil
}

// Exposed returns a description of who besides its owner can read the
// token file at path ("group and others can read it (mode 0644)"), or "" when
// no one can or the platform has no such permission bits. A token that
// others can read protects nothing from them: callers warn about it.
func Exposed(path string) (string, error) {
	if runtime.GOOS == "windows" {
		return "", nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %w", err)
	}
	mode := fi.Mode().Perm()
	var who string
	switch {
	case mode&0o040 != 0 && mode&0o004 != 0:
		who = "group and others"
	case mode&0o040 != 0:
		who = "its group"
	case mode&0o004 != 0:
		who = "others"
	default:
		return "", nil
	}
	return fmt.Sprintf("%s can read %s (mode %#o); chmod 600 it", who, path, mode), nil
}
