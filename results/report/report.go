package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/results/cell"
)

// File names that Write creates.
const (
	HTMLFile    = "report.html"
	SummaryFile = "summary.csv"
)

// Report is what one report shows: the cells of one or more sweeps,
// summarized over their trials, and the hosts that measured them.
type Report struct {
	// Cells are the cells to show, one per (host, cell key), as
	// cell.Summarize returns them.
	Cells []cell.Summary
	// Hosts are the fingerprints of the servers and clients, from each
	// sweep's hosts.json (ReadHosts) or its CSV (HostsFromRows).
	Hosts []Host
	// From and To are when the first trial started and the last one; zero
	// when unknown.
	From, To time.Time
	// Sources name the inputs, as the user gave them.
	Sources []string
}

//go:embed report.html.tmpl
var pageText string

// pageTemplate is the page; html/template escapes every value that is not
// already template.HTML, and only the SVG builder makes those.
var pageTemplate = template.Must(template.New("report").Parse(pageText))

// WriteHTML writes r as one self-contained HTML page. It fails only if w
// does, or if r has no cells.
func (r Report) WriteHTML(w io.Writer) error {
	if len(r.Cells) == 0 {
		return fmt.Errorf("report: no cells to show")
	}
	if err := pageTemplate.Execute(w, r.page()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Write writes r's report.html and summary.csv into dir, each replaced
// atomically, so that a reader sees the old file or the whole new one,
// never part of one. It returns the path of report.html.
func Write(dir string, r Report) (string, error) {
	var page, sum bytes.Buffer
	if err := r.WriteHTML(&page); err != nil {
		return "", err
	}
	if err := WriteSummaryCSV(&sum, r.Cells); err != nil {
		return "", err
	}
	htmlPath := filepath.Join(dir, HTMLFile)
	if err := atomicfile.WriteFile(filepath.Join(dir, SummaryFile), sum.Bytes()); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	if err := atomicfile.WriteFile(htmlPath, page.Bytes()); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return htmlPath, nil
}

// hostNames returns the distinct host names of role in r, joined.
func (r Report) hostNames(role string) string {
	var names []string
	for _, h := range r.Hosts {
		if n, _ := lookup(h.Fields, "hostname"); h.Role == role && n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if role == "server" {
		for _, c := range r.Cells {
			if c.Host != "" && !slices.Contains(names, c.Host) {
				names = append(names, c.Host)
			}
		}
	}
	return strings.Join(names, ", ")
}

// when describes the measurement period: "2025-01-02 03:04 – 05:06 UTC".
func (r Report) when() string {
	if r.From.IsZero() {
		return ""
	}
	from, to := r.From.UTC(), r.To.UTC()
	const day, clock = "2006-01-02", "15:04"
	switch {
	case to.IsZero() || to.Equal(from):
		return from.Format(day+" "+clock) + " UTC"
	case to.Format(day) == from.Format(day):
		return from.Format(day+" "+clock) + " – " + to.Format(clock) + " UTC"
	default:
		return from.Format(day+" "+clock) + " – " + to.Format(day+" "+clock) + " UTC"
	}
}
