package client

import (
	"fmt"
	"os"
)

// BuiltinMatrix returns a fresh copy of a built-in matrix, with every
// default filled in. Both share one job shape, sized so that one RPC is
// about 1 to 10 ms of work on a current x86 core: 16 tasks at parallelism
// 4, a cpu task being 2000 SHA-256 steps (0.1 µs each with SHA extensions,
// up to 0.5 µs without, so 0.2 to 1 ms a task and 3 to 16 ms of CPU a job)
// and an io task a 2 ms wait (8 ms a job in four waves of four; mixed does
// both).
//
//   - "smoke": every strategy × cpu and io, closed loop at concurrency 4, 1
//     trial, warm-up 200 ms and 1 s measured: 10 trials, about 12 s plus
//     the server's start-up (12.5 s measured on a busy 2-core host), under
//     30 s.
//   - "default": every strategy × cpu, io and mixed × closed-loop
//     concurrency 1, 2, 4, 8, 16 and 32 (six levels, enough for a
//     scalability fit) × 3 trials, warm-up 300 ms and 1.5 s measured: 270
//     trials of 1.8 s; with the 45 ms a trial took beyond its plan in
//     the smoke run, about 8.3 minutes on a 2-core host, under 10.
//
// Any other name is an error.
func BuiltinMatrix(name string) (*Matrix, error) {
	var m *Matrix
	switch name {
	case "smoke":
		m = &Matrix{
			Workloads:     []string{"cpu", "io"},
			Concurrency:   []int{4},
			Duration:      "1s",
			Warmup:        "200ms",
			TrialsPerCell: 1,
		}
	case "default":
		m = &Matrix{
			Workloads:     []string{"cpu", "io", "mixed"},
			Concurrency:   []int{1, 2, 4, 8, 16, 32},
			Duration:      "1500ms",
			Warmup:        "300ms",
			TrialsPerCell: 3,
		}
	default:
		return nil, fmt.Errorf("matrix: unknown built-in matrix %q (want smoke or default)", name)
	}
	m.Strategies = append([]string(nil), StrategyNames...)
	m.Scopes = []string{"job"}
	m.Tasks = []uint32{16}
	m.Parallelism = []uint32{4}
	m.CPUIterations = []uint64{2000}
	m.IOLatency = []string{"2ms"}
	m.fillDefaults()
	if err := m.check(); err != nil {
		panic(fmt.Sprintf("built-in matrix %q: %v", name, err))
	}
	return m, nil
}

// LoadMatrix returns the built-in matrix called nameOrPath ("smoke" or
// "default"), or else parses the JSON matrix file at that path with
// [ParseMatrix]. A built-in name wins over a file of the same name; write
// "./smoke" to read such a file.
func LoadMatrix(nameOrPath string) (*Matrix, error) {
	if nameOrPath == "smoke" || nameOrPath == "default" {
		return BuiltinMatrix(nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("matrix: %q is neither smoke, default nor a readable file: %w", nameOrPath, err)
	}
	defer f.Close()
	m, err := ParseMatrix(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nameOrPath, err)
	}
	return m, nil
}
