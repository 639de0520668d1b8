package sweep_test

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratbench/stratbench/client/sweep"
)

// outageAfterFirstTrial is a plain progress writer that starts an outage
// once the first trial's line is written: the fake server then answers the
// next outageRPCs RPCs UNAVAILABLE, as a server that restarts does, and
// recovers.
type outageAfterFirstTrial struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	armed atomic.Bool
	lost  atomic.Int64
}

const outageRPCs = 10

func (o *outageAfterFirstTrial) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.armed.Store(true)
	return o.buf.Write(p)
}

func (o *outageAfterFirstTrial) onRPC(int64) error {
	if o.armed.Load() && o.lost.Add(1) <= outageRPCs {
		return status.Error(codes.Unavailable, "connection lost")
	}
	return nil
}

// TestSweepOutageMarksTrialIncomplete: a trial that loses the server part
// way, with some RPCs ok and some UNAVAILABLE, is recorded with its error
// counts and complete=false, and a resume re-runs that trial only.
func TestSweepOutageMarksTrialIncomplete(t *testing.T) {
	o := &outageAfterFirstTrial{}
	var calls atomic.Int64
	conns := sweepFake(t, &calls, o.onRPC)
	opts := sweepOptions(t)
	opts.Progress = o
	dir, err := sweep.Run(t.Context(), conns, parseMatrix(t, tinyMatrix), opts)
	if err == nil || !strings.Contains(err.Error(), "1 of 4 trials incomplete") || !strings.HasSuffix(err.Error(), "--resume "+dir) {
		t.Fatalf("Sweep: %v; want an error counting 1 incomplete trial and saying how to resume", err)
	}
	rows := readRows(t, dir)
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	for i, r := range rows {
		wantComplete := i != 1
		if r.Complete != wantComplete {
			t.Errorf("row %d complete = %v, want %v (errors %v)", i, r.Complete, wantComplete, r.ErrorsByCode)
		}
	}
	if r := rows[1]; r.ErrorsByCode["UNAVAILABLE"] != outageRPCs || r.Errors != outageRPCs || r.Requests <= r.Errors {
		t.Errorf("row 2: %d requests, %d errors by code %v; want some ok and %d UNAVAILABLE", r.Requests, r.Errors, r.ErrorsByCode, outageRPCs)
	}
	if !strings.Contains(o.buf.String(), "incomplete") || !strings.Contains(o.buf.String(), "UNAVAILABLE=10") {
		t.Errorf("progress does not show the incomplete trial:\n%s", o.buf.String())
	}

	opts = sweepOptions(t)
	opts.Resume = dir
	if _, err := sweep.Run(t.Context(), conns, nil, opts); err != nil {
		t.Fatal(err)
	}
	after := readRows(t, dir)
	if len(after) != 5 {
		t.Fatalf("got %d rows after resume, want 5: the re-run of the incomplete trial only", len(after))
	}
	if r := after[4]; r.CellKey() != rows[1].CellKey() || r.Trial != rows[1].Trial || !r.Complete {
		t.Errorf("resume appended %s trial %d complete %v, want %s trial %d complete",
			r.CellKey(), r.Trial, r.Complete, rows[1].CellKey(), rows[1].Trial)
	}
	for k, n := range completeTrials(after) {
		if n != 1 {
			t.Errorf("%s is complete in %d rows, want 1", k, n)
		}
	}
}
