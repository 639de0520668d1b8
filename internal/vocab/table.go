package vocab

import (
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

// Table maps the values of a wire enum P, other than UNSPECIFIED, one to one
// onto the internal kinds K.
type Table[P Enum, K comparable] struct {
	kinds []K // kinds[i] is the kind of value i+1
}

// newTable returns the table mapping value i+1 of P to kinds[i], in the
// enum's number order. TestTables checks it holds every value, and that a
// kind's String is its value's word.
func newTable[P Enum, K comparable](kinds ...K) Table[P, K] {
	return Table[P, K]{kinds: kinds}
}

// Kind returns the internal kind of p; false for UNSPECIFIED or a value the
// table does not hold.
func (t Table[P, K]) Kind(p P) (K, bool) {
	if i := int(p) - 1; i >= 0 && i < len(t.kinds) {
		return t.kinds[i], true
	}
	var zero K
	return zero, false
}

// Proto returns the wire value of k; false for a kind the table does not
// hold.
func (t Table[P, K]) Proto(k K) (P, bool) {
	for i, x := range t.kinds {
		if x == k {
			return P(i + 1), true
		}
	}
	return 0, false
}

// Len returns the number of kinds, one per value of P other than
// UNSPECIFIED.
func (t Table[P, K]) Len() int { return len(t.kinds) }

// The tables, one per enum with an internal kind. Scope has none: the server
// keeps pb.Scope itself.
var (
	Strategies = newTable[pb.Strategy](strategies.Serial, strategies.GoroutinePerTask,
		strategies.Pool, strategies.Semaphore, strategies.Pipeline)
	Workloads = newTable[pb.Workload](workload.CPU, workload.IO, workload.Mixed,
		workload.Counter, workload.Transfer)
	Syncs = newTable[pb.Sync](workload.SyncMutex, workload.SyncAtomic, workload.SyncSharded,
		workload.SyncChannel, workload.SyncNone)
	LockOrders = newTable[pb.LockOrder](workload.LockOrdered, workload.LockTry)
	// ErrorPolicies maps a policy to whether the first failure cancels the
	// job (strategies.Job.FailFast): FAIL_FAST, COLLECT_ALL.
	ErrorPolicies = newTable[pb.ErrorPolicy](true, false)
)
