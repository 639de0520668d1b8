package server

import (
	"flag"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Limits are the bounds a Service enforces. Every one has a flag in
// `stratbench serve`; DefaultLimits documents the defaults.
type Limits struct {
	MaxTasks           uint32        // tasks per job
	MaxCPUIterations   uint64        // cpu_iterations per task
	MaxTotalIterations uint64        // tasks × cpu_iterations per job
	MaxIOLatency       time.Duration // io_latency per task
	MaxParallelism     uint32        // parallelism per job or shared instance
	MaxAccounts        uint32        // accounts of a WORKLOAD_TRANSFER job
	MaxJobsInFlight    int           // Run RPCs executing at once, server-wide
	// MaxTasksInFlight bounds the tasks of all executing jobs together, so
	// that the goroutines a flood can make stay within about 1 GB.
	MaxTasksInFlight int
	// MaxCPUInFlight bounds the CPU work of all executing jobs together,
	// estimated as tasks × cpu_iterations × the calibrated cost of one
	// iteration. Queued CPU work is what delays every new RPC (health,
	// refusals, Info) in Go's run queues, so this bound is what keeps the
	// server responsive under a flood: at 0.5 s per GOMAXPROCS the queue
	// drains in half a second. (At 1 s per GOMAXPROCS, `make flood` missed
	// its 1 s health target on 2 idle cores: p99 1.34 s; at 0.5 s, 0.86 s.)
	MaxCPUInFlight time.Duration
	// MaxSchedLatency sheds load while the p99 time goroutines waited for
	// a thread over the last 50 ms is past it and CPU work is in flight
	// (0: not watched): every Run, an I/O job too, is then refused at the
	// transport before a goroutine is started for it. The budget alone
	// does not stop a stream of admitted jobs from starving the goroutines
	// that read new RPCs.
	MaxSchedLatency time.Duration
	// MaxMemoryInFlight bounds the bytes of per-job state (transfer
	// accounts) of all executing jobs together.
	MaxMemoryInFlight uint64
	// MaxJobDuration refuses a job whose minimum duration (its I/O waits
	// spread over its parallelism) exceeds it, and caps the server-side
	// deadline of every unary RPC.
	MaxJobDuration time.Duration
	// MaxSharedStrategies bounds the distinct (strategy, parallelism)
	// instances that SCOPE_SERVER jobs can create.
	MaxSharedStrategies int
	// MaxSharedWorkers bounds the workers of all shared pools together.
	MaxSharedWorkers int
	// SharedIdle is how long an idle shared pool worker lives, and how
	// long an unused shared instance keeps its place in the registry.
	SharedIdle           time.Duration
	MaxConcurrentStreams uint32 // per HTTP/2 connection
	MaxConnections       int    // open connections at once
	MaxHeaderListBytes   uint32 // request metadata (HTTP/2 header list)
	MaxRecvBytes         int    // largest request message accepted
}

// taskBytes is a conservative estimate of the memory one in-flight task
// holds; DefaultLimits derives MaxTasksInFlight from it. Measured: one
// goroutine-per-task job of 100 000 waiting I/O tasks took the server's
// RSS from 14 MB to 495 MB, 4.9 KiB a task; the rest allows for a
// goroutine's stack growing while it runs the kernel.
const taskBytes = 10 << 10

// DefaultLimits returns the limits of a server started without flags.
func DefaultLimits() Limits {
	return Limits{
		MaxTasks:             100_000,
		MaxCPUIterations:     10_000_000,
		MaxTotalIterations:   1_000_000_000,
		MaxIOLatency:         60 * time.Second,
		MaxParallelism:       10_000,
		MaxAccounts:          1_000_000,
		MaxJobsInFlight:      256,
		MaxTasksInFlight:     (1 << 30) / taskBytes, // 104 857: 1 GiB of tasks
		MaxCPUInFlight:       time.Duration(runtime.GOMAXPROCS(0)) * 500 * time.Millisecond,
		MaxSchedLatency:      250 * time.Millisecond,
		MaxMemoryInFlight:    256 << 20,
		MaxJobDuration:       60 * time.Second,
		MaxSharedStrategies:  64,
		MaxSharedWorkers:     20_000,
		SharedIdle:           time.Minute,
		MaxConcurrentStreams: 1024,
		MaxConnections:       1024,
		MaxHeaderListBytes:   16 << 10,
		MaxRecvBytes:         64 << 10,
	}
}

// RegisterFlags binds each limit to a flag of fs, with l's values as the
// defaults.
func (l *Limits) RegisterFlags(fs *flag.FlagSet) {
	fs.Var((*uint32Value)(&l.MaxTasks), "max-tasks", "most tasks per job")
	fs.Uint64Var(&l.MaxCPUIterations, "max-cpu-iterations", l.MaxCPUIterations, "most cpu_iterations per task")
	fs.Uint64Var(&l.MaxTotalIterations, "max-total-iterations", l.MaxTotalIterations, "most tasks × cpu_iterations per job")
	fs.DurationVar(&l.MaxIOLatency, "max-io-latency", l.MaxIOLatency, "longest io_latency per task")
	fs.Var((*uint32Value)(&l.MaxParallelism), "max-parallelism", "most parallelism per job")
	fs.Var((*uint32Value)(&l.MaxAccounts), "max-accounts", "most accounts of a WORKLOAD_TRANSFER job")
	fs.IntVar(&l.MaxJobsInFlight, "max-jobs", l.MaxJobsInFlight, "most Run RPCs executing at once; past it, RESOURCE_EXHAUSTED")
	fs.IntVar(&l.MaxTasksInFlight, "max-tasks-in-flight", l.MaxTasksInFlight, "most tasks of all executing jobs together; past it, RESOURCE_EXHAUSTED")
	fs.DurationVar(&l.MaxCPUInFlight, "max-cpu-in-flight", l.MaxCPUInFlight,
		"most CPU work (tasks × cpu_iterations × calibrated ns per iteration) of all executing jobs together; past it, RESOURCE_EXHAUSTED")
	fs.DurationVar(&l.MaxSchedLatency, "max-sched-latency", l.MaxSchedLatency,
		"refuse every Run at once while CPU work runs and goroutines' p99 wait for a thread over the last 50 ms is past this (0: off); past it, RESOURCE_EXHAUSTED")
	fs.Uint64Var(&l.MaxMemoryInFlight, "max-memory-in-flight", l.MaxMemoryInFlight,
		"most bytes of per-job state (transfer accounts) of all executing jobs together; past it, RESOURCE_EXHAUSTED")
	fs.DurationVar(&l.MaxJobDuration, "max-job-duration", l.MaxJobDuration,
		"longest minimum duration of a job (tasks × io_latency ÷ parallelism), and the cap on every RPC's deadline")
	fs.IntVar(&l.MaxSharedStrategies, "max-shared-strategies", l.MaxSharedStrategies, "most distinct (strategy, parallelism) pairs with SCOPE_SERVER")
	fs.IntVar(&l.MaxSharedWorkers, "max-shared-workers", l.MaxSharedWorkers, "most workers of all SCOPE_SERVER pools together")
	fs.DurationVar(&l.SharedIdle, "shared-idle", l.SharedIdle, "how long an idle SCOPE_SERVER pool worker, or an unused SCOPE_SERVER instance, is kept")
	fs.Var((*uint32Value)(&l.MaxConcurrentStreams), "max-streams", "most concurrent streams per connection")
	fs.IntVar(&l.MaxConnections, "max-connections", l.MaxConnections, "most open connections; past it, new connections are closed at once")
	fs.Var((*uint32Value)(&l.MaxHeaderListBytes), "max-header-bytes", "largest request metadata (HTTP/2 header list) accepted, in bytes")
	fs.IntVar(&l.MaxRecvBytes, "max-recv-bytes", l.MaxRecvBytes, "largest request message accepted, in bytes")
}

// uint32Value is a flag.Value for a uint32.
type uint32Value uint32

func (v *uint32Value) String() string { return strconv.FormatUint(uint64(*v), 10) }

func (v *uint32Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return fmt.Errorf("%q is not a whole number from 0 to %d", s, uint32(math.MaxUint32))
	}
	*v = uint32Value(n)
	return nil
}

