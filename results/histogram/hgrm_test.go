package histogram_test

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/histogram"
)

// TestWritePercentilesGolden writes a histogram of 1, 2, …, 1000 ms and
// checks the text against its golden file and the rules of the format:
// the header, ascending values and percentiles, 1/(1−p) matching p, the
// last line at 100% with the exact maximum, and the footer figures.
func TestWritePercentilesGolden(t *testing.T) {
	h := histogram.New()
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	var b bytes.Buffer
	if err := h.WritePercentiles(&b, 5, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "percentiles.golden.hgrm", b.Bytes())

	sc := bufio.NewScanner(bytes.NewReader(b.Bytes()))
	sc.Scan()
	if f := strings.Fields(sc.Text()); strings.Join(f, " ") != "Value Percentile TotalCount 1/(1-Percentile)" {
		t.Fatalf("header %q", sc.Text())
	}
	prevV, prevP, lines := 0.0, -1.0, 0
	var last []string
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		lines++
		v, _ := strconv.ParseFloat(f[0], 64)
		p, _ := strconv.ParseFloat(f[1], 64)
		if v < prevV || p <= prevP {
			t.Errorf("line %q: value or percentile not ascending", sc.Text())
		}
		if len(f) == 4 {
			inv, _ := strconv.ParseFloat(f[3], 64)
			if want := 1 / (1 - p); inv < want*0.999-0.01 || inv > want*1.001+0.01 {
				t.Errorf("line %q: 1/(1-p) = %v, want %v", sc.Text(), inv, want)
			}
			// Each value is within the histogram's 0.78% of the exact
			// order statistic of rank ceil(p·n) (rank 1 for p = 0).
			want := max(1.0, float64(int(p*1000+0.999999)))
			if v < want*0.992 || v > want*1.008 {
				t.Errorf("line %q: value %v, want %v within 0.8%%", sc.Text(), v, want)
			}
		}
		prevV, prevP, last = v, p, f
	}
	if len(last) != 3 || last[0] != "1000.000" || last[1] != "1.000000000000" || last[2] != "1000" {
		t.Errorf("last line %q, want 1000.000 1.000000000000 1000", last)
	}
	if lines < 40 {
		t.Errorf("%d percentile lines, want the ~5 per halving up to 99.9%%", lines)
	}
	if !strings.Contains(b.String(), "#[Mean    =      500.500, StdDeviation   = ") ||
		!strings.Contains(b.String(), "#[Max     =     1000.000, Total count    =         1000]") {
		t.Errorf("footer:\n%s", b.String()[strings.Index(b.String(), "#["):])
	}
}

func TestWritePercentilesEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := histogram.New().WritePercentiles(&b, 5, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 5 {
		t.Errorf("empty histogram: %d lines, want header, blank and 3 footer lines:\n%s", n, b.String())
	}
	if err := histogram.New().WritePercentiles(&b, 0, time.Millisecond); err == nil {
		t.Error("no error for 0 ticks")
	}
}
