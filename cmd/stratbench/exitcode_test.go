package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestExitCodes checks the exit status main.go promises for every
// subcommand: 2 for a usage error (a bad flag, a wrong argument count), 0
// for -h. Every case fails or stops before any network or file access.
func TestExitCodes(t *testing.T) {
	type tc struct {
		args []string
		want int
	}
	cases := []tc{
		{nil, 2},
		{[]string{"no-such-command"}, 2},
		{[]string{"help"}, 0},
		{[]string{"run", "a"}, 2},
		{[]string{"info", "a"}, 2},
		{[]string{"serve", "a"}, 2},
		{[]string{"sweep", "a"}, 2},
		{[]string{"report"}, 2},
		{[]string{"compare", "a"}, 2},
		{[]string{"export"}, 2},
		{[]string{"merge", "out", "a"}, 2},
	}
	for _, c := range commands() {
		cases = append(cases,
			tc{[]string{c.name, "--no-such-flag"}, 2},
			tc{[]string{c.name, "-h"}, 0},
			tc{[]string{c.name, "--help"}, 0},
		)
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(t.Context(), c.args, &stdout, &stderr); got != c.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, c.want, stderr.String())
			}
			if c.want == 2 && stderr.Len() == 0 {
				t.Error("a usage error printed nothing on stderr")
			}
		})
	}
}