// Proto returns l as the wire message reported by Info.
func (l Limits) Proto() *pb.Limits {
	return &pb.Limits{
		MaxTasks:             l.MaxTasks,
		MaxCpuIterations:     l.MaxCPUIterations,
		MaxTotalIterations:   l.MaxTotalIterations,
		MaxIoLatency:         durationpb.New(l.MaxIOLatency),
		MaxParallelism:       l.MaxParallelism,
		MaxJobsInFlight:      uint32(l.MaxJobsInFlight),
		MaxConcurrentStreams: l.MaxConcurrentStreams,
		MaxRecvBytes:         uint32(l.MaxRecvBytes),
		MaxTasksInFlight:     uint32(l.MaxTasksInFlight),
		MaxAccounts:          l.MaxAccounts,
		MaxCpuInFlight:       durationpb.New(l.MaxCPUInFlight),
		MaxMemoryInFlight:    l.MaxMemoryInFlight,
		MaxJobDuration:       durationpb.New(l.MaxJobDuration),
		MaxConnections:       uint32(l.MaxConnections),
		MaxHeaderListBytes:   l.MaxHeaderListBytes,
		MaxSharedStrategies:  uint32(l.MaxSharedStrategies),
		MaxSharedWorkers:     uint32(l.MaxSharedWorkers),
		SharedIdleTimeout:    durationpb.New(l.SharedIdle),
		MaxSchedLatency:      durationpb.New(l.MaxSchedLatency),
	}
}

// String describes the service's limits for logs.
func (l Limits) String() string {
	return fmt.Sprintf("tasks≤%d cpu_iterations≤%d total≤%d io_latency≤%v parallelism≤%d jobs≤%d tasks_in_flight≤%d "+
		"cpu_in_flight≤%v memory_in_flight≤%d job_duration≤%v connections≤%d shared_workers≤%d",
		l.MaxTasks, l.MaxCPUIterations, l.MaxTotalIterations, l.MaxIOLatency, l.MaxParallelism, l.MaxJobsInFlight, l.MaxTasksInFlight,
		l.MaxCPUInFlight, l.MaxMemoryInFlight, l.MaxJobDuration, l.MaxConnections, l.MaxSharedWorkers)
}
