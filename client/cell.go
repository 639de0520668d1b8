package client

import (
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results"
)

// Cell is one point of a sweep: a job and the load that drives it. Job is
// sent as is by every RPC of the cell's trials and must not be changed while
// a trial runs.
type Cell struct {
	Job  *pb.RunRequest
	Load Load
}

// Key returns a string identifying the cell, equal to results.Row.CellKey
// of every row made from its trials by [Trial.Row].
func (c Cell) Key() string {
	var r results.Row
	c.fillRow(&r)
	return r.CellKey()
}

// fillRow sets the job and load columns of r.
func (c Cell) fillRow(r *results.Row) {
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
