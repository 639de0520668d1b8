package report_test

import (
	"math"
	"slices"
	"testing"

	"github.com/stratbench/stratbench/results/report"
)

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		n      int
		want   []float64
	}{
		{"unit", 0, 1, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{"round up past the top", 0, 9300, 6, []float64{0, 2000, 4000, 6000, 8000, 10000}},
		{"thousands", 0, 47000, 6, []float64{0, 10000, 20000, 30000, 40000, 50000}},
		{"tenths exact", 0, 0.3, 4, []float64{0, 0.1, 0.2, 0.3}},
		{"offset start", 3, 17, 5, []float64{0, 5, 10, 15, 20}},
		{"negative", -7, 7, 5, []float64{-10, -5, 0, 5, 10}},
		{"small span", 1.02, 1.08, 4, []float64{1.02, 1.04, 1.06, 1.08}},
		{"step of two", 0, 12, 6, []float64{0, 2, 4, 6, 8, 10, 12}},
		{"equal ends", 5, 5, 6, []float64{5}},
		{"too few", 0, 1, 1, nil},
		{"reversed", 2, 1, 5, nil},
		{"not finite", 0, math.Inf(1), 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := report.NiceTicks(tt.lo, tt.hi, tt.n)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NiceTicks(%v, %v, %d) = %v, want %v", tt.lo, tt.hi, tt.n, got, tt.want)
			}
			if len(got) > 1 && (got[0] > tt.lo || got[len(got)-1] < tt.hi) {
				t.Errorf("ticks %v do not cover [%v, %v]", got, tt.lo, tt.hi)
			}
		})
	}
}

func TestLog2Ticks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		max    int
		want   []float64
	}{
		{"concurrency 1 to 32", 1, 32, 10, []float64{1, 2, 4, 8, 16, 32}},
		{"between powers", 3, 20, 10, []float64{2, 4, 8, 16, 32}},
		{"below one", 0.25, 2, 10, []float64{0.25, 0.5, 1, 2}},
		{"thinned", 1, 1024, 6, []float64{1, 4, 16, 64, 256, 1024}},
		{"thinned short of the top", 1, 512, 5, []float64{1, 4, 16, 64, 256}},
		{"one level", 8, 8, 10, []float64{8}},
		{"zero", 0, 8, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := report.Log2Ticks(tt.lo, tt.hi, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Log2Ticks(%v, %v, %d) = %v, want %v", tt.lo, tt.hi, tt.max, got, tt.want)
			}
		})
	}
}

func TestLog10Ticks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		want   []float64
	}{
		{"one decade with 2 and 5", 1.3, 8, []float64{1, 2, 5, 10}},
		{"milliseconds", 0.12, 35, []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50}},
		{"trimmed at both ends", 23, 190, []float64{20, 50, 100, 200}},
		{"exact power", 10, 10, []float64{10, 20}},
		{"exact ends", 2, 50, []float64{2, 5, 10, 20, 50}},
		{"many decades, powers only", 0.0012, 99, []float64{0.001, 0.01, 0.1, 1, 10, 100}},
		{"not positive", 0, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := report.Log10Ticks(tt.lo, tt.hi)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Log10Ticks(%v, %v) = %v, want %v", tt.lo, tt.hi, got, tt.want)
			}
		})
	}
}

func TestScalePos(t *testing.T) {
	tests := []struct {
		name                string
		log                 bool
		lo, hi, from, to, v float64
		want                float64
	}{
		{"linear start", false, 0, 100, 50, 550, 0, 50},
		{"linear middle", false, 0, 100, 50, 550, 25, 175},
		{"linear inverted (y axis)", false, 0, 10, 400, 0, 10, 0},
		{"linear beyond the domain", false, 0, 10, 0, 100, 20, 200},
		{"log2 1..32: 4 is 2 of 5 doublings", true, 1, 32, 0, 500, 4, 200},
		{"log2 1..32: 32 at the end", true, 1, 32, 0, 500, 32, 500},
		{"log equal ratios, equal steps", true, 0.1, 1000, 0, 400, 10, 200},
		{"log of 0 sits at the low end", true, 1, 32, 10, 500, 0, 10},
		{"empty domain centres", false, 3, 3, 0, 100, 3, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := report.ScalePos(tt.log, tt.lo, tt.hi, tt.from, tt.to, tt.v)
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("pos(%v) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
}

func TestPolyline(t *testing.T) {
	got := report.Polyline([][2]float64{{1, 2}, {3.14159, 4}, {5, 6.005}})
	if want := "M1 2L3.14 4L5 6.01"; got != want {
		t.Errorf("Polyline = %q, want %q", got, want)
	}
}
