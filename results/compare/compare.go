package compare

import (
	"fmt"
	"slices"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/stats"
)

// SignificanceLevel is the p-value below which Sides calls a difference
// significant: benchstat's α.
const SignificanceLevel = stats.Alpha

// Side is one side of a comparison: the rows of one result folder or CSV
// file, typically one host or one version.
type Side struct {
	Name  string // how output calls the side, such as the path given
	Rows  []record.Row
	Hosts *record.Hosts // the folder's hosts.json, or nil
}

// SideOf returns s as a Side named by its path.
func SideOf(s *record.Source) Side { return Side{Name: s.Path, Rows: s.Rows, Hosts: s.Hosts} }

// Comparison is the result of Sides.
type Comparison struct {
	A, B Side
	// AHosts and BHosts are the server hosts of each side's complete rows,
	// sorted.
	AHosts, BHosts []string
	// Cells are the cells present in both sides, in the order Summarize
	// gives A's cells.
	Cells []Cell
	// OnlyA and OnlyB are the cell keys present in one side only, sorted.
	OnlyA, OnlyB []string
}

// Cell is one cell measured on both sides.
type Cell struct {
	A, B cell.Summary
	// TasksRatio is B's median tasks/s over A's, and P99Ratio B's median p99
	// over A's; 0 when A's is 0. A TasksRatio above 1 means B is faster, a
	// P99Ratio above 1 that B's tail latency is longer.
	TasksRatio, P99Ratio float64
	// TasksP and P99P are the two-sided Mann–Whitney U p-values of the
	// per-trial tasks/s and p99 of A against B, computed by
	// golang.org/x/perf/benchmath as benchstat computes them.
	TasksP, P99P float64
	// CPUPerTaskRatio is B's median server CPU per task over A's, and
	// SchedP99Ratio B's median scheduler-latency p99 over A's: why B is
	// faster or slower. Each is 0 when either side lacks the figure (a
	// server without Stats, a schema version 1 file) or A's is 0.
	CPUPerTaskRatio, SchedP99Ratio float64
	// MinP is the smallest p-value the test can give with these trial
	// counts (stats.MinMannWhitneyP): 0.1 for 3 against 3, 0.0079 for 5
	// against 5.
	MinP float64
}

// TooFew reports whether the cell's trial counts cannot give a p-value
// below SignificanceLevel however far apart the trials are: a "~" there
// means "not enough trials", not "no difference".
func (c Cell) TooFew() bool { return c.MinP >= SignificanceLevel }

// TasksSignificant reports whether the tasks/s difference is significant:
// TasksP < SignificanceLevel.
func (c Cell) TasksSignificant() bool { return c.TasksP < SignificanceLevel }

// P99Significant reports whether the p99 difference is significant:
// P99P < SignificanceLevel.
func (c Cell) P99Significant() bool { return c.P99P < SignificanceLevel }

// Saturated reports whether a client that measured either side saturated,
// so that the cell's figures may be the client's limit, not the server's.
func (c Cell) Saturated() bool { return c.A.Saturated || c.B.Saturated }

// Backlogged reports whether either side's server fell behind an open
// loop's schedule (server_backlogged).
func (c Cell) Backlogged() bool { return c.A.Backlogged || c.B.Backlogged }

// LatencyComparable reports whether the cell's latencies may be compared:
// neither side's error rate is above cell.MaxComparableErrorRate. A side
// that fails or times out more drops those requests from its success-only
// percentiles and would look faster.
func (c Cell) LatencyComparable() bool { return c.A.LatencyComparable() && c.B.LatencyComparable() }

// Sides matches the cells of a and b on their job and load parameters
// (Row.CellKey), never on host fields, and compares each cell present in
// both: the medians, the ratios B/A and the Mann–Whitney U p-values over
// the complete trials. Incomplete rows are ignored as Summarize ignores
// them. A side holding one cell measured against two server hosts is
// ambiguous and refused with an error naming the side, the cell and the
// hosts.
func Sides(a, b Side) (*Comparison, error) {
	c := &Comparison{A: a, B: b}
	sa, hostsA, err := summarizeSide(a)
	if err != nil {
		return nil, err
	}
	sb, hostsB, err := summarizeSide(b)
	if err != nil {
		return nil, err
	}
	c.AHosts, c.BHosts = hostsA, hostsB
	byKeyB := make(map[string]cell.Summary, len(sb))
	for _, s := range sb {
		byKeyB[s.Key] = s
	}
	inA := map[string]bool{}
	for _, x := range sa {
		inA[x.Key] = true
		y, ok := byKeyB[x.Key]
		if !ok {
			c.OnlyA = append(c.OnlyA, x.Key)
			continue
		}
		cc, err := NewCell(x, y)
		if err != nil {
			return nil, err
		}
		c.Cells = append(c.Cells, cc)
	}
	for _, y := range sb {
		if !inA[y.Key] {
			c.OnlyB = append(c.OnlyB, y.Key)
		}
	}
	slices.Sort(c.OnlyA)
	slices.Sort(c.OnlyB)
	return c, nil
}

