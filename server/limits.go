package server

import (
	"flag"
	"fmt"
	"math"
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
	// that memory stays bounded whatever mix of jobs arrives.
	MaxTasksInFlight int
	// MaxSharedStrategies bounds the distinct (strategy, parallelism)
	// instances that SCOPE_SERVER jobs can create.
	MaxSharedStrategies  int
	MaxConcurrentStreams uint32 // per HTTP/2 connection
	MaxRecvBytes         int    // largest request message accepted
}

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
		MaxTasksInFlight:     1_000_000,
		MaxSharedStrategies:  64,
		MaxConcurrentStreams: 1024,
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
	fs.IntVar(&l.MaxSharedStrategies, "max-shared-strategies", l.MaxSharedStrategies, "most distinct (strategy, parallelism) pairs with SCOPE_SERVER")
	fs.Var((*uint32Value)(&l.MaxConcurrentStreams), "max-streams", "most concurrent streams per connection")
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
	}
}
