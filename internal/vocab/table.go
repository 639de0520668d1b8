package vocab

import (
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

// Table maps the values of a wire enum P, other than UNSPECIFIED, one to one
// onto the internal kinds K.
type Table[P Enum, K comparable] struct {
	pairs []pair[P, K]
}

type pair[P Enum, K comparable] struct {
	p P
	k K
}

func newTable[P Enum, K comparable](pairs ...pair[P, K]) Table[P, K] {
	return Table[P, K]{pairs: pairs}
}

// Kind returns the internal kind of p; false for UNSPECIFIED or a value the
// table does not hold.
func (t Table[P, K]) Kind(p P) (K, bool) {
	for _, x := range t.pairs {
		if x.p == p {
			return x.k, true
		}
	}
	var zero K
	return zero, false
}

// Proto returns the wire value of k; false for a kind the table does not
// hold.
func (t Table[P, K]) Proto(k K) (P, bool) {
	for _, x := range t.pairs {
		if x.k == k {
			return x.p, true
		}
	}
	return 0, false
}

// Len returns the number of pairs, one per value of P other than
// UNSPECIFIED.
func (t Table[P, K]) Len() int { return len(t.pairs) }

// The tables, one per enum with an internal kind. Scope has none: the server
// keeps pb.Scope itself.
var (
	Strategies = newTable(
		pair[pb.Strategy, strategies.Kind]{pb.Strategy_STRATEGY_SERIAL, strategies.Serial},
		pair[pb.Strategy, strategies.Kind]{pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, strategies.GoroutinePerTask},
		pair[pb.Strategy, strategies.Kind]{pb.Strategy_STRATEGY_POOL, strategies.Pool},
		pair[pb.Strategy, strategies.Kind]{pb.Strategy_STRATEGY_SEMAPHORE, strategies.Semaphore},
		pair[pb.Strategy, strategies.Kind]{pb.Strategy_STRATEGY_PIPELINE, strategies.Pipeline},
	)
	Workloads = newTable(
		pair[pb.Workload, workload.Kind]{pb.Workload_WORKLOAD_CPU, workload.CPU},
		pair[pb.Workload, workload.Kind]{pb.Workload_WORKLOAD_IO, workload.IO},
		pair[pb.Workload, workload.Kind]{pb.Workload_WORKLOAD_MIXED, workload.Mixed},
		pair[pb.Workload, workload.Kind]{pb.Workload_WORKLOAD_COUNTER, workload.Counter},
		pair[pb.Workload, workload.Kind]{pb.Workload_WORKLOAD_TRANSFER, workload.Transfer},
	)
	Syncs = newTable(
		pair[pb.Sync, workload.Sync]{pb.Sync_SYNC_MUTEX, workload.SyncMutex},
		pair[pb.Sync, workload.Sync]{pb.Sync_SYNC_ATOMIC, workload.SyncAtomic},
		pair[pb.Sync, workload.Sync]{pb.Sync_SYNC_SHARDED, workload.SyncSharded},
		pair[pb.Sync, workload.Sync]{pb.Sync_SYNC_CHANNEL, workload.SyncChannel},
		pair[pb.Sync, workload.Sync]{pb.Sync_SYNC_NONE, workload.SyncNone},
	)
	LockOrders = newTable(
		pair[pb.LockOrder, workload.LockOrder]{pb.LockOrder_LOCK_ORDER_ORDERED, workload.LockOrdered},
		pair[pb.LockOrder, workload.LockOrder]{pb.LockOrder_LOCK_ORDER_TRY, workload.LockTry},
	)
	// ErrorPolicies maps a policy to whether the first failure cancels the
	// job (strategies.Job.FailFast).
	ErrorPolicies = newTable(
		pair[pb.ErrorPolicy, bool]{pb.ErrorPolicy_ERROR_POLICY_FAIL_FAST, true},
		pair[pb.ErrorPolicy, bool]{pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL, false},
	)
)
