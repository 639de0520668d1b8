package server_test

import (
	"testing"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestValidateDefaults(t *testing.T) {
	j, err := server.Validate(&pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 3}, server.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if j.Parallelism < 1 || j.Scope != pb.Scope_SCOPE_JOB {
		t.Errorf("parallelism %d scope %v: want GOMAXPROCS and SCOPE_JOB", j.Parallelism, j.Scope)
	}
}

// FuzzValidate feeds arbitrary wire bytes through Validate: it must never
// panic, must answer InvalidArgument or nothing, and must accept only
// requests within the limits.
func FuzzValidate(f *testing.F) {
	for _, r := range []*pb.RunRequest{
		{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 10, CpuIterations: 100},
		{Strategy: pb.Strategy_STRATEGY_PIPELINE, Workload: pb.Workload_WORKLOAD_MIXED, Tasks: 1, IoLatency: durationpb.New(time.Second)},
		{Strategy: pb.Strategy_STRATEGY_SEMAPHORE, Workload: pb.Workload_WORKLOAD_IO, Scope: pb.Scope_SCOPE_SERVER, Tasks: 100_000, Parallelism: 10_000},
	} {
		b, _ := proto.Marshal(r)
		f.Add(b)
	}
	l := server.DefaultLimits()
	f.Fuzz(func(t *testing.T, b []byte) {
		var req pb.RunRequest
		if proto.Unmarshal(b, &req) != nil {
			return
		}
		j, err := server.Validate(&req, l)
		if err != nil {
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("code %v", status.Code(err))
			}
			return
		}
		if j.Tasks < 1 || j.Tasks > int(l.MaxTasks) || j.Parallelism < 1 || j.Parallelism > max(int(l.MaxParallelism), 1<<16) ||
			j.Spec.CPUIterations > l.MaxCPUIterations || uint64(j.Tasks)*j.Spec.CPUIterations > l.MaxTotalIterations ||
			j.Spec.IOLatency < 0 || j.Spec.IOLatency > l.MaxIOLatency {
			t.Fatalf("accepted out-of-limits job %+v", j)
		}
	})
}
