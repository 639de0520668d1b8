package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
)

// clientCSV writes what `stratbench run --out DIR/NAME.csv` leaves for the
// given rows: the CSV and each trial's histograms under NAME.hist/RUN/,
// trial i holding lat[i] recorded n times. It returns the CSV's path.
func clientCSV(t *testing.T, dir, name string, rows []record.Row, lat []time.Duration, n uint64) string {
	t.Helper()
	for i := range rows {
		h := &histogram.Trial{Latency: histogram.New()}
		h.Latency.RecordN(lat[i], n)
		rows[i].Histogram = name + ".hist/run1/t" + string(rune('0'+i)) + ".sbt"
		file := filepath.Join(dir, filepath.FromSlash(rows[i].Histogram))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := histogram.WriteTrialFile(file, h); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name+".csv")
	writeResultCSV(t, path, rows...)
	return path
}

func TestMergeCmd(t *testing.T) {
	dir := t.TempDir()
	// Two pods ran c=1 for 2 trials; pod 0 saw 1ms latencies, pod 1 3ms.
	pod := func(idx int, lat time.Duration) string {
		rows := []record.Row{resultRow("srv", 1, 1, 100, 0), resultRow("srv", 1, 2, 100, 0)}
		return clientCSV(t, dir, string(rune('0'+idx)), rows, []time.Duration{lat, lat}, 100)
	}
	in0, in1 := pod(0, time.Millisecond), pod(1, 3*time.Millisecond)
	out := filepath.Join(dir, "merged")
	var stdout, stderr bytes.Buffer
	if err := mergeCmd(t.Context(), []string{out, in0, in1}, &stdout, &stderr); err != nil {
		t.Fatalf("mergeCmd: %v\n%s", err, stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != out {
		t.Errorf("stdout %q, want the folder %q", got, out)
	}
	src, err := record.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Rows) != 2 || src.Hosts == nil || src.Hosts.Server.Get("hostname") != "srv" {
		t.Fatalf("merged folder: %d rows, hosts %+v", len(src.Rows), src.Hosts)
	}
	for _, r := range src.Rows {
		h, err := histogram.ReadTrialFile(src.HistogramPath(r))
		if err != nil {
			t.Fatal(err)
		}
		// 100 values at 1ms and 100 at 3ms: p50 is 1ms, p99 3ms (to the
		// histogram's 0.78%), the mean exactly 2ms.
		if h.Latency.Count() != 200 || r.Requests != 200 || r.TasksPerS != 200 || r.ClientHost != "merged(2)" || r.Concurrency != 2 ||
			r.MeanMs != 2 || r.P50Ms > 1.01 || r.P99Ms < 2.97 || r.P99Ms > 3.03 {
			t.Errorf("trial %d: count %d requests %d tasks/s %v client %q mean %v p50 %v p99 %v",
				r.Trial, h.Latency.Count(), r.Requests, r.TasksPerS, r.ClientHost, r.MeanMs, r.P50Ms, r.P99Ms)
		}
	}
}

func TestMergeCmdErrors(t *testing.T) {
	dir := t.TempDir()
	one := clientCSV(t, dir, "one", []record.Row{resultRow("srv", 1, 1, 1, 0)}, []time.Duration{time.Millisecond}, 1)
	r := resultRow("srv", 1, 1, 1, 0)
	r.Parallelism = 3
	other := clientCSV(t, dir, "other", []record.Row{r}, []time.Duration{time.Millisecond}, 1)
	for _, tt := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{filepath.Join(dir, "o1"), one}, true, "at least two inputs"},
		{[]string{filepath.Join(dir, "o2"), one, other}, false, "parallelism=2"},
		{[]string{filepath.Join(dir, "o3"), one, filepath.Join(dir, "none.csv")}, false, "none.csv"},
	} {
		var stdout, stderr bytes.Buffer
		err := mergeCmd(t.Context(), tt.args, &stdout, &stderr)
		if err == nil || errors.As(err, new(usageError)) != tt.usage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("mergeCmd(%q) = %v, want a usage error %v containing %q", tt.args, err, tt.usage, tt.want)
		}
	}
}
