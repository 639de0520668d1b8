package sweep

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// Progress is what a sweep's progress display shows at one moment:
// on a terminal as one line redrawn in place ([Progress.TerminalLine]),
// elsewhere as one line per finished trial ([Progress.PlainLine]).
// Rendering is a pure function of these fields.
type Progress struct {
	// Done is the number of trials finished, including those a resumed
	// sweep found complete; Total is the number planned.
	Done, Total int
	// Label names the current (or just finished) trial, such as
	// "pool/cpu c=8 t=2/3"; see [PlannedTrial.Label].
	Label string
	// Throughput (successful RPCs per second) and P99 (latency of
	// successful RPCs) of the trial, live or final; both zero means not
	// measured yet.
	Throughput float64
	P99        time.Duration
	// Errors is the number of RPCs of the trial that ended in an error.
	Errors uint64
	// ETA is the time the sweep is expected to take still.
	ETA time.Duration
	// Note flags the trial, such as "incomplete" or "CLIENT SATURATED";
	// empty when there is nothing to say.
	Note string
}

// barWidth is the number of cells of the terminal progress bar.
const barWidth = 20

// TerminalLine renders p for a terminal width columns wide (80 when width
// is not positive): a carriage return, the line cut to width-1 columns so
// that it never wraps, and the clear-to-end-of-line escape "\x1b[K". It
// never ends in a newline, so the next TerminalLine overwrites it.
func (p Progress) TerminalLine(width int) string {
	if width <= 0 {
		width = 80
	}
	filled := 0
	if p.Total > 0 {
		filled = min(barWidth, barWidth*p.Done/p.Total)
	}
	var b strings.Builder
	b.WriteByte('[')
	b.WriteString(strings.Repeat("=", filled))
	b.WriteString(strings.Repeat(" ", barWidth-filled))
	fmt.Fprintf(&b, "] %d/%d %s  %s", p.Done, p.Total, p.Label, p.figures())
	if p.Note != "" {
		b.WriteString("  " + p.Note)
	}
	b.WriteString("  ETA " + formatETA(p.ETA))
	return "\r" + truncate(b.String(), width-1) + "\x1b[K"
}

// PlainLine renders p as one line ending in a newline, for a log or a
// pipe: the trial's position, its label, its figures and its note.
func (p Progress) PlainLine() string {
	digits := len(strconv.Itoa(p.Total))
	s := fmt.Sprintf("[%*d/%d] %s  %s", digits, p.Done, p.Total, p.Label, p.figures())
	if p.Errors > 0 {
		s += fmt.Sprintf("  errors %d", p.Errors)
	}
	if p.Note != "" {
		s += "  " + p.Note
	}
	return s + "\n"
}

// figures renders the throughput and p99, or dashes before they exist.
func (p Progress) figures() string {
	if p.Throughput == 0 && p.P99 == 0 {
		return "-- rps  p99 --"
	}
	return formatRate(p.Throughput) + " rps  p99 " + formatLatency(p.P99)
}

// formatRate renders a rate with at least three significant digits and no
// exponent.
func formatRate(r float64) string {
	if r >= 100 {
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// formatLatency renders d in milliseconds with three significant digits,
// in microseconds below 1 ms, and as a Go duration from 10 s on.
func formatLatency(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < time.Millisecond:
		return strconv.FormatInt(d.Microseconds(), 10) + "µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case d < 100*time.Millisecond:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	}
	return d.Round(100 * time.Millisecond).String()
}

// formatETA renders d rounded to the second, never negative.
func formatETA(d time.Duration) string {
	return max(d, 0).Round(time.Second).String()
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// IsTerminal reports whether w is a terminal (golang.org/x/term: not any
// character device, so /dev/null is not one), the test [Run] uses to choose
// between a redrawn line and plain lines. Only an *os.File can be one.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// TerminalWidth returns the COLUMNS environment variable when it holds a
// positive number, else 80. (Asking the terminal itself needs an ioctl
// outside the standard library.)
func TerminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}
