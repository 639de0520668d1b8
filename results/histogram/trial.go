package histogram

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/stratbench/stratbench/internal/atomicfile"
)

// trialMagic starts every trial file.
const trialMagic = "SBT1"

// Trial are the histograms of one trial, saved beside the CSV in a
// trial file (format SBT1, see FORMAT.md) that the row's histogram column
// names. A nil field is a histogram the trial did not record; it is left out
// of the file and reads back nil.
type Trial struct {
	Latency     *Histogram // "latency": corrected latency of successful requests
	Uncorrected *Histogram // "uncorrected": latency from the actual send time
	Errors      *Histogram // "errors": latency of failed requests
	Server      *Histogram // "server": server time, from the transport's receipt when the server reports it
	Queue       *Histogram // "queue": time waiting for admission on the server
	// SendLag is "send_lag": how late each measured open-loop send left
	// (actual − intended send time) when no backlog held it, the lag the
	// client and its host added. Nil in closed loop, where there is none.
	SendLag *Histogram
	// Unsent is "unsent": each measured open-loop send that never left,
	// lasting from its intended send time to the trial's end.
	Unsent *Histogram
	// ServerWait is "server_wait": receipt by the server's transport to
	// the handler's start.
	ServerWait *Histogram
	// Overhead is "overhead": per request, the client's RPC time minus the
	// server time from receipt.
	Overhead *Histogram
}

// All returns a new histogram of every measured request at the time it
// ended, failed or not: Latency, Errors and Unsent added. It is empty when
// all three are nil.
func (t *Trial) All() *Histogram {
	all := New()
	for _, h := range []*Histogram{t.Latency, t.Errors, t.Unsent} {
		if h != nil {
			all.Merge(h)
		}
	}
	return all
}

// entries returns pointers to t's fields with their names in file order.
func (t *Trial) entries() []struct {
	name string
	h    **Histogram
} {
	return []struct {
		name string
		h    **Histogram
	}{
		{"latency", &t.Latency},
		{"uncorrected", &t.Uncorrected},
		{"errors", &t.Errors},
		{"server", &t.Server},
		{"queue", &t.Queue},
		{"send_lag", &t.SendLag},
		{"unsent", &t.Unsent},
		{"server_wait", &t.ServerWait},
		{"overhead", &t.Overhead},
	}
}

// Merge adds o's histograms into t's, exactly, as results from several load
// clients of one trial are combined. A histogram that t lacks and o has is
// copied; o is not modified.
func (t *Trial) Merge(o *Trial) {
	dst, src := t.entries(), o.entries()
	for i := range dst {
		if *src[i].h == nil {
			continue
		}
		if *dst[i].h == nil {
			*dst[i].h = New()
		}
		(*dst[i].h).Merge(*src[i].h)
	}
}

// MarshalBinary encodes t in the SBT1 format: the magic "SBT1", the number of
// entries as a uvarint, then per non-nil histogram, in field order, its
// name and its SBH1 encoding, each preceded by its length as a uvarint.
func (t *Trial) MarshalBinary() ([]byte, error) {
	var n uint64
	var body []byte
	for _, e := range t.entries() {
		if *e.h == nil {
			continue
		}
		hb, err := (*e.h).MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("encode histogram %q: %w", e.name, err)
		}
		body = binary.AppendUvarint(body, uint64(len(e.name)))
		body = append(body, e.name...)
		body = binary.AppendUvarint(body, uint64(len(hb)))
		body = append(body, hb...)
		n++
	}
	b := binary.AppendUvarint([]byte(trialMagic), n)
	return append(b, body...), nil
}

// UnmarshalBinary replaces t with the histograms encoded in b by
// MarshalBinary. Entries may come in any order; an unknown or repeated
// name, a malformed histogram, a length past the end or trailing bytes is
// rejected with an error wrapping ErrFormat, leaving t unchanged.
func (t *Trial) UnmarshalBinary(b []byte) error {
	if len(b) < len(trialMagic) || string(b[:len(trialMagic)]) != trialMagic {
		return fmt.Errorf("trial file: bad magic %q, want %q: %w", b[:min(len(b), 4)], trialMagic, ErrFormat)
	}
	d := decoder{b: b[len(trialMagic):]}
	var nt Trial
	byName := make(map[string]**Histogram)
	for _, e := range nt.entries() {
		byName[e.name] = e.h
	}
	n := d.uvarint("entry count")
	if d.err == nil && n > uint64(len(byName)) {
		return fmt.Errorf("trial file: %d entries, at most %d: %w", n, len(byName), ErrFormat)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		name := string(d.bytes("entry name"))
		hb := d.bytes("histogram")
		if d.err != nil {
			break
		}
		slot, ok := byName[name]
		if !ok {
			return fmt.Errorf("trial file: unknown histogram name %q: %w", name, ErrFormat)
		}
		if *slot != nil {
			return fmt.Errorf("trial file: histogram %q repeated: %w", name, ErrFormat)
		}
		h := new(Histogram)
		if err := h.UnmarshalBinary(hb); err != nil {
			return fmt.Errorf("trial file: histogram %q: %w", name, err)
		}
		*slot = h
	}
	if d.err != nil {
		return fmt.Errorf("trial file: %w", d.err)
	}
	if len(d.b) != 0 {
		return fmt.Errorf("trial file: %d trailing bytes: %w", len(d.b), ErrFormat)
	}
	*t = nt
	return nil
}

// bytes reads a uvarint length and that many bytes.
func (d *decoder) bytes(what string) []byte {
	n := d.uvarint(what + " length")
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = fmt.Errorf("%s length %d exceeds the %d bytes left: %w", what, n, len(d.b), ErrFormat)
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

// WriteTrialFile writes t to path in the SBT1 format, atomically, as
// WriteFile does.
func WriteTrialFile(path string, t *Trial) error {
	b, err := t.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode trial file %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b)
}

// ReadTrialFile reads a trial file written by WriteTrialFile. Errors name the
// file; a malformed file's error wraps ErrFormat.
func ReadTrialFile(path string) (*Trial, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read trial file: %w", err)
	}
	t := new(Trial)
	if err := t.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
