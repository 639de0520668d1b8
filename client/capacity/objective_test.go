package capacity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client/capacity"
)

func TestParseSLO(t *testing.T) {
	for _, tc := range []struct {
		in   string
		q    float64
		d    time.Duration
		name string
	}{{"p99=50ms", 0.99, 50 * time.Millisecond, "p99"}, {"p99.9=1s", 0.999, time.Second, "p99.9"}, {"p50=250us", 0.5, 250 * time.Microsecond, "p50"}} {
		o, err := capacity.ParseSLO(tc.in)
		if err != nil || o.Quantile != tc.q || o.Bound != tc.d || o.Name() != tc.name {
			t.Errorf("ParseSLO(%q) = %+v, %v", tc.in, o, err)
		}
	}
	for _, bad := range []string{"", "p99", "99=50ms", "p100=1s", "p49=1s", "pNaN=1s", "p99=0s", "p99=-1ms", "p99=fast"} {
		if _, err := capacity.ParseSLO(bad); err == nil || !strings.Contains(err.Error(), "slo") {
			t.Errorf("ParseSLO(%q): %v, want an error", bad, err)
		}
	}
}

func TestParseErrorRate(t *testing.T) {
	for in, want := range map[string]float64{"0.1%": 0.001, "0.001": 0.001, "0": 0, "100%": 1, " 5% ": 0.05} {
		if got, err := capacity.ParseErrorRate(in); err != nil || got != want {
			t.Errorf("ParseErrorRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "%", "-1%", "101%", "2", "NaN"} {
		if _, err := capacity.ParseErrorRate(bad); err == nil {
			t.Errorf("ParseErrorRate(%q): no error", bad)
		}
	}
}

func TestObjectiveString(t *testing.T) {
	o := capacity.Objective{Quantile: 0.999, Bound: 200 * time.Millisecond, MaxErrorRate: 0.001}
	if s := o.String(); s != "p99.9<=200ms errors<=0.1%" {
		t.Errorf("String = %q", s)
	}
}
