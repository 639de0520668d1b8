package sweep

import (
	"io"
	"sync"
	"time"

	"github.com/stratbench/stratbench/client"
)

// progressDisplay shows a sweep's progress on w: on a terminal one line
// redrawn in place, with a permanent line above it for each trial that
// needs attention; otherwise one plain line per finished trial. Its methods
// are safe for concurrent use, because RunTrial calls the live callback
// from its own goroutine. Write errors are ignored: progress is a courtesy
// and must not stop a sweep. A nil *progressDisplay shows nothing.
type progressDisplay struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	width    int
	planned  time.Duration // warm-up plus measured phase of one trial
	now      func() time.Time

	cur       Progress
	trialFrom time.Time     // start of the current trial
	ran       int           // trials run (not skipped) so far
	ranFor    time.Duration // their wall time
}

// newProgressDisplay returns a display for a sweep of total trials, done of
// them already complete, each planned to take planned; nil when w is nil.
func newProgressDisplay(w io.Writer, terminal bool, total, done int, planned time.Duration) *progressDisplay {
	if w == nil {
		return nil
	}
	d := &progressDisplay{w: w, terminal: terminal, planned: planned, now: time.Now}
	if terminal {
		d.width = TerminalWidth()
	}
	d.cur = Progress{Done: done, Total: total}
	return d
}

// message writes a line of text that stays, above the redrawn line on a
// terminal.
func (d *progressDisplay) message(s string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.terminal {
		io.WriteString(d.w, "\r\x1b[K"+s+"\n")
		return
	}
	io.WriteString(d.w, s+"\n")
}

// begin marks the start of the trial called label.
func (d *progressDisplay) begin(label string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trialFrom = d.now()
	d.cur.Label, d.cur.Throughput, d.cur.P99, d.cur.Errors, d.cur.Note = label, 0, 0, 0, ""
	d.redraw()
}

// live shows a snapshot of the current trial.
func (d *progressDisplay) live(p client.Progress) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cur.Throughput, d.cur.P99 = p.Throughput, p.P99
	d.redraw()
}

// end shows the final figures of the current trial with note, and counts
// it done.
func (d *progressDisplay) end(throughput float64, p99 time.Duration, errs uint64, note string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ran++
	d.ranFor += d.now().Sub(d.trialFrom)
	d.trialFrom = time.Time{}
	d.cur.Done++
	d.cur.Throughput, d.cur.P99, d.cur.Errors, d.cur.Note = throughput, p99, errs, note
	if !d.terminal {
		io.WriteString(d.w, d.cur.PlainLine())
		return
	}
	if note != "" || errs > 0 {
		io.WriteString(d.w, "\r\x1b[K"+d.cur.PlainLine())
	}
	d.redraw()
}

// close ends the redrawn line so that what follows starts on a fresh one.
func (d *progressDisplay) close() {
	if d == nil || !d.terminal {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	io.WriteString(d.w, "\n")
}

// redraw rewrites the terminal line; the caller holds mu.
func (d *progressDisplay) redraw() {
	if !d.terminal {
		return
	}
	d.cur.ETA = d.eta()
	io.WriteString(d.w, d.cur.TerminalLine(d.width))
}

// eta is the planned time of the trials left, each taking the planned
// time or the mean time trials have really taken, whichever is longer
// (a trial also drains its last RPCs and writes its files), less what the
// current trial has already run.
func (d *progressDisplay) eta() time.Duration {
	per := d.planned
	if d.ran > 0 {
		per = max(per, d.ranFor/time.Duration(d.ran))
	}
	left := time.Duration(d.cur.Total-d.cur.Done) * per
	if !d.trialFrom.IsZero() {
		left -= min(d.now().Sub(d.trialFrom), per)
	}
	return max(left, 0)
}
