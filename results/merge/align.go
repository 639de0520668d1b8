package merge

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stratbench/stratbench/results/record"
)

// DefaultWindowTolerance is how far apart the measured windows of one
// trial may start across load clients for Align to keep it: the lock-step
// tolerance of 100 ms twice over (each client may start up to 100 ms into
// its slot) plus 50 ms for the difference between the hosts' clocks.
const DefaultWindowTolerance = 250 * time.Millisecond

// Excluded is a trial of a cell that Align left out of a merge, and why.
type Excluded struct {
	Cell   string // Row.CellKey
	Trial  int
	Reason string
}

func (e Excluded) String() string {
	return fmt.Sprintf("cell %s trial %d: %s", e.Cell, e.Trial, e.Reason)
}

// Align returns copies of srcs holding only the trials that Clients can
// merge honestly, and the trials it left out:
//   - a trial that some sources lack is left out when every source that
//     lacks it recorded skipping it in its schedule.json (it reached the
//     slot late); when a source lacks it without such a record, Align
//     leaves the trial in, so that Clients refuses the inputs as runs of
//     different cells;
//   - a trial whose measured windows (started_at) start more than tol
//     apart across the sources is left out: the clients did not load the
//     server at the same time, so the sum of their throughputs would not be
//     a throughput the server sustained. tol ≤ 0 turns this check off.
//
// Sources with schedules must share one (start and slot): otherwise their
// slots are different instants and Align returns an error.
func Align(srcs []*record.Source, tol time.Duration) ([]*record.Source, []Excluded, error) {
	var first *record.Source
	for _, s := range srcs {
		if s.Schedule == nil {
			continue
		}
		if first == nil {
			first = s
			continue
		}
		if !s.Schedule.StartAt.Equal(first.Schedule.StartAt) || s.Schedule.SlotS != first.Schedule.SlotS {
			return nil, nil, fmt.Errorf("merge: %s was scheduled from %s in slots of %vs, %s from %s in slots of %vs: not one lock-step run",
				first.Path, first.Schedule.StartAt.Format(time.RFC3339Nano), first.Schedule.SlotS,
				s.Path, s.Schedule.StartAt.Format(time.RFC3339Nano), s.Schedule.SlotS)
		}
	}
	type pair struct {
		cell  string
		trial int
	}
	// starts[p][i] is source i's started_at of p; has[p][i] whether it has p.
	starts := map[pair][]time.Time{}
	has := map[pair][]bool{}
	var order []pair
	for i, s := range srcs {
		for _, r := range s.Rows {
			p := pair{r.CellKey(), r.Trial}
			if has[p] == nil {
				has[p], starts[p] = make([]bool, len(srcs)), make([]time.Time, len(srcs))
				order = append(order, p)
			}
			has[p][i] = true
			if r.Complete || starts[p][i].IsZero() {
				starts[p][i] = r.StartedAt
			}
		}
	}
	drop := map[pair]string{}
	for _, p := range order {
		var reasons []string
		explained := true
		for i, ok := range has[p] {
			if ok {
				continue
			}
			sch := srcs[i].Schedule
			if sch == nil {
				explained = false
				break
			}
			k, skipped := sch.SkippedTrial(p.cell, p.trial)
			if !skipped {
				explained = false
				break
			}
			reasons = append(reasons, fmt.Sprintf("%s skipped it (reached slot %d %.3fs late)", srcs[i].Path, k.Slot, k.LateByS))
		}
		if !explained {
			continue // Clients names the missing trial
		}
		if len(reasons) > 0 {
			drop[p] = strings.Join(reasons, "; ")
			continue
		}
		if tol <= 0 {
			continue
		}
		lo, hi := -1, -1
		for i, t := range starts[p] {
			if t.IsZero() {
				continue
			}
			if lo < 0 || t.Before(starts[p][lo]) {
				lo = i
			}
			if hi < 0 || t.After(starts[p][hi]) {
				hi = i
			}
		}
		if lo >= 0 {
			if d := starts[p][hi].Sub(starts[p][lo]); d > tol {
				drop[p] = fmt.Sprintf("measured windows start %v apart (%s at %s, %s at %s), more than the tolerance of %v",
					d.Round(time.Millisecond), srcs[lo].Path, starts[p][lo].Format("15:04:05.000"),
					srcs[hi].Path, starts[p][hi].Format("15:04:05.000"), tol)
			}
		}
	}
	var excluded []Excluded
	for _, p := range order {
		if r, ok := drop[p]; ok {
			excluded = append(excluded, Excluded{Cell: p.cell, Trial: p.trial, Reason: r})
		}
	}
	if len(drop) == 0 {
		return srcs, nil, nil
	}
	out := make([]*record.Source, len(srcs))
	for i, s := range srcs {
		c := *s
		c.Rows = slices.DeleteFunc(slices.Clone(s.Rows), func(r record.Row) bool {
			_, gone := drop[pair{r.CellKey(), r.Trial}]
			return gone
		})
		out[i] = &c
	}
	return out, excluded, nil
}
