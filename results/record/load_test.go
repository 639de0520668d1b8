package record_test

import (
	"errors"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/record"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "sweep")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := resultstest.CellRow("h1", 1, 1, 10), resultstest.CellRow("h1", 2, 1, 20)
	a.Histogram = "hist/a.sbt"
	resultstest.WriteRows(t, filepath.Join(folder, record.FolderCSV), a)
	if err := os.WriteFile(filepath.Join(folder, record.FolderHosts), []byte(resultstest.HostsJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "one.csv")
	resultstest.WriteRows(t, file, b)

	s, err := record.Load(folder)
	if err != nil {
		t.Fatal(err)
	}
	if s.CSV != filepath.Join(folder, record.FolderCSV) || len(s.Rows) != 1 || s.Hosts == nil {
		t.Fatalf("Load(folder) = %+v", s)
	}
	if got, want := s.HistogramPath(s.Rows[0]), filepath.Join(folder, "hist", "a.sbt"); got != want {
		t.Errorf("HistogramPath = %q, want %q", got, want)
	}
	if got := s.Hosts.Server.Get("limits.max_in_flight"); got != "512" {
		t.Errorf("server limits.max_in_flight = %q, want 512", got)
	}

	rows, err := record.LoadRows(folder, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Concurrency != 1 || rows[1].Concurrency != 2 {
		t.Errorf("LoadRows = %d rows %+v, want a's then b's", len(rows), rows)
	}

	if _, err := record.LoadRows(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadRows(missing) error %v, want fs.ErrNotExist", err)
	}
	if _, err := record.LoadRows(); err == nil {
		t.Error("LoadRows() with no paths succeeded")
	}
	// A partial last line is an error for LoadRows, but Load keeps the rows.
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("1,abc"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := record.LoadRows(file); !errors.Is(err, record.ErrTruncatedRow) {
		t.Errorf("LoadRows(truncated) error %v, want ErrTruncatedRow", err)
	}
	if s, err := record.Load(file); !errors.Is(err, record.ErrTruncatedRow) || len(s.Rows) != 1 {
		t.Errorf("Load(truncated) = %v, %v; want the 1 good row and ErrTruncatedRow", s, err)
	}
}

func TestParseHosts(t *testing.T) {
	h, err := record.ParseHosts([]byte(resultstest.HostsJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := &record.Hosts{
		Server: record.HostFields{
			{"hostname", "big-box"}, {"logical_cpus", "64"}, {"total_memory_bytes", "270000000000"},
			{"limits.max_tasks", "10000"}, {"limits.max_in_flight", "512"}, {"ns_per_iteration", "312.5"},
		},
		Client: record.HostFields{{"hostname", "laptop"}, {"cgroup_cpu_quota", "1.5"}, {"os", "linux"}},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("ParseHosts =\n%+v\nwant\n%+v", h, want)
	}
	for _, bad := range []string{`[]`, `{"server": 3}`, `{"server": {"a": }}`, `not json`} {
		if _, err := record.ParseHosts([]byte(bad)); err == nil {
			t.Errorf("ParseHosts(%q) succeeded", bad)
		} else if !strings.HasPrefix(err.Error(), "hosts") {
			t.Errorf("ParseHosts(%q) error %q does not say hosts", bad, err)
		}
	}
}

func FuzzParseHosts(f *testing.F) {
	f.Add([]byte(resultstest.HostsJSON))
	f.Add([]byte(`{"server":{"a":{"b":{"c":null}}},"client":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := record.ParseHosts(b)
		if err == nil && h == nil {
			t.Fatal("nil Hosts without error")
		}
	})
}
