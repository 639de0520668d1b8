// Package golden compares test output with golden files under testdata/,
// and rewrites them when a test binary runs with -update.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Check compares got with testdata/name, failing t if they differ. With
// -update it first rewrites the file with got.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	CheckPath(t, filepath.Join("testdata", name), got)
}

// CheckPath is Check for a file at path, relative to the test's package
// directory, outside testdata/: a generated source file kept fresh by a test.
func CheckPath(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update if the change is intended):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
