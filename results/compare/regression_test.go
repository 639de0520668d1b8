package compare_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/compare"
	"github.com/stratbench/stratbench/results/internal/resultstest"
)

// side returns 5 trials of the pool/cpu cell at concurrency 8 with tasks/s
// around tasks and p99 around p99.
func side(name string, tasks, p99 float64, trials int) compare.Side {
	s := compare.Side{Name: name}
	for i := range trials {
		r := resultstest.CellRow("h", 8, i+1, tasks*(1+0.001*float64(i)))
		r.P99Ms = p99 * (1 + 0.001*float64(i))
		s.Rows = append(s.Rows, r)
	}
	return s
}

func TestRegressions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		b         compare.Side
		threshold float64
		want      []string
		tooFew    bool
	}{
		{"6% slower", side("b", 940, 2, 5), 0.05, []string{"tasks/s 6.0% worse"}, false},
		{"4% slower", side("b", 960, 2, 5), 0.05, nil, false},
		{"p99 10% longer", side("b", 1000, 2.2, 5), 0.05, []string{"p99 10.0% worse"}, false},
		{"both", side("b", 800, 3, 5), 0.05, []string{"tasks/s 20.0% worse", "p99 50.0% worse"}, false},
		{"faster", side("b", 1200, 1, 5), 0.05, nil, false},
		{"3 trials cannot be significant", side("b", 500, 2, 3), 0.05, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := side("a", 1000, 2, 5)
			if tc.tooFew {
				a = side("a", 1000, 2, 3)
			}
			c, err := compare.Sides(a, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Regressions(tc.threshold)
			if len(got) != len(tc.want) {
				t.Fatalf("regressions %v, want %v", got, tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i].String(), w) {
					t.Errorf("regression %d: %q, want %q", i, got[i], w)
				}
			}
			if few := c.TooFewTrials(); (len(few) > 0) != tc.tooFew {
				t.Errorf("too few trials: %v", few)
			}
		})
	}
}

func TestParseThreshold(t *testing.T) {
	for in, want := range map[string]float64{"5%": 0.05, "5": 0.05, "0.5%": 0.005, "0%": 0} {
		if got, err := compare.ParseThreshold(in); err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "five", "-1%", "100%", "NaN"} {
		if _, err := compare.ParseThreshold(in); err == nil || !strings.Contains(err.Error(), "--fail-on-regression") {
			t.Errorf("%q: %v, want an error naming the flag", in, err)
		}
	}
}
