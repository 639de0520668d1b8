package client

import (
	"fmt"
	"io"
	"text/tabwriter"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// sharedMembers returns what t's jobs showed of their shared state, under
// the JSON summary's keys: for a counter cell lost_updates, lost_per_job
// and lost_pct (per job figures are over the successful jobs; the
// percentage is of the increments those jobs were asked to make, tasks ×
// cpu_iterations each, 0 when none succeeded); for a transfer cell
// invariant_ok, invariant_broken and lock_retries; nothing for other cells.
func sharedMembers(t *Trial) object {
	switch t.Cell.Job.GetWorkload() {
	case pb.Workload_WORKLOAD_COUNTER:
		perJob, pct := lostShare(t)
		return object{{"lost_updates", t.LostUpdates}, {"lost_per_job", perJob}, {"lost_pct", pct}}
	case pb.Workload_WORKLOAD_TRANSFER:
		return object{{"invariant_ok", t.InvariantBroken == 0}, {"invariant_broken", t.InvariantBroken},
			{"lock_retries", t.LockRetries}}
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
