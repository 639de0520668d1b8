package main

import (
	"flag"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// jobFlags are the flags that describe the job every RPC of a run carries.
type jobFlags struct {
	strategy      string
	workload      string
	scope         string
	tasks         uint
	parallelism   uint
	cpuIterations uint64
	ioLatency     time.Duration
	failEvery     uint
	panicEvery    uint
	failFast      bool
	errorPolicy   string
	sync          string
	accounts      uint
	lockOrder     string
}

// defaultAccounts is the transfer workload's --accounts when not given.
const defaultAccounts = 8

// register defines the job flags on fs.
func (j *jobFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&j.strategy, "strategy", vocab.Name(pb.Strategy_STRATEGY_POOL), "how a job's tasks are scheduled: "+strings.Join(vocab.Words[pb.Strategy](), "|"))
	fs.StringVar(&j.workload, "workload", vocab.Name(pb.Workload_WORKLOAD_CPU), "what each task does: "+strings.Join(vocab.Words[pb.Workload](), "|"))
	fs.StringVar(&j.scope, "scope", vocab.Name(pb.Scope_SCOPE_JOB), "where the strategy's limit lives: "+strings.Join(vocab.Words[pb.Scope](), "|"))
	fs.UintVar(&j.tasks, "tasks", 16, "tasks per job")
	fs.UintVar(&j.parallelism, "parallelism", 4, "most tasks of a job at once; 0 means the server's GOMAXPROCS")
	fs.Uint64Var(&j.cpuIterations, "cpu-iterations", 2000,
		"SHA-256 steps per task (cpu and mixed workloads); increments per task (counter); transfers per task (transfer)")
	fs.DurationVar(&j.ioLatency, "io-latency", 2*time.Millisecond, "wait per task (io and mixed workloads)")
	fs.UintVar(&j.failEvery, "fail-every", 0, "task i fails when (i+1) % N == 0; 0 means never")
	fs.UintVar(&j.panicEvery, "panic-every", 0, "task i panics when (i+1) % N == 0; 0 means never")
	fs.BoolVar(&j.failFast, "fail-fast", false, "the first task failure ends the RPC with ABORTED (--error-policy fail-fast)")
	fs.StringVar(&j.errorPolicy, "error-policy", "",
		"what a task failure does: "+strings.Join(vocab.Words[pb.ErrorPolicy](), "|")+"; default fail-fast with --fail-fast, else collect-all")
	fs.StringVar(&j.sync, "sync", "", "counter workload (required): how the shared counter is updated: "+strings.Join(vocab.Words[pb.Sync](), "|"))
	fs.UintVar(&j.accounts, "accounts", defaultAccounts, "transfer workload: number of accounts, at least 2")
	fs.StringVar(&j.lockOrder, "lock-order", "", "transfer workload (required): how a transfer takes two locks: "+strings.Join(vocab.Words[pb.LockOrder](), "|"))
}

// request returns the job as a RunRequest. The CPU iterations are sent
// only to workloads that use them, and likewise the I/O latency, so that a
// cell is named the same way as in a sweep. set holds the names of the
// flags given on the command line: --sync, --lock-order and --accounts
// given for a workload that does not use them are refused rather than
// ignored, and --error-policy must agree with --fail-fast. Errors name the
// flag and the limit.
func (j *jobFlags) request(set map[string]bool) (*pb.RunRequest, error) {
	strategy, err := vocab.Parse[pb.Strategy]("strategy", j.strategy)
	if err != nil {
		return nil, fmt.Errorf("--strategy: %w", err)
	}
	workload, err := vocab.Parse[pb.Workload]("workload", j.workload)
	if err != nil {
		return nil, fmt.Errorf("--workload: %w", err)
	}
	scope, err := vocab.Parse[pb.Scope]("scope", j.scope)
	if err != nil {
		return nil, fmt.Errorf("--scope: %w", err)
	}
	for _, f := range []struct {
		name  string
		v, lo uint
	}{
		{"tasks", j.tasks, 1},
		{"parallelism", j.parallelism, 0},
		{"fail-every", j.failEvery, 0},
		{"panic-every", j.panicEvery, 0},
	} {
		if f.v < f.lo || f.v > math.MaxUint32 {
			return nil, fmt.Errorf("--%s %d is outside [%d, %d]", f.name, f.v, f.lo, uint64(math.MaxUint32))
		}
	}
	req := &pb.RunRequest{
		Strategy:    strategy,
		Workload:    workload,
		Scope:       scope,
		Tasks:       uint32(j.tasks),
		Parallelism: uint32(j.parallelism),
		FailEvery:   uint32(j.failEvery),
		PanicEvery:  uint32(j.panicEvery),
		FailFast:    j.failFast,
	}
	if err := j.errorPolicyInto(req, set); err != nil {
		return nil, err
	}
	if err := j.sharedInto(req, set); err != nil {
		return nil, err
	}
	if workload != pb.Workload_WORKLOAD_IO {
		if j.cpuIterations < 1 {
			return nil, fmt.Errorf("--cpu-iterations %d is below 1, the least a %s workload needs", j.cpuIterations, j.workload)
		}
		req.CpuIterations = j.cpuIterations
	}
	if workload == pb.Workload_WORKLOAD_IO || workload == pb.Workload_WORKLOAD_MIXED {
		if j.ioLatency < 0 {
			return nil, fmt.Errorf("--io-latency %v is negative", j.ioLatency)
		}
		req.IoLatency = durationpb.New(j.ioLatency)
	}
	return req, nil
}

