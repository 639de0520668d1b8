package report_test

import (
	"testing"

	"github.com/stratbench/stratbench/results/report"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		f    func(float64) string
		in   float64
		want string
	}{
		{"sig3 whole", report.Sig3, 250, "250"},
		{"sig3 decimals", report.Sig3, 12.345, "12.3"},
		{"sig3 trailing zeros", report.Sig3, 1.5, "1.5"},
		{"sig3 small", report.Sig3, 0.012345, "0.0123"},
		{"sig3 large stays whole", report.Sig3, 12345.6, "12346"},
		{"SI zero", report.FormatSI, 0, "0"},
		{"SI below a thousand", report.FormatSI, 950, "950"},
		{"SI kilo", report.FormatSI, 12345, "12.3k"},
		{"SI kilo round", report.FormatSI, 1500, "1.5k"},
		{"SI rounds up a prefix", report.FormatSI, 999960, "1M"},
		{"SI just below a thousand", report.FormatSI, 999.4, "999"},
		{"SI mega", report.FormatSI, 2.5e6, "2.5M"},
		{"SI fraction", report.FormatSI, 0.25, "0.25"},
		{"ms as µs", report.FormatMs, 0.25, "250 µs"},
		{"ms", report.FormatMs, 1.234, "1.23 ms"},
		{"ms rounding to 1", report.FormatMs, 0.9996, "1 ms"},
		{"ms as s", report.FormatMs, 1500, "1.5 s"},
		{"ms rounding to 1 s", report.FormatMs, 999.7, "1 s"},
		{"ms zero", report.FormatMs, 0, "0 ms"},
		{"percent", report.FormatPct, 0.874, "87.4%"},
		{"percent over", report.FormatPct, 1.2, "120%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f(tt.in); got != tt.want {
				t.Errorf("format(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name                     string
		client, server           float64
		wantServer, wantOverhead float64
	}{
		{"typical", 1.5, 1.2, 1.2, 0.3},
		{"server above client, by histogram error", 1.0, 1.01, 1.0, 0},
		{"no server time", 2, 0, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := report.Split(tt.client, tt.server)
			if d := s - tt.wantServer; d > 1e-12 || d < -1e-12 {
				t.Errorf("server = %v, want %v", s, tt.wantServer)
			}
			if d := o - tt.wantOverhead; d > 1e-12 || d < -1e-12 {
				t.Errorf("overhead = %v, want %v", o, tt.wantOverhead)
			}
		})
	}
}

func TestFormatParam(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.52968, "0.53"}, {0.0052, "0.0052"}, {0.001, "0.001"}, {2.09e-5, "2.1e-5"}, {2e-5, "2e-5"},
		{1e-20, "0"}, {0, "0"}, {12.34, "12"}, {1.05, "1.1"},
	}
	for _, tt := range tests {
		if got := report.FormatParam(tt.in); got != tt.want {
			t.Errorf("FormatParam(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
