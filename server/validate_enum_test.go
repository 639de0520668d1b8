package server_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

// TestValidateEnums checks that Validate converts every value of every enum
// to its internal kind through the vocab tables, and refuses a number the
// enum does not define with InvalidArgument naming the field.
func TestValidateEnums(t *testing.T) {
	l := server.DefaultLimits()
	base := func() *pb.RunRequest {
		return &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1}
	}
	check := func(t *testing.T, req *pb.RunRequest) server.Job {
		t.Helper()
		j, err := server.Validate(req, l)
		if err != nil {
			t.Fatalf("Validate(%v): %v", req, err)
		}
		return j
	}
	for _, k := range strategies.Kinds {
		req := base()
		req.Strategy, _ = vocab.Strategies.Proto(k)
		if j := check(t, req); j.Strategy != k {
			t.Errorf("strategy %v: got %v", req.Strategy, j.Strategy)
		}
	}
	for _, k := range []workload.Kind{workload.CPU, workload.IO, workload.Mixed, workload.Counter, workload.Transfer} {
		req := base()
		req.Workload, _ = vocab.Workloads.Proto(k)
		switch k {
		case workload.Counter:
			req.Sync = pb.Sync_SYNC_MUTEX
		case workload.Transfer:
			req.LockOrder, req.Accounts = pb.LockOrder_LOCK_ORDER_ORDERED, 2
		}
		if j := check(t, req); j.Spec.Kind != k {
			t.Errorf("workload %v: got %v", req.Workload, j.Spec.Kind)
		}
	}
	for _, s := range []workload.Sync{workload.SyncMutex, workload.SyncAtomic, workload.SyncSharded, workload.SyncChannel, workload.SyncNone} {
		req := base()
		req.Workload = pb.Workload_WORKLOAD_COUNTER
		req.Sync, _ = vocab.Syncs.Proto(s)
		if j := check(t, req); j.Spec.Sync != s {
			t.Errorf("sync %v: got %v", req.Sync, j.Spec.Sync)
		}
	}
	for _, o := range []workload.LockOrder{workload.LockOrdered, workload.LockTry} {
		req := base()
		req.Workload, req.Accounts = pb.Workload_WORKLOAD_TRANSFER, 2
		req.LockOrder, _ = vocab.LockOrders.Proto(o)
		if j := check(t, req); j.Spec.LockOrder != o {
			t.Errorf("lock order %v: got %v", req.LockOrder, j.Spec.LockOrder)
		}
	}
	for _, ff := range []bool{true, false} {
		req := base()
		req.ErrorPolicy, _ = vocab.ErrorPolicies.Proto(ff)
		if j := check(t, req); j.FailFast != ff {
			t.Errorf("error policy %v: fail fast %v", req.ErrorPolicy, j.FailFast)
		}
	}

	for _, tc := range []struct {
		field string
		set   func(*pb.RunRequest)
	}{
		{"strategy", func(r *pb.RunRequest) { r.Strategy = pb.Strategy(len(pb.Strategy_name)) }},
		{"workload", func(r *pb.RunRequest) { r.Workload = pb.Workload(len(pb.Workload_name)) }},
		{"sync", func(r *pb.RunRequest) {
			r.Workload, r.Sync = pb.Workload_WORKLOAD_COUNTER, pb.Sync(len(pb.Sync_name))
		}},
		{"lock_order", func(r *pb.RunRequest) {
			r.Workload, r.Accounts, r.LockOrder = pb.Workload_WORKLOAD_TRANSFER, 2, pb.LockOrder(len(pb.LockOrder_name))
		}},
		{"error_policy", func(r *pb.RunRequest) { r.ErrorPolicy = pb.ErrorPolicy(len(pb.ErrorPolicy_name)) }},
		{"scope", func(r *pb.RunRequest) { r.Scope = pb.Scope(len(pb.Scope_name)) }},
		{"sync", func(r *pb.RunRequest) { r.Sync = pb.Sync_SYNC_ATOMIC }},
		{"lock_order", func(r *pb.RunRequest) { r.LockOrder = pb.LockOrder_LOCK_ORDER_TRY }},
	} {
		req := base()
		tc.set(req)
		_, err := server.Validate(req, l)
		if status.Code(err) != codes.InvalidArgument || !strings.HasPrefix(status.Convert(err).Message(), tc.field+" ") {
			t.Errorf("%s: Validate(%v) = %v, want InvalidArgument naming %s", tc.field, req, err, tc.field)
		}
	}
}