// errorPolicyInto sets req's error policy from --error-policy, which must
// agree with --fail-fast when both are given.
func (j *jobFlags) errorPolicyInto(req *pb.RunRequest, set map[string]bool) error {
	if !set["error-policy"] {
		return nil
	}
	p, err := vocab.Parse[pb.ErrorPolicy]("error policy", j.errorPolicy)
	if err != nil {
		return fmt.Errorf("--error-policy: %w", err)
	}
	if j.failFast && p != pb.ErrorPolicy_ERROR_POLICY_FAIL_FAST {
		return fmt.Errorf("--fail-fast and --error-policy %s conflict: give --error-policy fail-fast, or drop --fail-fast", j.errorPolicy)
	}
	req.ErrorPolicy = p
	return nil
}

// sharedInto sets req's shared-state fields: --sync for the counter
// workload, --lock-order and --accounts for transfer. Each is required by
// its workload (--accounts has a default) and refused by the others.
func (j *jobFlags) sharedInto(req *pb.RunRequest, set map[string]bool) error {
	w := req.GetWorkload()
	counter, transfer := w == pb.Workload_WORKLOAD_COUNTER, w == pb.Workload_WORKLOAD_TRANSFER
	for _, f := range []struct {
		flag     string
		workload pb.Workload
		uses     bool
	}{{"sync", pb.Workload_WORKLOAD_COUNTER, counter}, {"lock-order", pb.Workload_WORKLOAD_TRANSFER, transfer}, {"accounts", pb.Workload_WORKLOAD_TRANSFER, transfer}} {
		if set[f.flag] && !f.uses {
			return fmt.Errorf("--%s applies only to --workload %s, not %s", f.flag, vocab.Name(f.workload), vocab.Name(w))
		}
	}
	switch {
	case counter:
		if !set["sync"] {
			return fmt.Errorf("--sync is required for --workload %s: one of %s", vocab.Name(w), strings.Join(vocab.Words[pb.Sync](), ", "))
		}
		s, err := vocab.Parse[pb.Sync]("sync", j.sync)
		if err != nil {
			return fmt.Errorf("--sync: %w", err)
		}
		req.Sync = s
	case transfer:
		if !set["lock-order"] {
			return fmt.Errorf("--lock-order is required for --workload %s: one of %s", vocab.Name(w), strings.Join(vocab.Words[pb.LockOrder](), ", "))
		}
		o, err := vocab.Parse[pb.LockOrder]("lock order", j.lockOrder)
		if err != nil {
			return fmt.Errorf("--lock-order: %w", err)
		}
		if j.accounts < 2 || j.accounts > math.MaxUint32 {
			return fmt.Errorf("--accounts %d is outside [2, %d]", j.accounts, uint64(math.MaxUint32))
		}
		req.LockOrder, req.Accounts = o, uint32(j.accounts)
	}
	return nil
}

// checkLimits reports the first field of req beyond the server's limits,
// naming the flag and the limit, so that a run does not send a job the
// server would refuse with every RPC. A zero limit is no limit.
func checkLimits(req *pb.RunRequest, l *pb.Limits) error {
	if l == nil {
		return nil
	}
	if m := l.GetMaxTasks(); m > 0 && req.GetTasks() > m {
		return fmt.Errorf("--tasks %d is above the server's limit of %d", req.GetTasks(), m)
	}
	if m := l.GetMaxParallelism(); m > 0 && req.GetParallelism() > m {
		return fmt.Errorf("--parallelism %d is above the server's limit of %d", req.GetParallelism(), m)
	}
	if m := l.GetMaxCpuIterations(); m > 0 && req.GetCpuIterations() > m {
		return fmt.Errorf("--cpu-iterations %d is above the server's limit of %d", req.GetCpuIterations(), m)
	}
	if m := l.GetMaxTotalIterations(); m > 0 {
		hi, total := bits.Mul64(uint64(req.GetTasks()), req.GetCpuIterations())
		if hi > 0 || total > m {
			return fmt.Errorf("--tasks %d × --cpu-iterations %d is above the server's limit of %d iterations per job",
				req.GetTasks(), req.GetCpuIterations(), m)
		}
	}
	if m := l.GetMaxAccounts(); m > 0 && req.GetAccounts() > m {
		return fmt.Errorf("--accounts %d is above the server's limit of %d", req.GetAccounts(), m)
	}
	if m := l.GetMaxIoLatency().AsDuration(); m > 0 && req.GetIoLatency().AsDuration() > m {
		return fmt.Errorf("--io-latency %v is above the server's limit of %v", req.GetIoLatency().AsDuration(), m)
	}
	return nil
}
