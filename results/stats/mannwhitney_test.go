package stats_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/results/stats"
)

// bigSamples are two samples too large, with ties, for the exact test.
func bigSamples() (a, b []float64) {
	a, b = make([]float64, 60), make([]float64, 70)
	for i := range a {
		a[i] = float64(i%17) + 0.5*float64(i%3)
	}
	for i := range b {
		b[i] = float64(i%19) + 1.25
	}
	return a, b
}

// seq returns from, from+1, ..., n values.
func seq(from float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = from + float64(i)
	}
	return s
}

// TestMannWhitneyUKnown checks U and the two-sided p-value against values
// computed by github.com/aclements/go-moremath/stats.MannWhitneyUTest,
// which benchstat uses, with LocationDiffers. The first two are also the
// textbook exact values 2/C(6,3) and 2/C(10,5), as R's wilcox.test gives.
//
// The exact cases with ties are the exception: there the null distribution
// is not symmetric, and go-moremath's p (twice the lower tail of the smaller
// U) is 0.112554 and 0.206349, or even 0 for {4,3,3} vs {1,2}; MannWhitneyU
// takes the mass of every U at least as far from the centre, which is what
// enumerating the splits gives (see bruteForceP; checked there too).
func TestMannWhitneyUKnown(t *testing.T) {
	bigA, bigB := bigSamples()
	tests := []struct {
		name  string
		a, b  []float64
		u, p  float64
		exact bool
	}{
		{"3 vs 3 apart", []float64{1, 2, 3}, []float64{4, 5, 6}, 0, 0.1, true},
		{"5 vs 5 apart", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 0, 0.00793650793650794, true},
		{"interleaved", []float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}, 10, 0.690476190476191, true},
		{"6 vs 7 overlap", []float64{10, 11, 12, 13, 14, 15}, []float64{12.5, 13.5, 16, 17, 18, 19, 20}, 5, 0.0221445221445221, true},
		{"ties", []float64{1, 2, 2, 3, 3, 3}, []float64{2, 3, 4, 4, 5}, 5.5, 25.0 / 231, true},
		{"heavy ties", []float64{5, 5, 5, 6}, []float64{5, 6, 6, 7, 7}, 3.5, 1.0 / 7, true},
		{"centre", []float64{1, 1, 2}, []float64{1, 2, 2}, 3, 1, true},
		{"50 vs 50 exact", seq(1, 50), seq(1.5, 50), 1225, 0.86647175239841, true},
		{"50 vs 50 exact apart", seq(1, 50), seq(5.5, 50), 1035, 0.139705808254352, true},
		{"20 vs 45 exact", seq(1, 20), seq(10.5, 45), 55, 1.86924560313047e-10, true},
		{"30 vs 51 normal approximation", seq(1, 30), seq(2.5, 51), 406, 0.000454685137145766, false},
		{"normal approximation with ties", bigA, bigB, 1689, 0.0551611065745081, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := stats.MannWhitneyU(tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if r.U != tt.u || math.Abs(r.P-tt.p) > 1e-9*tt.p || r.Exact != tt.exact {
				t.Errorf("U %v p %.15g exact %v, want U %v p %.15g exact %v", r.U, r.P, r.Exact, tt.u, tt.p, tt.exact)
			}
			if r.N1 != len(tt.a) || r.N2 != len(tt.b) {
				t.Errorf("N1, N2 = %d, %d", r.N1, r.N2)
			}
		})
	}
}

// TestMannWhitneyUBruteForce checks the exact p-value against enumerating
// every assignment of the pooled values to the two samples, on small random
// samples with many ties.
func TestMannWhitneyUBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 60 {
		n1, n2 := 1+rng.IntN(6), 1+rng.IntN(6)
		a, b := make([]float64, n1), make([]float64, n2)
		for i := range a {
			a[i] = float64(rng.IntN(5))
		}
		for i := range b {
			b[i] = float64(rng.IntN(5) + rng.IntN(2))
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			r, err := stats.MannWhitneyU(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteForceP(a, b); math.Abs(r.P-want) > 1e-12 {
				t.Errorf("%v vs %v: p %v, want %v", a, b, r.P, want)
			}
		})
	}
}

// bruteForceP returns the two-sided exact p-value by enumeration: the share
// of the C(n1+n2, n1) splits of the pooled values whose U is at least as far
// from n1·n2/2 as the observed one.
func bruteForceP(a, b []float64) float64 {
	pool := append(append([]float64(nil), a...), b...)
	n, n1 := len(pool), len(a)
	u := func(x, y []float64) float64 {
		var s float64
		for _, v := range x {
			for _, w := range y {
				switch {
				case v > w:
					s++
				case v == w:
					s += 0.5
				}
			}
		}
		return s
	}
	centre := float64(n1*len(b)) / 2
	obs := math.Abs(u(a, b) - centre)
	var hit, all float64
	for mask := 0; mask < 1<<n; mask++ {
		var x, y []float64
		for i := range n {
			if mask&(1<<i) != 0 {
				x = append(x, pool[i])
			} else {
				y = append(y, pool[i])
			}
		}
		if len(x) != n1 {
			continue
		}
		all++
		if math.Abs(u(x, y)-centre) >= obs-1e-9 {
			hit++
		}
	}
	return hit / all
}

func TestMannWhitneyUEdges(t *testing.T) {
	if r, err := stats.MannWhitneyU([]float64{3, 3}, []float64{3, 3, 3}); err != nil || r.P != 1 {
		t.Errorf("all equal: %+v, %v; want p 1", r, err)
	}
	for _, tt := range []struct {
		a, b []float64
		want string
	}{
		{nil, []float64{1}, "samples of 0 and 1"},
		{[]float64{1, math.NaN()}, []float64{1}, "first sample value 1 is NaN"},
		{[]float64{1}, []float64{math.NaN()}, "second sample value 0 is NaN"},
	} {
		if _, err := stats.MannWhitneyU(tt.a, tt.b); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("MannWhitneyU(%v, %v) error %v, want %q", tt.a, tt.b, err, tt.want)
		}
	}
}

func BenchmarkMannWhitneyUExactLimit(b *testing.B) {
	x, y := seq(1, 50), seq(1.5, 50)
	for b.Loop() {
		if _, err := stats.MannWhitneyU(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleMannWhitneyU() {
	before := []float64{101, 99, 100, 102, 98}
	after := []float64{110, 111, 109, 112, 108}
	r, _ := stats.MannWhitneyU(before, after)
	fmt.Printf("U=%v p=%.4f exact=%v significant=%v\n", r.U, r.P, r.Exact, r.P < 0.05)
	// Output: U=0 p=0.0079 exact=true significant=true
}

func BenchmarkMannWhitneyUTiesLimit(b *testing.B) {
	x, y := make([]float64, 25), make([]float64, 25)
	for i := range x {
		x[i], y[i] = float64(i/2), float64(i/3)
	}
	for b.Loop() {
		if _, err := stats.MannWhitneyU(x, y); err != nil {
			b.Fatal(err)
		}
	}
}
