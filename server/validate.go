package server

import (
	"fmt"
	"runtime"

	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Job is a validated RunRequest, in the terms of the strategies and
// workload packages.
type Job struct {
	Strategy    strategies.Kind
	Scope       pb.Scope // SCOPE_JOB or SCOPE_SERVER, never unspecified
	Parallelism int      // ≥ 1; 0 in the request became GOMAXPROCS
	Tasks       int
	Spec        workload.Spec
	FailFast    bool
}

// Validate checks req against l and returns the job it describes. A
// violation is a status error with code InvalidArgument whose message names
// the field, the value and the limit. Validate never panics, whatever req
// holds.
func Validate(req *pb.RunRequest, l Limits) (Job, error) {
	var j Job
	var ok bool
	if j.Strategy, ok = vocab.Strategies.Kind(req.GetStrategy()); !ok {
		return j, invalid("strategy", "is %v; must be one of SERIAL, GOROUTINE_PER_TASK, POOL, SEMAPHORE, PIPELINE", req.GetStrategy())
	}
	if j.Spec.Kind, ok = vocab.Workloads.Kind(req.GetWorkload()); !ok {
		return j, invalid("workload", "is %v; must be one of CPU, IO, MIXED, COUNTER, TRANSFER", req.GetWorkload())
	}
	if err := validateShared(req, l, &j); err != nil {
		return j, err
	}
	switch req.GetScope() {
	case pb.Scope_SCOPE_UNSPECIFIED, pb.Scope_SCOPE_JOB:
		j.Scope = pb.Scope_SCOPE_JOB
	case pb.Scope_SCOPE_SERVER:
		j.Scope = pb.Scope_SCOPE_SERVER
		if j.Strategy == strategies.GoroutinePerTask || j.Strategy == strategies.Pipeline {
			return j, invalid("scope", "SCOPE_SERVER is not supported by %v: %s", j.Strategy, notShareable(j.Strategy))
		}
	default:
		return j, invalid("scope", "is %v; must be SCOPE_JOB or SCOPE_SERVER", req.GetScope())
	}
	tasks := req.GetTasks()
	if tasks < 1 || tasks > l.MaxTasks {
		return j, invalid("tasks", "is %d; must be from 1 to %d", tasks, l.MaxTasks)
	}
	j.Tasks = int(tasks)
	par := req.GetParallelism()
	if par > l.MaxParallelism {
		return j, invalid("parallelism", "is %d; must be at most %d (0 means GOMAXPROCS)", par, l.MaxParallelism)
	}
	j.Parallelism = int(par)
	if par == 0 {
		j.Parallelism = runtime.GOMAXPROCS(0)
	}
	iters := req.GetCpuIterations()
	if iters > l.MaxCPUIterations {
		return j, invalid("cpu_iterations", "is %d; must be at most %d", iters, l.MaxCPUIterations)
	}
	if iters > 0 && uint64(tasks) > l.MaxTotalIterations/iters {
		return j, invalid("cpu_iterations", "%d × tasks %d exceeds the per-job limit of %d iterations", iters, tasks, l.MaxTotalIterations)
	}
	j.Spec.CPUIterations = iters
	if d := req.GetIoLatency(); d != nil {
		if err := d.CheckValid(); err != nil {
			return j, invalid("io_latency", "is not a valid duration: %v", err)
		}
		lat := d.AsDuration()
		if lat < 0 || lat > l.MaxIOLatency {
			return j, invalid("io_latency", "is %v; must be from 0 to %v", lat, l.MaxIOLatency)
		}
		j.Spec.IOLatency = lat
	}
	j.Spec.FailEvery = req.GetFailEvery()
	j.Spec.PanicEvery = req.GetPanicEvery()
	switch ff, ok := vocab.ErrorPolicies.Kind(req.GetErrorPolicy()); {
	case req.GetErrorPolicy() == pb.ErrorPolicy_ERROR_POLICY_UNSPECIFIED:
		j.FailFast = req.GetFailFast()
	case !ok:
		return j, invalid("error_policy", "is %v; must be ERROR_POLICY_FAIL_FAST or ERROR_POLICY_COLLECT_ALL", req.GetErrorPolicy())
	case !ff && req.GetFailFast():
		return j, invalid("error_policy", "is ERROR_POLICY_COLLECT_ALL but fail_fast is set; set one or the other")
	default:
		j.FailFast = ff
	}
	return j, nil
}

// validateShared checks the fields of the shared-state workloads: sync for
// COUNTER, accounts and lock_order for TRANSFER; each is refused elsewhere
// so that a typo in the workload is not silently ignored.
func validateShared(req *pb.RunRequest, l Limits, j *Job) error {
	counter := j.Spec.Kind == workload.Counter
	transfer := j.Spec.Kind == workload.Transfer
	sync, syncOK := vocab.Syncs.Kind(req.GetSync())
	switch {
	case req.GetSync() == pb.Sync_SYNC_UNSPECIFIED:
		if counter {
			return invalid("sync", "is required for WORKLOAD_COUNTER: one of SYNC_MUTEX, SYNC_ATOMIC, SYNC_SHARDED, SYNC_CHANNEL, SYNC_NONE")
		}
	case !syncOK:
		return invalid("sync", "is %v; must be one of SYNC_MUTEX, SYNC_ATOMIC, SYNC_SHARDED, SYNC_CHANNEL, SYNC_NONE", req.GetSync())
	case !counter:
		return invalid("sync", "is %v but applies only to WORKLOAD_COUNTER", req.GetSync())
	default:
		j.Spec.Sync = sync
	}
	order, orderOK := vocab.LockOrders.Kind(req.GetLockOrder())
	switch {
	case req.GetLockOrder() == pb.LockOrder_LOCK_ORDER_UNSPECIFIED:
		if transfer {
			return invalid("lock_order", "is required for WORKLOAD_TRANSFER: LOCK_ORDER_ORDERED or LOCK_ORDER_TRY")
		}
	case !orderOK:
		return invalid("lock_order", "is %v; must be LOCK_ORDER_ORDERED or LOCK_ORDER_TRY", req.GetLockOrder())
	case !transfer:
		return invalid("lock_order", "is %v but applies only to WORKLOAD_TRANSFER", req.GetLockOrder())
	default:
		j.Spec.LockOrder = order
	}
	acc := req.GetAccounts()
	switch {
	case transfer && (acc < 2 || acc > l.MaxAccounts):
		return invalid("accounts", "is %d; must be from 2 to %d for WORKLOAD_TRANSFER", acc, l.MaxAccounts)
	case !transfer && acc != 0:
		return invalid("accounts", "is %d but applies only to WORKLOAD_TRANSFER", acc)
	}
	j.Spec.Accounts = int(acc)
	return nil
}

func notShareable(k strategies.Kind) string {
	if k == strategies.GoroutinePerTask {
		return "it is unbounded, so there is no limit to share"
	}
	return "a pipeline's stages belong to one job"
}

// invalid returns an InvalidArgument status naming field.
func invalid(field, format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, "%s %s", field, fmt.Sprintf(format, args...))
}
