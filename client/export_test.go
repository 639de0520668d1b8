package client

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// RecordAllocs returns the average allocations of one record of a
// successful response carrying every shared-state figure, into the
// recorder of a transfer trial's worker: the per-RPC hot path.
func RecordAllocs() float64 {
	job := &pb.RunRequest{Workload: pb.Workload_WORKLOAD_TRANSFER}
	r := newRecorders(job, 1, maxRecorders, nil).get(0)
	resp := &pb.RunResponse{TasksCompleted: 16, ServerTime: durationpb.New(time.Millisecond),
		QueueTime: durationpb.New(time.Microsecond), LostUpdates: 3, LockRetries: 2, InvariantOk: false}
	return testing.AllocsPerRun(1000, func() { r.record(0, 0, 2*time.Millisecond, resp, nil) })
}

// UseTimerSleep makes the pacer finish its waits with time.Sleep instead of
// nanosleep until t ends, so that it runs on a testing/synctest bubble's
// fake clock. Tests that call it must not run in parallel.
func UseTimerSleep(t testing.TB) {
	old := sleepPrecisely
	sleepPrecisely = time.Sleep
	t.Cleanup(func() { sleepPrecisely = old })
}
