package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// TestRunTrialSharedStateFigures checks that a trial sums the responses'
// lost updates and lock retries and counts broken invariants of transfer
// cells only, over successful responses, whatever the recorder layout.
func TestRunTrialSharedStateFigures(t *testing.T) {
	conns := clienttest.StartFake(t, func(_ context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
		// Every response says the invariant broke; only a transfer cell
		// may count it.
		return &pb.RunResponse{TasksCompleted: req.GetTasks(), LostUpdates: 3, LockRetries: 5}, nil
	})
	for _, tc := range []struct {
		name        string
		job         *pb.RunRequest
		concurrency int
		broken      bool
	}{
		{"counter, exclusive recorders", &pb.RunRequest{Workload: pb.Workload_WORKLOAD_COUNTER, Sync: pb.Sync_SYNC_NONE, Tasks: 2}, 2, false},
		{"transfer, shared recorders", &pb.RunRequest{Workload: pb.Workload_WORKLOAD_TRANSFER, LockOrder: pb.LockOrder_LOCK_ORDER_TRY, Accounts: 2, Tasks: 2}, 70, true},
		{"cpu", &pb.RunRequest{Workload: pb.Workload_WORKLOAD_CPU, Tasks: 2}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := client.Load{Mode: client.Closed, Concurrency: tc.concurrency, Connections: 1, Requests: 140}
			cell := client.Cell{Job: tc.job, Load: load}
			tr, err := client.RunTrial(t.Context(), conns, cell, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantBroken := uint64(0)
			if tc.broken {
				wantBroken = 140
			}
			if tr.Requests != 140 || tr.LostUpdates != 3*140 || tr.LockRetries != 5*140 || tr.InvariantBroken != wantBroken {
				t.Errorf("requests %d, lost %d, retries %d, broken %d; want 140, 420, 700, %d",
					tr.Requests, tr.LostUpdates, tr.LockRetries, tr.InvariantBroken, wantBroken)
			}
			r := tr.Row("x", nil, hostinfo.Fingerprint{})
			if r.LostUpdates != 420 || r.LockRetries != 700 || r.InvariantOK == tc.broken {
				t.Errorf("row: lost %d, retries %d, invariant %v", r.LostUpdates, r.LockRetries, r.InvariantOK)
			}
			// A resumed sweep matches rows to cells by these keys.
			if r.CellKey() != cell.Key() || (tc.job.GetSync() != 0) != strings.Contains(r.CellKey(), " sync=none ") {
				t.Errorf("row key %q, cell key %q", r.CellKey(), cell.Key())
			}
		})
	}
}

// TestRecordDoesNotAllocate guards the hot path: recording a response,
// shared-state figures included, allocates nothing.
func TestRecordDoesNotAllocate(t *testing.T) {
	if n := client.RecordAllocs(); n != 0 {
		t.Errorf("record allocates %v times per response, want 0", n)
	}
}
