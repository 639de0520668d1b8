package histogram_test

import (
	"fmt"
	"time"

	"github.com/stratbench/stratbench/results/histogram"
)

func ExampleHistogram() {
	h := histogram.New()
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	fmt.Println(h.Count(), h.Min(), h.Max(), h.Mean())
	// Quantiles are within 0.78% of the exact values, 500µs and 990µs.
	fmt.Println("p50 ≈", h.Quantile(0.5).Round(time.Microsecond))
	fmt.Println("p99 ≈", h.Quantile(0.99).Round(time.Microsecond))
	// Output:
	// 1000 1µs 1ms 500.5µs
	// p50 ≈ 502µs
	// p99 ≈ 987µs
}

func ExampleHistogram_Merge() {
	// One histogram per worker, merged exactly at the end.
	workers := []*histogram.Histogram{histogram.New(), histogram.New()}
	workers[0].Record(2 * time.Millisecond)
	workers[1].RecordN(4*time.Millisecond, 3)
	total := histogram.New()
	for _, w := range workers {
		total.Merge(w)
	}
	fmt.Println(total.Count(), total.Mean())
	// Output: 4 3.5ms
}
