package sweep

import (
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// PlannedTrial is one (cell, trial) pair of a sweep plan.
type PlannedTrial struct {
	Cell client.Cell
	// Index is the 1-based trial number, out of Of.
	Index, Of int
}

// Label returns a short human name of the planned trial, such as
// "pool/cpu c=8 t=2/3" or "pool/counter/none c=8 t=2/3": strategy/workload,
// the sync mode of a counter cell or the lock order of a transfer cell,
// "/server" for the server scope, the load level (c= closed-loop
// concurrency, r= open-loop rate) and the trial number. Axes other than
// these are not in the label.
func (p PlannedTrial) Label() string {
	return p.Cell.Label() + " t=" + strconv.Itoa(p.Index) + "/" + strconv.Itoa(p.Of)
}

// Cells returns the product of the matrix's axes in a deterministic order:
// workloads outermost, then scopes, tasks, parallelism, cpu_iterations,
// io_latency, syncs, lock_orders, accounts, connections, the load levels
// (concurrency levels, then rates) and strategies innermost, so that
// strategies compared at one load run next to each other in time.
//
// Values that a workload does not use are set to zero, and the cells this
// makes equal are listed once: a cpu cell has no io_latency, an io cell no
// cpu_iterations, a counter or transfer cell no io_latency; only a counter
// cell has a sync mode, and only a transfer cell a lock order and
// accounts. The server scope with goroutine-per-task or pipeline is
// skipped, because those strategies have no limit to share and the server
// refuses the combination with InvalidArgument. Parallelism is kept as
// given for every strategy, even those that ignore it (serial,
// goroutine-per-task), so that every strategy of one group has the same
// key in the results.
//
// Cells fails when a value does not parse or no valid cell remains; a
// matrix from [ParseMatrix] always has at least one cell.
func (m *Matrix) Cells() ([]client.Cell, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	// check has parsed every name and duration, so errors are not
	// possible below.
	duration, _ := time.ParseDuration(m.Duration)
	warmup, _ := time.ParseDuration(m.Warmup)
	timeout, _ := time.ParseDuration(m.Timeout)
	workloads := parseAll(m.Workloads, client.ParseWorkload)
	scopes := parseAll(m.Scopes, client.ParseScope)
	strategies := parseAll(m.Strategies, client.ParseStrategy)
	latencies := parseAll(m.IOLatency, time.ParseDuration)
	// An empty shared-state axis is one unset value, so that the product
	// still has cells for the workloads that do not use it.
	syncs := orUnset(parseAll(m.Syncs, client.ParseSync))
	orders := orUnset(parseAll(m.LockOrders, client.ParseLockOrder))
	accounts := orUnset(m.Accounts)
	var loads []client.Load
	for _, c := range m.Concurrency {
		loads = append(loads, client.Load{Mode: client.Closed, Concurrency: c})
	}
	for _, r := range m.Rates {
		loads = append(loads, client.Load{Mode: client.Open, Rate: r, MaxInFlight: m.MaxInFlight})
	}

	// Each index of the product is a number whose digits, outermost axis
	// first, pick one value per axis.
	radix := []int{len(workloads), len(scopes), len(m.Tasks), len(m.Parallelism), len(m.CPUIterations),
		len(latencies), len(syncs), len(orders), len(accounts), len(m.Connections), len(loads), len(strategies)}
	total := 1
	for _, r := range radix {
		total *= r // check bounded the product
	}
	type cellKey struct {
		job  [11]uint64
		load client.Load
	}
	seen := make(map[cellKey]bool, total)
	var cells []client.Cell
	digit := make([]int, len(radix))
	for n := range total {
		for a, rest := len(radix)-1, n; a >= 0; a-- {
			digit[a], rest = rest%radix[a], rest/radix[a]
		}
		w, sc, s := workloads[digit[0]], scopes[digit[1]], strategies[digit[11]]
		if sc == pb.Scope_SCOPE_SERVER && !sharesScope(s) {
			continue
		}
		iters, lat := m.CPUIterations[digit[4]], latencies[digit[5]]
		sync, order, acc := syncs[digit[6]], orders[digit[7]], accounts[digit[8]]
		switch w {
		case pb.Workload_WORKLOAD_CPU, pb.Workload_WORKLOAD_COUNTER, pb.Workload_WORKLOAD_TRANSFER:
			lat = 0
		case pb.Workload_WORKLOAD_IO:
			iters = 0
		}
		if w != pb.Workload_WORKLOAD_COUNTER {
			sync = pb.Sync_SYNC_UNSPECIFIED
		}
		if w != pb.Workload_WORKLOAD_TRANSFER {
			order, acc = pb.LockOrder_LOCK_ORDER_UNSPECIFIED, 0
		}
		load := loads[digit[10]]
		load.Connections, load.Duration, load.Warmup, load.Timeout = m.Connections[digit[9]], duration, warmup, timeout
		job := &pb.RunRequest{
			Strategy:      s,
			Workload:      w,
			Scope:         sc,
			Tasks:         m.Tasks[digit[2]],
			Parallelism:   m.Parallelism[digit[3]],
			CpuIterations: iters,
			FailEvery:     m.FailEvery,
			Sync:          sync,
			LockOrder:     order,
			Accounts:      acc,
		}
		if lat > 0 {
			job.IoLatency = durationpb.New(lat)
		}
		k := cellKey{[11]uint64{uint64(s), uint64(w), uint64(sc), uint64(job.Tasks), uint64(job.Parallelism), iters, uint64(lat),
			uint64(job.FailEvery), uint64(sync), uint64(order), uint64(acc)}, load}
		if seen[k] {
			continue
		}
		seen[k] = true
		c := client.Cell{Job: job, Load: load}
		if err := c.Load.Validate(); err != nil {
			return nil, fmt.Errorf("matrix: cell %s: %w", c.Label(), err)
		}
		cells = append(cells, c)
	}
	if len(cells) == 0 {
		return nil, fmt.Errorf("matrix: no valid cell: the server scope applies only to serial, pool and semaphore, and strategies lists %q", m.Strategies)
	}
	return cells, nil
}

// orUnset returns values, or one zero value when there are none.
func orUnset[T any](values []T) []T {
	if len(values) == 0 {
		return make([]T, 1)
	}
	return values
}

// parseAll parses every value with parse, which must not fail.
func parseAll[T any](values []string, parse func(string) (T, error)) []T {
	out := make([]T, len(values))
	for i, v := range values {
		out[i], _ = parse(v)
	}
	return out
}

// sharesScope reports whether strategy s has a limit that SCOPE_SERVER can
// share between RPCs.
func sharesScope(s pb.Strategy) bool {
	switch s {
	case pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, pb.Strategy_STRATEGY_PIPELINE:
		return false
	}
	return true
}

// Trials returns every (cell, trial) pair of the matrix in the order a
// sweep runs them: trial 1 of every cell in [Matrix.Cells] order, then trial
// 2 of every cell, and so on. Interleaving the repetitions this way spreads
// slow drift of the host (heat, noisy neighbours) over all cells instead of
// biasing whichever cell ran last, and a sweep cut short still has at least
// one trial of the cells it reached.
func (m *Matrix) Trials() ([]PlannedTrial, error) {
	cells, err := m.Cells()
	if err != nil {
		return nil, err
	}
	plan := make([]PlannedTrial, 0, len(cells)*m.TrialsPerCell)
	for i := 1; i <= m.TrialsPerCell; i++ {
		for _, c := range cells {
			plan = append(plan, PlannedTrial{Cell: c, Index: i, Of: m.TrialsPerCell})
		}
	}
	return plan, nil
}
