package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareFailOnRegression: B twice as fast passes the gate; the same
// folders the other way round (B half as fast at c=1, p = 0.002) fail it
// with exit 1 naming the cell; a bad threshold is a usage error.
func TestCompareFailOnRegression(t *testing.T) {
	a, b := twoHosts(t)
	out := filepath.Join(t.TempDir(), "cmp")
	for _, tc := range []struct {
		args  []string
		code  int
		words []string
	}{
		{[]string{a, b, "--fail-on-regression", "5%"}, 0, []string{"no cell regressed by more than 5%"}},
		{[]string{b, a, "--fail-on-regression", "5%"}, 1, []string{"regression: pool/io t=4 p=2 io=1ms closed c=1:", "tasks/s 49.9% worse", "p99 100.0% worse", "2 regressions by more than 5%"}},
		{[]string{b, a, "--fail-on-regression", "60%"}, 1, []string{"p99 100.0% worse", "1 regressions by more than 60%"}},
		{[]string{b, a, "--fail-on-regression", "150%"}, 2, []string{"--fail-on-regression \"150%\""}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), append([]string{"compare", "--out", out}, tc.args...), &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d; stderr %s", tc.args, code, tc.code, stderr.String())
		}
		for _, w := range tc.words {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr.String())
			}
		}
	}
}
