package export

import (
	"encoding/json"
	"io"
)

// The Bencher measures of a cell: "throughput" is Bencher's built-in
// measure (operations/s, here tasks/s); "latency-p99" is p99 latency in
// nanoseconds, the unit of Bencher's built-in latency measure.
const (
	MeasureThroughput = "throughput"
	MeasureP99        = "latency-p99"
	// MeasureCPUPerTask is the server's CPU time per completed task, in
	// microseconds (the runtime evidence column server_cpu_us_per_task);
	// a cell has it only when its server answered Stats.
	MeasureCPUPerTask = "server-cpu-us-per-task"
)

// BMFMetric is one metric of the Bencher Metric Format: the median over
// trials and the 95% confidence interval of the mean.
type BMFMetric struct {
	Value      float64 `json:"value"`
	LowerValue float64 `json:"lower_value"`
	UpperValue float64 `json:"upper_value"`
}

// BMF returns the Bencher Metric Format document of cells: benchmark name →
// measure → metric.
func BMF(cells []Cell) map[string]map[string]BMFMetric {
	out := make(map[string]map[string]BMFMetric, len(cells))
	for _, c := range cells {
		s := c.Summary
		out[c.Name] = map[string]BMFMetric{
			MeasureThroughput: {finite(s.TasksPerS.Median), finite(s.TasksPerS.CILow), finite(s.TasksPerS.CIHigh)},
			MeasureP99:        {finite(s.P99Ms.Median * 1e6), finite(s.P99Ms.CILow * 1e6), finite(s.P99Ms.CIHigh * 1e6)},
		}
		if e, ok := CPUPerTask(c); ok {
			out[c.Name][MeasureCPUPerTask] = BMFMetric{finite(e.Median), finite(e.CILow), finite(e.CIHigh)}
		}
	}
	return out
}

// WriteBMF writes doc as JSON, benchmark names in sorted order.
func WriteBMF(w io.Writer, doc map[string]map[string]BMFMetric) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(doc)
}
