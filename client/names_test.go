package client_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/stratbench/stratbench/client"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

func TestNamesRoundTrip(t *testing.T) {
	for _, n := range client.StrategyNames {
		s, err := client.ParseStrategy(n)
		if err != nil || client.StrategyName(s) != n {
			t.Errorf("ParseStrategy(%q) = %v, %v; name back %q", n, s, err, client.StrategyName(s))
		}
	}
	for _, n := range client.WorkloadNames {
		w, err := client.ParseWorkload(n)
		if err != nil || client.WorkloadName(w) != n {
			t.Errorf("ParseWorkload(%q) = %v, %v", n, w, err)
		}
	}
	for _, n := range client.ScopeNames {
		s, err := client.ParseScope(n)
		if err != nil || client.ScopeName(s) != n {
			t.Errorf("ParseScope(%q) = %v, %v", n, s, err)
		}
	}
	for _, n := range client.SyncNames {
		s, err := client.ParseSync(n)
		if err != nil || client.SyncName(s) != n {
			t.Errorf("ParseSync(%q) = %v, %v", n, s, err)
		}
	}
	for _, n := range client.LockOrderNames {
		o, err := client.ParseLockOrder(n)
		if err != nil || client.LockOrderName(o) != n {
			t.Errorf("ParseLockOrder(%q) = %v, %v", n, o, err)
		}
	}
	for _, n := range client.ErrorPolicyNames {
		p, err := client.ParseErrorPolicy(n)
		if err != nil || client.ErrorPolicyName(p) != n {
			t.Errorf("ParseErrorPolicy(%q) = %v, %v", n, p, err)
		}
	}
	for _, n := range []string{"closed", "open"} {
		m, err := client.ParseMode(n)
		if err != nil || m.String() != n {
			t.Errorf("ParseMode(%q) = %v, %v", n, m, err)
		}
	}
	for _, c := range []struct {
		name  string
		names []string
		want  int
	}{{"StrategyNames", client.StrategyNames, 5}, {"WorkloadNames", client.WorkloadNames, 5},
		{"SyncNames", client.SyncNames, 5}, {"LockOrderNames", client.LockOrderNames, 2}, {"ErrorPolicyNames", client.ErrorPolicyNames, 2}} {
		if len(c.names) != c.want {
			t.Errorf("len(%s) = %d, want %d", c.name, len(c.names), c.want)
		}
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"strategy", client.StrategyName(pb.Strategy_STRATEGY_GOROUTINE_PER_TASK), "goroutine-per-task"},
		{"unspecified strategy", client.StrategyName(pb.Strategy_STRATEGY_UNSPECIFIED), "STRATEGY_UNSPECIFIED"},
		{"unknown strategy", client.StrategyName(42), "42"},
		{"workload", client.WorkloadName(pb.Workload_WORKLOAD_MIXED), "mixed"},
		{"counter", client.WorkloadName(pb.Workload_WORKLOAD_COUNTER), "counter"},
		{"transfer", client.WorkloadName(pb.Workload_WORKLOAD_TRANSFER), "transfer"},
		{"sync", client.SyncName(pb.Sync_SYNC_SHARDED), "sharded"},
		{"unspecified sync is empty", client.SyncName(pb.Sync_SYNC_UNSPECIFIED), ""},
		{"unknown sync", client.SyncName(42), "42"},
		{"lock order", client.LockOrderName(pb.LockOrder_LOCK_ORDER_ORDERED), "ordered"},
		{"unspecified lock order is empty", client.LockOrderName(pb.LockOrder_LOCK_ORDER_UNSPECIFIED), ""},
		{"error policy", client.ErrorPolicyName(pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL), "collect-all"},
		{"unspecified error policy is empty", client.ErrorPolicyName(pb.ErrorPolicy_ERROR_POLICY_UNSPECIFIED), ""},
		{"unspecified scope is job", client.ScopeName(pb.Scope_SCOPE_UNSPECIFIED), "job"},
		{"server scope", client.ScopeName(pb.Scope_SCOPE_SERVER), "server"},
		{"code", client.CodeName(codes.DeadlineExceeded), "DEADLINE_EXCEEDED"},
		{"cancelled", client.CodeName(codes.Canceled), "CANCELLED"},
		{"last code", client.CodeName(codes.Unauthenticated), "UNAUTHENTICATED"},
		{"unknown code", client.CodeName(99), "CODE_99"},
		{"code past int32", client.CodeName(1 << 31), "CODE_2147483648"},
	}
	// Every code grpc-go defines has its specification name.
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		if n := client.CodeName(c); strings.HasPrefix(n, "CODE_") || strings.ToUpper(n) != n {
			t.Errorf("CodeName(%v) = %q, want the specification's name", c, n)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		want  string
	}{
		{"strategy", func(s string) error { _, err := client.ParseStrategy(s); return err }, "Pool",
			`unknown strategy "Pool": want one of serial, goroutine-per-task, pool, semaphore, pipeline`},
		{"workload", func(s string) error { _, err := client.ParseWorkload(s); return err }, "",
			`unknown workload "": want one of cpu, io, mixed, counter, transfer`},
		{"sync", func(s string) error { _, err := client.ParseSync(s); return err }, "SYNC_NONE",
			`unknown sync "SYNC_NONE": want one of mutex, atomic, sharded, channel, none`},
		{"lock order", func(s string) error { _, err := client.ParseLockOrder(s); return err }, "",
			`unknown lock order "": want one of ordered, try`},
		{"error policy", func(s string) error { _, err := client.ParseErrorPolicy(s); return err }, "fail_fast",
			`unknown error policy "fail_fast": want one of fail-fast, collect-all`},
		{"scope", func(s string) error { _, err := client.ParseScope(s); return err }, "SCOPE_JOB",
			`unknown scope "SCOPE_JOB": want one of job, server`},
		{"mode", func(s string) error { _, err := client.ParseMode(s); return err }, "half",
			`unknown mode "half": want one of closed, open`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("parse(%q) = %v, want %q", tt.in, err, tt.want)
			}
		})
	}
}
