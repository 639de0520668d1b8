package hostinfo_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"build-7.example.com", "build-7.example.com"},
		{"AMD EPYC 7B13 64-Core Processor", "AMD EPYC 7B13 64-Core Processor"},
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+1", "'+1"}, {"-cmd", "'-cmd"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"a=b", "a=b"},
		{"cpu\x1b[31mred", `cpu\x1b[31mred`},
		{"host\nname", `host\nname`},
		{"tab\there\r", `tab\there\r`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"Ryzen™ é", "Ryzen™ é"},
		{strings.Repeat("h", 300), strings.Repeat("h", hostinfo.MaxStringRunes) + "…"},
		{"", ""},
	} {
		if got := hostinfo.Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanMessage(t *testing.T) {
	info := &pb.InfoResponse{Hostname: "=cmd|' /C calc'!A0", CpuModel: "x\x1b]0;title\x07", LogicalCpus: 8,
		Limits: &pb.Limits{MaxTasks: 3}}
	hostinfo.CleanMessage(info)
	if info.Hostname != `'=cmd|' /C calc'!A0` || info.CpuModel != `x\x1b]0;title\x07` {
		t.Errorf("cleaned %q %q", info.Hostname, info.CpuModel)
	}
	if info.LogicalCpus != 8 || info.Limits.MaxTasks != 3 {
		t.Errorf("non-string fields changed: %v", info)
	}
}

// FuzzClean: whatever arrives, the result is valid UTF-8 of printable
// runes, at most MaxStringRunes+1 runes plus a leading quote, starts with
// no formula character, and cleaning it again changes nothing.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"host", "=1+1", "a\x1b[2Jb", "\xff\xfe", strings.Repeat("é", 300), "-", "'=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := hostinfo.Clean(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q: not UTF-8", s, got)
		}
		for _, r := range got {
			if !unicode.IsPrint(r) {
				t.Fatalf("Clean(%q) = %q holds %U", s, got, r)
			}
		}
		if n := utf8.RuneCountInString(got); n > hostinfo.MaxStringRunes+2 {
			t.Fatalf("Clean(%q) has %d runes", s, n)
		}
		if got != "" && strings.ContainsRune("=+-@", rune(got[0])) {
			t.Fatalf("Clean(%q) = %q starts with a formula character", s, got)
		}
		if again := hostinfo.Clean(got); again != got && utf8.RuneCountInString(got) <= hostinfo.MaxStringRunes {
			t.Fatalf("Clean is not idempotent: %q then %q", got, again)
		}
	})
}
