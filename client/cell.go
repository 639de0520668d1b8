package client

import (
	"strconv"

	"github.com/stratbench/stratbench/internal/vocab/word"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/record"
)

// Cell is one point of a sweep: a job and the load that drives it. Job is
// sent as is by every RPC of the cell's trials and must not be changed while
// a trial runs.
type Cell struct {
	Job  *pb.RunRequest
	Load Load
}

// Key returns a string identifying the cell, equal to record.Row.CellKey
// of every row made from its trials by [Trial.Row].
func (c Cell) Key() string {
	var r record.Row
	c.fillRow(&r)
	return r.CellKey()
}

// fillRow sets the job and load columns of r.
func (c Cell) fillRow(r *record.Row) {
	j, l := c.Job, c.Load
	r.Strategy = StrategyName(j.GetStrategy())
	r.Workload = WorkloadName(j.GetWorkload())
	r.Scope = ScopeName(j.GetScope())
	r.Tasks = int(j.GetTasks())
	r.Parallelism = int(j.GetParallelism())
	r.CPUIterations = j.GetCpuIterations()
	r.IOLatencyMs = ms(j.GetIoLatency().AsDuration())
	r.Sync = SyncName(j.GetSync())
	r.LockOrder = LockOrderName(j.GetLockOrder())
	r.Accounts = int(j.GetAccounts())
	r.Mode = l.Mode.String()
	switch l.Mode {
	case Closed:
		r.Concurrency = l.Concurrency
	case Open:
		r.Concurrency = l.MaxInFlight
		r.TargetRPS = l.Rate
	}
	r.Connections = l.Connections
	r.WarmupS = l.Warmup.Seconds()
	r.DurationS = l.Duration.Seconds()
}

// Label returns a short human name of c, such as "pool/cpu c=8",
// "pool/counter/none c=8" or "serial/io/server r=50": strategy/workload,
// the sync mode of a counter cell or the lock order and accounts of a
// transfer cell, "/server" for the server scope, and the load level (c=
// closed-loop concurrency, r= open-loop rate). Other axes are not in it.
func (c Cell) Label() string {
	return c.label("/", " r=", " c=", 'g')
}

// FileLabel is Label for file names, such as "pool-cpu-c8" or
// "pool-transfer-try-8-server-r50".
func (c Cell) FileLabel() string {
	return c.label("-", "-r", "-c", 'f')
}

func (c Cell) label(sep, rate, conc string, rateFormat byte) string {
	s := StrategyName(c.Job.GetStrategy()) + sep + WorkloadName(c.Job.GetWorkload())
	if v := sharedName(c.Job); v != "" {
		s += sep + v
	}
	if c.Job.GetScope() == pb.Scope_SCOPE_SERVER {
		s += sep + word.ScopeServer
	}
	if c.Load.Mode == Open {
		return s + rate + strconv.FormatFloat(c.Load.Rate, rateFormat, -1, 64)
	}
	return s + conc + strconv.Itoa(c.Load.Concurrency)
}

// sharedName names the shared-state parameters of job for labels: its
// sync mode ("none"), or its lock order and accounts ("try-8"), or "".
func sharedName(job *pb.RunRequest) string {
	if s := SyncName(job.GetSync()); s != "" {
		return s
	}
	if o := LockOrderName(job.GetLockOrder()); o != "" {
		return o + "-" + strconv.FormatUint(uint64(job.GetAccounts()), 10)
	}
	return ""
}
