package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck opens a page that breaks every rule and one that keeps them, in
// the real browser. It is skipped where no Chromium is installed; CI
// installs one (.ci/run).
func TestCheck(t *testing.T) {
	exe, err := findBrowser("")
	if err != nil {
		t.Skip(err)
	}
	out := t.TempDir()
	problems, err := check(exe, "testdata/good.html", out, 1)
	if err != nil || len(problems) > 0 {
		t.Errorf("good.html: %v %q", err, problems)
	}
	for _, w := range []string{"1280", "phone"} {
		if fi, err := os.Stat(filepath.Join(out, "testdata-good-"+w+".png")); err != nil || fi.Size() == 0 {
			t.Errorf("screenshot at %s: %v", w, err)
		}
	}
	problems, err = check(exe, "testdata/bad.html", out, 2)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		"requests https://example.com/a.png",
		`console.error: "boom"`,
		"uncaught exception",
		`chart "empty" draws no mark inside its axes at 1280 px`,
		`chart "empty" draws no mark inside its axes at 390 px`,
		"1 charts at 1280 px, want at least 2",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("bad.html: no problem %q in:\n%s", want, all)
		}
	}
}
