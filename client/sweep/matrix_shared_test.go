package sweep_test

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/sweep"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

func TestMatrixSharedCellJobs(t *testing.T) {
	m, err := sweep.ParseMatrix(strings.NewReader(`{"strategies":["pool"],"workloads":["counter","transfer"],
		"cpu_iterations":[100],"io_latency":["3ms"],"syncs":["none"],"lock_orders":["try"],"accounts":[4]}`))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := m.Cells()
	if err != nil {
		t.Fatal(err)
	}
	want := []*pb.RunRequest{
		{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_COUNTER, Scope: pb.Scope_SCOPE_JOB,
			Tasks: 16, Parallelism: 4, CpuIterations: 100, Sync: pb.Sync_SYNC_NONE},
		{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_TRANSFER, Scope: pb.Scope_SCOPE_JOB,
			Tasks: 16, Parallelism: 4, CpuIterations: 100, LockOrder: pb.LockOrder_LOCK_ORDER_TRY, Accounts: 4},
	}
	if len(cells) != len(want) {
		t.Fatalf("got %d cells, want %d", len(cells), len(want))
	}
	for i, c := range cells {
		if !proto.Equal(c.Job, want[i]) {
			t.Errorf("cell %d job = %v, want %v", i, c.Job, want[i])
		}
	}
	// A hand-made matrix that lists counter without syncs would send jobs
	// the server refuses.
	hand := &sweep.Matrix{Strategies: []string{"pool"}, Workloads: []string{"counter"}, Scopes: []string{"job"},
		Tasks: []uint32{1}, Parallelism: []uint32{1}, CPUIterations: []uint64{1}, IOLatency: []string{"1ms"},
		Concurrency: []int{1}, Connections: []int{1}, Duration: "1s", Warmup: "0s", Timeout: "1s", TrialsPerCell: 1, MaxInFlight: 1}
	if _, err := hand.Cells(); err == nil || !strings.Contains(err.Error(), "syncs: empty, but workloads lists counter") {
		t.Errorf("Cells of a counter matrix without syncs: %v", err)
	}
}

// TestBuiltinSharedMatrixCells checks the cells of the shared matrix:
// every strategy × counter under the five sync modes and transfer between
// 8 accounts under both lock orders, at concurrency 1, 4 and 16, each job
// carrying exactly the fields its workload needs.
func TestBuiltinSharedMatrixCells(t *testing.T) {
	m, err := sweep.BuiltinMatrix("shared")
	if err != nil {
		t.Fatal(err)
	}
	cells, err := m.Cells()
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 5*(5+2)*3 {
		t.Fatalf("%d cells, want 105: 5 strategies × (5 syncs + 2 lock orders) × 3 levels", len(cells))
	}
	seen := map[string]bool{}
	for _, c := range cells {
		j := c.Job
		seen[client.StrategyName(j.GetStrategy())+"/"+client.WorkloadName(j.GetWorkload())+"/"+
			client.SyncName(j.GetSync())+client.LockOrderName(j.GetLockOrder())+fmt.Sprintf(" c=%d", c.Load.Concurrency)] = true
		if j.GetIoLatency() != nil || j.GetCpuIterations() != 1000 || j.GetTasks() != 16 || j.GetParallelism() != 4 {
			t.Errorf("cell %s: job %v, want 16 tasks of 1000 at parallelism 4, no I/O", c.Key(), j)
		}
		switch j.GetWorkload() {
		case pb.Workload_WORKLOAD_COUNTER:
			if j.GetSync() == pb.Sync_SYNC_UNSPECIFIED || j.GetLockOrder() != pb.LockOrder_LOCK_ORDER_UNSPECIFIED || j.GetAccounts() != 0 {
				t.Errorf("counter cell %s: job %v", c.Key(), j)
			}
		case pb.Workload_WORKLOAD_TRANSFER:
			if j.GetSync() != pb.Sync_SYNC_UNSPECIFIED || j.GetLockOrder() == pb.LockOrder_LOCK_ORDER_UNSPECIFIED || j.GetAccounts() != 8 {
				t.Errorf("transfer cell %s: job %v", c.Key(), j)
			}
		default:
			t.Errorf("cell %s has workload %v", c.Key(), j.GetWorkload())
		}
	}
	for _, s := range client.StrategyNames {
		for _, n := range []int{1, 4, 16} {
			for _, v := range append(client.SyncNames, client.LockOrderNames...) {
				w := "counter"
				if v == "ordered" || v == "try" {
					w = "transfer"
				}
				if k := fmt.Sprintf("%s/%s/%s c=%d", s, w, v, n); !seen[k] {
					t.Errorf("no cell %s", k)
				}
			}
		}
	}
}
