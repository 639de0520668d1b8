package sweep

import (
	"math"
	"testing"
)

func TestGeometricRates(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
	}{{25, 3000, 12}, {100, 150, 12}, {10, 10, 12}, {1, 1e9, 12}} {
		rs := geometricRates(tc.lo, tc.hi, tc.n)
		if len(rs) == 0 || len(rs) > tc.n {
			t.Fatalf("%v: %d rates", tc, len(rs))
		}
		hi := math.Min(tc.hi, 1e7)
		if math.Abs(rs[0]/tc.lo-1) > 0.01 || math.Abs(rs[len(rs)-1]/hi-1) > 0.01 {
			t.Errorf("%v: %v does not run from lo to hi within 1%%", tc, rs)
		}
		for i := 1; i < len(rs); i++ {
			if rs[i] <= rs[i-1] || rs[i]/rs[i-1] < 1.40 && len(rs) > 2 {
				t.Errorf("%v: %v not ascending at least √2 apart", tc, rs)
			}
		}
	}
}
