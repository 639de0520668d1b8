package main

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

func parseJob(t *testing.T, args ...string) (*pb.RunRequest, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var j jobFlags
	j.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return j.request(set)
}

func TestJobFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want *pb.RunRequest
		err  string
	}{
		{"defaults", nil, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU,
			Scope: pb.Scope_SCOPE_JOB, Tasks: 16, Parallelism: 4, CpuIterations: 2000}, ""},
		{"io drops iterations", []string{"--workload", "io", "--io-latency", "5ms", "--strategy", "semaphore", "--scope", "server"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SEMAPHORE, Workload: pb.Workload_WORKLOAD_IO, Scope: pb.Scope_SCOPE_SERVER,
				Tasks: 16, Parallelism: 4, IoLatency: durationpb.New(5 * time.Millisecond)}, ""},
		{"mixed keeps both", []string{"--workload=mixed", "--tasks=1", "--parallelism=0", "--cpu-iterations=7", "--fail-every=3", "--fail-fast"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_MIXED, Scope: pb.Scope_SCOPE_JOB,
				Tasks: 1, CpuIterations: 7, IoLatency: durationpb.New(2 * time.Millisecond), FailEvery: 3, FailFast: true}, ""},
		{"counter", []string{"--workload", "counter", "--sync", "none", "--cpu-iterations", "500"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_COUNTER, Scope: pb.Scope_SCOPE_JOB,
				Tasks: 16, Parallelism: 4, CpuIterations: 500, Sync: pb.Sync_SYNC_NONE}, ""},
		{"transfer with default accounts", []string{"--workload", "transfer", "--lock-order", "try"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_TRANSFER, Scope: pb.Scope_SCOPE_JOB,
				Tasks: 16, Parallelism: 4, CpuIterations: 2000, LockOrder: pb.LockOrder_LOCK_ORDER_TRY, Accounts: 8}, ""},
		{"transfer", []string{"--workload=transfer", "--lock-order=ordered", "--accounts=2"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_TRANSFER, Scope: pb.Scope_SCOPE_JOB,
				Tasks: 16, Parallelism: 4, CpuIterations: 2000, LockOrder: pb.LockOrder_LOCK_ORDER_ORDERED, Accounts: 2}, ""},
		{"collect all and panics", []string{"--error-policy", "collect-all", "--panic-every", "5", "--fail-every", "3"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Scope: pb.Scope_SCOPE_JOB,
				Tasks: 16, Parallelism: 4, CpuIterations: 2000, FailEvery: 3, PanicEvery: 5, ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL}, ""},
		{"fail fast both ways", []string{"--error-policy", "fail-fast", "--fail-fast"},
			&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Scope: pb.Scope_SCOPE_JOB,
				Tasks: 16, Parallelism: 4, CpuIterations: 2000, FailFast: true, ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_FAIL_FAST}, ""},
		{"fail fast conflicts with collect all", []string{"--fail-fast", "--error-policy", "collect-all"}, nil,
			"--fail-fast and --error-policy collect-all conflict"},
		{"bad error policy", []string{"--error-policy", "ignore"}, nil, `--error-policy: unknown error policy "ignore": want one of fail-fast, collect-all`},
		{"counter needs sync", []string{"--workload", "counter"}, nil, "--sync is required for --workload counter: one of mutex, atomic, sharded, channel, none"},
		{"bad sync", []string{"--workload", "counter", "--sync", "spin"}, nil, `--sync: unknown sync "spin"`},
		{"sync on cpu", []string{"--sync", "mutex"}, nil, "--sync applies only to --workload counter, not cpu"},
		{"transfer needs lock order", []string{"--workload", "transfer"}, nil, "--lock-order is required for --workload transfer: one of ordered, try"},
		{"bad lock order", []string{"--workload", "transfer", "--lock-order", "random"}, nil, `--lock-order: unknown lock order "random"`},
		{"lock order on counter", []string{"--workload", "counter", "--sync", "mutex", "--lock-order", "try"}, nil,
			"--lock-order applies only to --workload transfer, not counter"},
		{"accounts on io", []string{"--workload", "io", "--accounts", "4"}, nil, "--accounts applies only to --workload transfer, not io"},
		{"one account", []string{"--workload", "transfer", "--lock-order", "try", "--accounts", "1"}, nil, "--accounts 1 is outside [2, 4294967295]"},
		{"huge panic every", []string{"--panic-every", "4294967296"}, nil, "--panic-every 4294967296 is outside"},
		{"ants pool", []string{"--implementation", "ants", "--scope", "server"}, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL,
			Implementation: pb.Implementation_IMPLEMENTATION_ANTS, Workload: pb.Workload_WORKLOAD_CPU, Scope: pb.Scope_SCOPE_SERVER,
			Tasks: 16, Parallelism: 4, CpuIterations: 2000}, ""},
		{"own is the default", []string{"--implementation", "own", "--strategy", "serial"}, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL,
			Workload: pb.Workload_WORKLOAD_CPU, Scope: pb.Scope_SCOPE_JOB, Tasks: 16, Parallelism: 4, CpuIterations: 2000}, ""},
		{"bad implementation", []string{"--implementation", "fibers"}, nil, `--implementation: unknown implementation "fibers": want one of own, ants, pond, conc, errgroup`},
		{"implementation of another strategy", []string{"--strategy", "semaphore", "--implementation", "ants"}, nil,
			"--implementation ants is not available for --strategy semaphore, which accepts own, errgroup"},
		{"errgroup at server scope", []string{"--strategy", "semaphore", "--implementation", "errgroup", "--scope", "server"}, nil,
			"--scope server is not supported by --strategy semaphore with --implementation errgroup"},
		{"bad strategy", []string{"--strategy", "threads"}, nil, `--strategy: unknown strategy "threads"`},
		{"bad workload", []string{"--workload", "gpu"}, nil, `--workload: unknown workload "gpu"`},
		{"bad scope", []string{"--scope", "global"}, nil, `--scope: unknown scope "global"`},
		{"zero tasks", []string{"--tasks", "0"}, nil, "--tasks 0 is outside [1, 4294967295]"},
		{"huge tasks", []string{"--tasks", "4294967296"}, nil, "--tasks 4294967296 is outside"},
		{"negative tasks", []string{"--tasks", "-1"}, nil, "-tasks"},
		{"zero iterations", []string{"--cpu-iterations", "0"}, nil, "--cpu-iterations 0 is below 1"},
		{"negative io latency", []string{"--workload", "io", "--io-latency", "-1ms"}, nil, "--io-latency -1ms is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseJob(t, tt.args...)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil || !proto.Equal(got, tt.want) {
				t.Fatalf("request = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestCheckLimits(t *testing.T) {
	limits := &pb.Limits{MaxTasks: 100, MaxParallelism: 8, MaxCpuIterations: 1000, MaxTotalIterations: 10000,
		MaxIoLatency: durationpb.New(time.Second), MaxAccounts: 64}
	ok := &pb.RunRequest{Tasks: 10, Parallelism: 8, CpuIterations: 1000, IoLatency: durationpb.New(time.Second)}
	with := func(f func(r *pb.RunRequest)) *pb.RunRequest { r := proto.Clone(ok).(*pb.RunRequest); f(r); return r }
	tests := []struct {
		name   string
		req    *pb.RunRequest
		limits *pb.Limits
		err    string
	}{
		{"within", ok, limits, ""},
		{"no limits", with(func(r *pb.RunRequest) { r.Tasks = 1e6 }), nil, ""},
		{"zero limits", with(func(r *pb.RunRequest) { r.Tasks = 1e6 }), &pb.Limits{}, ""},
		{"tasks", with(func(r *pb.RunRequest) { r.Tasks = 101 }), limits, "--tasks 101 is above the server's limit of 100"},
		{"parallelism", with(func(r *pb.RunRequest) { r.Parallelism = 9 }), limits, "--parallelism 9 is above the server's limit of 8"},
		{"iterations", with(func(r *pb.RunRequest) { r.CpuIterations = 1001 }), limits, "--cpu-iterations 1001 is above the server's limit of 1000"},
		{"total", with(func(r *pb.RunRequest) { r.Tasks = 11 }), limits, "--tasks 11 × --cpu-iterations 1000 is above the server's limit of 10000"},
		{"io latency", with(func(r *pb.RunRequest) { r.IoLatency = durationpb.New(2 * time.Second) }), limits, "--io-latency 2s is above the server's limit of 1s"},
		{"accounts", with(func(r *pb.RunRequest) { r.Accounts = 65 }), limits, "--accounts 65 is above the server's limit of 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLimits(tt.req, tt.limits)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("checkLimits = %v, want %q", err, tt.err)
			}
		})
	}
}
