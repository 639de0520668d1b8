package histogram_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stratbench/stratbench/results/histogram"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/stats"
)

func ExampleHistogram() {
	h := histogram.New()
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	fmt.Println(h.Count(), h.Min(), h.Max(), h.Mean())
	// Quantiles are within 0.78% of the exact values, 500µs and 990µs.
	fmt.Println("p50 ≈", h.Quantile(0.5).Round(time.Microsecond))
	fmt.Println("p99 ≈", h.Quantile(0.99).Round(time.Microsecond))
	// Output:
	// 1000 1µs 1ms 500.5µs
	// p50 ≈ 502µs
	// p99 ≈ 987µs
}

func ExampleHistogram_Merge() {
	// One histogram per worker, merged exactly at the end.
	workers := []*histogram.Histogram{histogram.New(), histogram.New()}
	workers[0].Record(2 * time.Millisecond)
	workers[1].RecordN(4*time.Millisecond, 3)
	total := histogram.New()
	for _, w := range workers {
		total.Merge(w)
	}
	fmt.Println(total.Count(), total.Mean())
	// Output: 4 3.5ms
}

func ExampleOpenWriter() {
	dir, err := os.MkdirTemp("", "stratbench")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "results.csv")

	w, err := record.OpenWriter(path)
	if err != nil {
		panic(err)
	}
	row := record.Row{Strategy: "pool", Workload: "cpu", Tasks: 8, Mode: "closed", Concurrency: 4, Trial: 1, P99Ms: 1.25, Complete: true}
	if err := w.Write(row); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	rows, err := record.ReadCSVFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(rows), rows[0].SchemaVersion, rows[0].Strategy, rows[0].P99Ms)
	// Output: 1 1 pool 1.25
}

func ExampleRow_CellKey() {
	r := record.Row{Strategy: "semaphore", Workload: "io", Scope: "server", Tasks: 16, Parallelism: 4,
		IOLatencyMs: 5, Mode: "open", Concurrency: 64, TargetRPS: 2000, Connections: 1, WarmupS: 2, DurationS: 10, Trial: 2}
	fmt.Println(r.CellKey())
	// Output: strategy=semaphore workload=io scope=server tasks=16 parallelism=4 cpu_iterations=0 io_latency_ms=5 mode=open concurrency=64 target_rps=2000 connections=1 warmup_s=2 duration_s=10
}

func ExampleNewEstimate() {
	throughput := []float64{9800, 10100, 10050, 9950, 10100}
	e, err := stats.NewEstimate(throughput)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean %.0f, 95%% CI [%.0f, %.0f], median %.0f, n %d\n", e.Mean, e.CILow, e.CIHigh, e.Median, e.N)
	// Output: mean 10000, 95% CI [9842, 10158], median 10050, n 5
}
