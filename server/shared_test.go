package server_test

import (
	"strings"
	"testing"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestSharedStateWorkloads: the counter (every mode but SYNC_NONE) and the
// transfer workloads lose nothing, keep their invariant, and give the same
// checksum under every strategy.
func TestSharedStateWorkloads(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	reqs := map[string]*pb.RunRequest{}
	for _, s := range []pb.Sync{pb.Sync_SYNC_MUTEX, pb.Sync_SYNC_ATOMIC, pb.Sync_SYNC_SHARDED, pb.Sync_SYNC_CHANNEL} {
		reqs["counter/"+s.String()] = &pb.RunRequest{Workload: pb.Workload_WORKLOAD_COUNTER, Sync: s, Tasks: 20, Parallelism: 4, CpuIterations: 500}
	}
	for _, o := range []pb.LockOrder{pb.LockOrder_LOCK_ORDER_ORDERED, pb.LockOrder_LOCK_ORDER_TRY} {
		reqs["transfer/"+o.String()] = &pb.RunRequest{Workload: pb.Workload_WORKLOAD_TRANSFER, LockOrder: o, Accounts: 3, Tasks: 20, Parallelism: 4, CpuIterations: 300}
	}
	for name, req := range reqs {
		t.Run(name, func(t *testing.T) {
			var want uint64
			for _, s := range allStrategies {
				req.Strategy = s
				resp, err := c.Run(t.Context(), req)
				if err != nil {
					t.Fatalf("%v: %v", s, err)
				}
				if resp.LostUpdates != 0 || !resp.InvariantOk || resp.TasksCompleted != 20 {
					t.Errorf("%v: lost %d invariant %v completed %d", s, resp.LostUpdates, resp.InvariantOk, resp.TasksCompleted)
				}
				if want == 0 {
					want = resp.Checksum
				} else if resp.Checksum != want {
					t.Errorf("%v: checksum %x, want %x", s, resp.Checksum, want)
				}
			}
		})
	}
}

func TestCollectAllListsFailures(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	resp, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: 100, CpuIterations: 1, FailEvery: 4, ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL})
	if err != nil {
		t.Fatal(err)
	}
	if resp.TasksFailed != 25 || len(resp.Failures) != 10 {
		t.Fatalf("failed %d, %d listed; want 25 and 10", resp.TasksFailed, len(resp.Failures))
	}
	for i, f := range resp.Failures {
		if f.Task != uint32(4*i+3) || !strings.Contains(f.Error, "injected failure") {
			t.Errorf("failure %d: %v", i, f)
		}
	}
	_, err = c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: 100, CpuIterations: 1, FailEvery: 4, ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_FAIL_FAST})
	if status.Code(err) != codes.Aborted {
		t.Errorf("fail-fast policy: %v, want ABORTED", err)
	}
}

func TestSharedStateValidation(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	for _, tc := range []struct {
		req   *pb.RunRequest
		words string
	}{
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_COUNTER}, "sync is required"},
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_CPU, Sync: pb.Sync_SYNC_MUTEX}, "applies only to WORKLOAD_COUNTER"},
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_TRANSFER, Accounts: 5}, "lock_order is required"},
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_TRANSFER, LockOrder: pb.LockOrder_LOCK_ORDER_TRY, Accounts: 1}, "accounts is 1; must be from 2 to 1000000"},
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_IO, Accounts: 3}, "accounts is 3 but applies only"},
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_IO, FailFast: true, ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL}, "error_policy"},
		{&pb.RunRequest{Workload: pb.Workload_WORKLOAD_COUNTER, Sync: 42}, "sync is 42"},
	} {
		tc.req.Strategy, tc.req.Tasks = pb.Strategy_STRATEGY_POOL, 1
		_, err := c.Run(t.Context(), tc.req)
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tc.words) {
			t.Errorf("%v: %v, want INVALID_ARGUMENT with %q", tc.req, err, tc.words)
		}
	}
}
