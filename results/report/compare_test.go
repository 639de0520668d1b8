package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/results/internal/resultstest"
	"github.com/stratbench/stratbench/results/report"
)

func TestCompareHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteComparison(&buf, resultstest.GoldenComparison(t)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "compare.golden.html", buf.Bytes())
}

// TestCompareHTMLSelfContained checks that compare.html fetches nothing and
// escapes what the results hold.
func TestCompareHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteComparison(&buf, resultstest.GoldenComparison(t)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"http://", "https://", "<script", "src=", "<link", "@import", "url(", "<fast>"} {
		if strings.Contains(page, bad) {
			t.Errorf("compare.html contains %q", bad)
		}
	}
	for _, want := range []string{"CPU A &lt;fast&gt;", "big-box", "saturated", `class="differs"`, "2.000×"} {
		if !strings.Contains(page, want) {
			t.Errorf("compare.html lacks %q", want)
		}
	}
}
