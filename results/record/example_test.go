package record_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stratbench/stratbench/results/record"
)

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
	// Output: 1 2 pool 1.25
}

func ExampleRow_CellKey() {
	r := record.Row{Strategy: "semaphore", Workload: "io", Scope: "server", Tasks: 16, Parallelism: 4,
		IOLatencyMs: 5, Mode: "open", Concurrency: 64, TargetRPS: 2000, Connections: 1, WarmupS: 2, DurationS: 10, Trial: 2}
	fmt.Println(r.CellKey())
	// Output: strategy=semaphore workload=io scope=server tasks=16 parallelism=4 cpu_iterations=0 io_latency_ms=5 mode=open concurrency=64 target_rps=2000 connections=1 warmup_s=2 duration_s=10
}
