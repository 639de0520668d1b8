package server_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"github.com/stratbench/stratbench/strategies"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

var allImplementations = []pb.Implementation{
	pb.Implementation_IMPLEMENTATION_UNSPECIFIED, pb.Implementation_IMPLEMENTATION_OWN, pb.Implementation_IMPLEMENTATION_ANTS,
	pb.Implementation_IMPLEMENTATION_POND, pb.Implementation_IMPLEMENTATION_CONC, pb.Implementation_IMPLEMENTATION_ERRGROUP,
}

// TestValidateImplementation checks every strategy × implementation × scope:
// the pairs the issue lists are accepted, and every other is refused with
// INVALID_ARGUMENT naming both fields.
func TestValidateImplementation(t *testing.T) {
	accepted := map[pb.Strategy][]pb.Implementation{
		pb.Strategy_STRATEGY_SERIAL:             {0, 1},
		pb.Strategy_STRATEGY_GOROUTINE_PER_TASK: {0, 1, 4},
		pb.Strategy_STRATEGY_POOL:               {0, 1, 2, 3, 4},
		pb.Strategy_STRATEGY_SEMAPHORE:          {0, 1, 5},
		pb.Strategy_STRATEGY_PIPELINE:           {0, 1},
	}
	shared := map[pb.Strategy][]pb.Implementation{
		pb.Strategy_STRATEGY_SERIAL:    {0, 1},
		pb.Strategy_STRATEGY_POOL:      {0, 1, 2, 3},
		pb.Strategy_STRATEGY_SEMAPHORE: {0, 1},
	}
	for _, s := range allStrategies {
		for _, impl := range allImplementations {
			for _, scope := range []pb.Scope{pb.Scope_SCOPE_JOB, pb.Scope_SCOPE_SERVER} {
				req := &pb.RunRequest{Strategy: s, Implementation: impl, Scope: scope, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1}
				j, err := server.Validate(req, server.DefaultLimits())
				okPair := slices.Contains(accepted[s], impl)
				want := okPair && (scope == pb.Scope_SCOPE_JOB || slices.Contains(shared[s], impl))
				switch {
				case want && err != nil:
					t.Errorf("%v %v %v: refused: %v", s, impl, scope, err)
				case want && j.Implementation != strategies.Implementation(max(impl, 1)):
					t.Errorf("%v %v %v: implementation %v", s, impl, scope, j.Implementation)
				case !want && status.Code(err) != codes.InvalidArgument:
					t.Errorf("%v %v %v: err %v, want InvalidArgument", s, impl, scope, err)
				case want:
				case scope == pb.Scope_SCOPE_SERVER && shared[s] == nil:
					// No implementation of s has a server scope: the scope
					// is refused before the implementation is looked at.
					mustSay(t, err, "scope", "SCOPE_SERVER")
				case okPair:
					mustSay(t, err, "scope", "SCOPE_SERVER", s.String(), impl.String())
				default:
					mustSay(t, err, "implementation", impl.String(), s.String())
				}
			}
		}
	}
	_, err := server.Validate(&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Implementation: 99, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1}, server.DefaultLimits())
	mustSay(t, err, "implementation", "99", "IMPLEMENTATION_ANTS")
}

func mustSay(t *testing.T, err error, words ...string) {
	t.Helper()
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("err %v, want InvalidArgument", err)
	}
	for _, w := range words {
		if !strings.Contains(status.Convert(err).Message(), w) {
			t.Errorf("message %q lacks %q", status.Convert(err).Message(), w)
		}
	}
}

// TestEveryImplementationOverGRPC runs one job with failures and panics
// through every accepted strategy × implementation × scope over gRPC: each
// counts the same tasks and returns the same checksum as the own serial
// strategy.
func TestEveryImplementationOverGRPC(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	var want *pb.RunResponse
	for _, s := range allStrategies {
		for _, impl := range allImplementations[1:] {
			for _, scope := range []pb.Scope{pb.Scope_SCOPE_JOB, pb.Scope_SCOPE_SERVER} {
				k, si := strategies.Kind(s), strategies.Implementation(impl)
				if !strategies.Supports(k, si) || scope == pb.Scope_SCOPE_SERVER && !strategies.Shareable(k, si) {
					continue
				}
				resp, err := c.Run(t.Context(), &pb.RunRequest{
					Strategy: s, Implementation: impl, Scope: scope, Workload: pb.Workload_WORKLOAD_MIXED, Tasks: 30, Parallelism: 3,
					CpuIterations: 20, IoLatency: durationpb.New(100 * time.Microsecond), FailEvery: 7, PanicEvery: 5,
				})
				if err != nil {
					t.Fatalf("%v %v %v: %v", s, impl, scope, err)
				}
				if want == nil {
					want = resp
				}
				// 30 tasks: 4 fail (7, 14, 21, 28), 6 panic (5, …, 30): 20 completed.
				if resp.TasksCompleted != 20 || resp.TasksFailed != 10 || resp.Checksum != want.Checksum {
					t.Errorf("%v %v %v: %d completed %d failed checksum %x, want 20 10 %x",
						s, impl, scope, resp.TasksCompleted, resp.TasksFailed, resp.Checksum, want.Checksum)
				}
			}
		}
	}
}
