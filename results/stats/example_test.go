package stats_test

import (
	"fmt"

	"github.com/stratbench/stratbench/results/stats"
)

func ExampleNewEstimate() {
	throughput := []float64{9800, 10100, 10050, 9950, 10100}
	e, err := stats.NewEstimate(throughput)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean %.0f, 95%% CI [%.0f, %.0f], median %.0f, n %d\n", e.Mean, e.CILow, e.CIHigh, e.Median, e.N)
	// Output: mean 10000, 95% CI [9842, 10158], median 10050, n 5
}
