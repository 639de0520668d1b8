package sweep

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/client"
)

// RatesMatrixName names the built-in latency-against-load matrix: its
// built-in form ([BuiltinMatrix]) is the knee probe, closed loop at
// concurrency 16, that [RatesMatrix] turns into open-loop rates.
const RatesMatrixName = "rates"

// Bounds of the rates series that RatesMatrix makes.
const (
	// ratesBelowKnee is how far below the lowest knee the series starts.
	ratesBelowKnee = 8
	// ratesPastKnee is how far past the highest knee the series ends.
	ratesPastKnee = 1.5
	// maxRates is the most rates in the series.
	maxRates = 12
)

// RatesMatrix measures the knee of every cell of probe (each a closed-loop
// cell whose throughput is the most its job sustains) with one trial each,
// and returns probe turned open loop at a geometric series of rates from
// the lowest knee ÷ 8 to the highest knee × 1.5, at most 12 rates, so that
// every cell's series runs past its own knee. The knees are written to
// progress, one line per cell. A trial that fails or measures no
// throughput is an error naming the cell.
func RatesMatrix(ctx context.Context, conns []grpc.ClientConnInterface, probe *Matrix, progress io.Writer) (*Matrix, error) {
	cells, err := probe.Cells()
	if err != nil {
		return nil, err
	}
	var knees []float64
	for _, c := range cells {
		t, err := client.RunTrial(ctx, conns, c, 1, nil)
		if err != nil {
			return nil, fmt.Errorf("sweep: knee of %s: %w", c.Label(), err)
		}
		k := t.Throughput()
		if !(k > 0) || t.Errors > 0 {
			return nil, fmt.Errorf("sweep: knee of %s: %d of %d requests failed, throughput %v", c.Label(), t.Errors, t.Requests, k)
		}
		fmt.Fprintf(progress, "knee of %s: %.4g req/s\n", c.Label(), k)
		knees = append(knees, k)
	}
	m := *probe
	m.Concurrency = nil
	m.Rates = geometricRates(slices.Min(knees)/ratesBelowKnee, slices.Max(knees)*ratesPastKnee, maxRates)
	if err := m.check(); err != nil {
		return nil, err
	}
	if _, err := m.Cells(); err != nil {
		return nil, err
	}
	return &m, nil
}

// geometricRates returns n rates from lo to hi in equal ratios (at least
// ratio √2 apart, so fewer when hi/lo is small), each rounded to 3
// significant digits and at most client.MaxRate.
func geometricRates(lo, hi float64, n int) []float64 {
	hi = math.Min(hi, client.MaxRate)
	lo = math.Min(lo, hi)
	steps := min(n-1, int(math.Floor(math.Log(hi/lo)/math.Log(math.Sqrt2)+1e-9)))
	if hi > lo {
		steps = max(steps, 1)
	}
	var out []float64
	for i := 0; i <= steps; i++ {
		r := lo
		if steps > 0 {
			r = lo * math.Pow(hi/lo, float64(i)/float64(steps))
		}
		r, _ = strconv.ParseFloat(strconv.FormatFloat(r, 'g', 3, 64), 64)
		if len(out) == 0 || r > out[len(out)-1] {
			out = append(out, r)
		}
	}
	return out
}