// Overall is the summary line of a comparison, as benchstat gives it: the
// geometric mean of the cells' tasks/s ratios B/A and how many cells are
// significantly faster or slower on B.
type Overall struct {
	// Geomean is the geometric mean of the TasksRatio of the Cells cells
	// whose ratio is known (A's median not 0); NaN when none is.
	Geomean float64
	Cells   int
	// Faster and Slower count the cells whose tasks/s difference is
	// significant with B above (below) A; Unchanged the rest, of which
	// TooFew could not have been significant at their trial counts.
	Faster, Slower, Unchanged, TooFew int
}

// Overall returns c's summary line.
func (c *Comparison) Overall() Overall {
	var o Overall
	ratios := make([]float64, 0, len(c.Cells))
	for _, x := range c.Cells {
		ratios = append(ratios, x.TasksRatio)
		switch {
		case x.TasksSignificant() && x.TasksRatio > 1:
			o.Faster++
		case x.TasksSignificant() && x.TasksRatio < 1:
			o.Slower++
		default:
			o.Unchanged++
			if x.TooFew() {
				o.TooFew++
			}
		}
	}
	o.Geomean, o.Cells = stats.Geomean(ratios)
	return o
}

// summarizeSide summarises s's rows, refusing a cell measured against two
// server hosts.
func summarizeSide(s Side) ([]cell.Summary, []string, error) {
	sums, err := cell.Summarize(s.Rows)
	if err != nil {
		return nil, nil, fmt.Errorf("compare %s: %w", s.Name, err)
	}
	hostOf := map[string]string{}
	var hosts []string
	for _, x := range sums {
		if h, ok := hostOf[x.Key]; ok {
			return nil, nil, fmt.Errorf("compare %s: cell %s was measured against server hosts %q and %q; compare one host per side",
				s.Name, x.Key, h, x.Host)
		}
		hostOf[x.Key] = x.Host
		if !slices.Contains(hosts, x.Host) {
			hosts = append(hosts, x.Host)
		}
	}
	slices.Sort(hosts)
	return sums, hosts, nil
}

// NewCell compares cell b with cell a: the ratios of their medians, B/A,
// and the Mann–Whitney U p-values of their complete trials' tasks/s and
// p99 (benchmath's, as benchstat computes them), and the smallest p-value
// their trial counts allow. The two need not have one key: the report compares a strategy's
// implementations with its own this way.
func NewCell(a, b cell.Summary) (Cell, error) {
	c := Cell{A: a, B: b,
		TasksRatio:      ratio(b.TasksPerS.Median, a.TasksPerS.Median),
		P99Ratio:        ratio(b.P99Ms.Median, a.P99Ms.Median),
		CPUPerTaskRatio: optionalRatio(b.Runtime.ServerCPUUsPerTask, a.Runtime.ServerCPUUsPerTask),
		SchedP99Ratio:   optionalRatio(b.Runtime.SchedLatencyP99Us, a.Runtime.SchedLatencyP99Us)}
	mt, mp := stats.Test(a.TasksTrials, b.TasksTrials), stats.Test(a.P99Trials, b.P99Trials)
	c.TasksP, c.P99P, c.MinP = mt.P, mp.P, mt.MinP
	return c, nil
}

// ratio returns b/a, or 0 when a is 0.
func ratio(b, a float64) float64 {
	if a == 0 {
		return 0
	}
	return b / a
}

// optionalRatio returns b/a, or 0 when either is absent or a is 0.
func optionalRatio(b, a record.Optional) float64 {
	if !a.Valid || !b.Valid {
		return 0
	}
	return ratio(b.Value, a.Value)
}
