package cell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stratbench/stratbench/internal/vocab/word"
)

// Label names a cell for people, shortly: strategy/workload (then
// "/" and the sync mode of a counter cell, or the lock order and
// "/N-accounts" of a transfer cell, and "/server" for server scope), tasks, parallelism, the CPU iterations and
// I/O wait that are set, then the load, such as
// "pool/cpu t=16 p=4 it=1000 closed c=8" or
// "serial/io t=4 p=1 io=10ms open r=200 max=1000" or
// "pool/transfer/try/8-accounts t=16 p=4 it=200 closed c=4". Connections, warm-up and
// duration are left out; CellKey has them.
func Label(c Summary) string {
	var b strings.Builder
	b.WriteString(c.Strategy + "/" + c.Workload)
	if c.Sync != "" {
		b.WriteString("/" + c.Sync)
	}
	if c.LockOrder != "" {
		b.WriteString("/" + c.LockOrder)
	}
	if c.Accounts > 0 {
		fmt.Fprintf(&b, "/%d-accounts", c.Accounts)
	}
	if c.Scope == word.ScopeServer {
		b.WriteString("/server")
	}
	fmt.Fprintf(&b, " t=%d p=%d", c.Tasks, c.Parallelism)
	if c.CPUIterations > 0 {
		fmt.Fprintf(&b, " it=%d", c.CPUIterations)
	}
	if c.IOLatencyMs > 0 {
		b.WriteString(" io=" + strconv.FormatFloat(c.IOLatencyMs, 'g', -1, 64) + "ms")
	}
	if c.Mode == "open" {
		fmt.Fprintf(&b, " open r=%s max=%d", strconv.FormatFloat(c.TargetRPS, 'g', -1, 64), c.Concurrency)
	} else {
		fmt.Fprintf(&b, " %s c=%d", c.Mode, c.Concurrency)
	}
	return b.String()
}
