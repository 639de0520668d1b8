package capacity

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/sweep"
)

// BuiltinMatrixName names the built-in capacity matrix that
// [BuiltinMatrix] returns.
const BuiltinMatrixName = "capacity"

// builtinMatrix is every strategy × the cpu and mixed workloads, in the
// job shape of the sweep's default matrix: 16 tasks at parallelism 4 of
// 2000 SHA-256 steps (cpu), plus a 2 ms wait (mixed). Its load axis is
// ignored by a capacity search.
const builtinMatrix = `{"workloads": ["cpu", "mixed"], "tasks": [16], "parallelism": [4],
 "cpu_iterations": [2000], "io_latency": ["2ms"], "concurrency": [1], "trials": 1}`

// BuiltinMatrix returns the built-in capacity matrix: its 10 jobs are every
// strategy × the cpu and mixed workloads of the sweep's default job shape.
func BuiltinMatrix() *sweep.Matrix {
	m, err := sweep.ParseMatrix(strings.NewReader(builtinMatrix))
	if err != nil {
		panic(fmt.Sprintf("built-in capacity matrix: %v", err))
	}
	return m
}

// JobCells returns one cell per distinct job of m (its load axis is
// ignored), each with load but m's connections, in m's cell order.
func JobCells(m *sweep.Matrix, load client.Load) ([]client.Cell, error) {
	cells, err := m.Cells()
	if err != nil {
		return nil, err
	}
	var out []client.Cell
	for _, c := range cells {
		dup := false
		for _, o := range out {
			dup = dup || o.Load.Connections == c.Load.Connections && proto.Equal(o.Job, c.Job)
		}
		if dup {
			continue
		}
		l := load
		l.Connections = c.Load.Connections
		out = append(out, client.Cell{Job: c.Job, Load: l})
	}
	return out, nil
}
