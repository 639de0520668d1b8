package client

import (
	"fmt"
	"io"
	"text/tabwriter"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// sharedSummary is what one trial of a counter or transfer cell showed of
// its jobs' shared state, in the JSON summary. Fields of the other
// workload are nil and left out.
type sharedSummary struct {
	LostUpdates     *uint64  `json:"lost_updates,omitempty"`
	LostPerJob      *float64 `json:"lost_per_job,omitempty"`
	LostPct         *float64 `json:"lost_pct,omitempty"`
	InvariantOK     *bool    `json:"invariant_ok,omitempty"`
	InvariantBroken *uint64  `json:"invariant_broken,omitempty"`
	LockRetries     *uint64  `json:"lock_retries,omitempty"`
}

// sharedOf returns t's shared-state summary, or nil unless t's cell is a
// counter or transfer cell. Per job figures are over the successful jobs;
// the percentage is of the increments those jobs were asked to make
// (tasks × cpu_iterations each), 0 when none succeeded.
func sharedOf(t *Trial) *sharedSummary {
	switch t.Cell.Job.GetWorkload() {
	case pb.Workload_WORKLOAD_COUNTER:
		lost := t.LostUpdates
		perJob, pct := lostShare(t)
		return &sharedSummary{LostUpdates: &lost, LostPerJob: &perJob, LostPct: &pct}
	case pb.Workload_WORKLOAD_TRANSFER:
		ok, broken, retries := t.InvariantBroken == 0, t.InvariantBroken, t.LockRetries
		return &sharedSummary{InvariantOK: &ok, InvariantBroken: &broken, LockRetries: &retries}
	}
	return nil
}

// lostShare returns t's lost updates per successful job and as a
// percentage of the increments those jobs were asked to make.
func lostShare(t *Trial) (perJob, pct float64) {
	jobs := t.Successes()
	if jobs == 0 {
		return 0, 0
	}
	perJob = float64(t.LostUpdates) / float64(jobs)
	if asked := float64(t.Cell.Job.GetTasks()) * float64(t.Cell.Job.GetCpuIterations()); asked > 0 {
		pct = 100 * perJob / asked
	}
	return perJob, pct
}

// writeSharedTable writes, for a counter or transfer cell, a table of what
// its trials' jobs showed of their shared state: for counter, the lost
// updates (increments made but not seen in the counter), per successful
// job and as a percentage of the increments asked for; for transfer,
// whether the accounts' total held in every job and the failed try-locks.
// It writes nothing for other cells.
func writeSharedTable(w io.Writer, trials []*Trial) error {
	var header string
	switch trials[0].Cell.Job.GetWorkload() {
	case pb.Workload_WORKLOAD_COUNTER:
		header = "trial\tjobs\tlost updates\tlost/job\tlost %\t\n"
	case pb.Workload_WORKLOAD_TRANSFER:
		header = "trial\tjobs\tinvariant\tlock retries\tretries/job\t\n"
	default:
		return nil
	}
	fmt.Fprint(w, "\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, header)
	for _, t := range trials {
		jobs := t.Successes()
		if t.Cell.Job.GetWorkload() == pb.Workload_WORKLOAD_COUNTER {
			perJob, pct := lostShare(t)
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s%%\t\n", t.Index, jobs, t.LostUpdates, num(perJob), num(pct))
			continue
		}
		held := "held"
		if t.InvariantBroken > 0 {
			held = fmt.Sprintf("BROKEN in %d of %d jobs", t.InvariantBroken, jobs)
		}
		perJob := 0.0
		if jobs > 0 {
			perJob = float64(t.LockRetries) / float64(jobs)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%s\t\n", t.Index, jobs, held, t.LockRetries, num(perJob))
	}
	return tw.Flush()
}
