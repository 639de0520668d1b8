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
	for _, n := range []string{"closed", "open"} {
		m, err := client.ParseMode(n)
		if err != nil || m.String() != n {
			t.Errorf("ParseMode(%q) = %v, %v", n, m, err)
		}
	}
	if got := len(client.StrategyNames); got != 5 {
		t.Errorf("len(StrategyNames) = %d, want 5", got)
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
		{"unspecified scope is job", client.ScopeName(pb.Scope_SCOPE_UNSPECIFIED), "job"},
		{"server scope", client.ScopeName(pb.Scope_SCOPE_SERVER), "server"},
		{"code", client.CodeName(codes.DeadlineExceeded), "DEADLINE_EXCEEDED"},
		{"cancelled", client.CodeName(codes.Canceled), "CANCELLED"},
		{"last code", client.CodeName(codes.Unauthenticated), "UNAUTHENTICATED"},
		{"unknown code", client.CodeName(99), "CODE_99"},
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
			`unknown workload "": want one of cpu, io, mixed`},
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
