package sweep_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/internal/golden"
)

func TestProgressRendering(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     sweep.Progress
		width int
	}{
		{"start", sweep.Progress{Total: 270, Label: "serial/cpu c=1 t=1/3", ETA: 8*time.Minute + 6*time.Second}, 100},
		{"live", sweep.Progress{Done: 135, Total: 270, Label: "pool/cpu c=8 t=2/3",
			Throughput: 1234.56, P99: 8213 * time.Microsecond, ETA: 4*time.Minute + 3*time.Second + 400*time.Millisecond}, 100},
		{"narrow", sweep.Progress{Done: 135, Total: 270, Label: "pool/cpu c=8 t=2/3",
			Throughput: 1234.56, P99: 8213 * time.Microsecond, ETA: time.Minute}, 40},
		{"slow", sweep.Progress{Done: 3, Total: 10, Label: "serial/io r=2.5 t=1/1",
			Throughput: 2.49, P99: 12345 * time.Millisecond, ETA: 7 * time.Second}, 0},
		{"fast", sweep.Progress{Done: 9, Total: 10, Label: "goroutine-per-task/io/server c=32 t=1/1",
			Throughput: 45.25, P99: 850 * time.Microsecond, ETA: -time.Second}, 120},
		{"failed", sweep.Progress{Done: 10, Total: 10, Label: "semaphore/mixed c=2 t=3/3",
			Throughput: 310, P99: 64500 * time.Microsecond, Errors: 17, Note: "incomplete"}, 100},
		{"saturated", sweep.Progress{Done: 12, Total: 270, Label: "pipeline/cpu c=32 t=1/3",
			Throughput: 151.2, P99: 212 * time.Millisecond, ETA: 7*time.Minute + 59*time.Second, Note: "CLIENT SATURATED"}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden.Check(t, "progress_terminal_"+tc.name+".golden", []byte(tc.p.TerminalLine(tc.width)))
			golden.Check(t, "progress_plain_"+tc.name+".golden", []byte(tc.p.PlainLine()))
		})
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sweep.IsTerminal(f) {
		t.Error("IsTerminal(regular file) = true")
	}
	if sweep.IsTerminal(new(bytes.Buffer)) {
		t.Error("IsTerminal(*bytes.Buffer) = true")
	}
}

// TestIsTerminalDevNull checks that /dev/null, a character device, is not a
// terminal: progress written there is plain lines, not redrawn ones.
func TestIsTerminalDevNull(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sweep.IsTerminal(f) {
		t.Errorf("IsTerminal(%s) = true", os.DevNull)
	}
}
