package sweep_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client/internal/clienttest"
	"github.com/stratbench/stratbench/client/sweep"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// TestRatesMatrix probes a fake server whose jobs take exactly 20 ms at a
// closed-loop concurrency of 2, a knee of at most 100 req/s, and checks
// that the series runs from the measured knee ÷ 8 to × 1.5 in open loop.
func TestRatesMatrix(t *testing.T) {
	conns := clienttest.StartFake(t, func(ctx context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
		select {
		case <-time.After(20 * time.Millisecond):
			return &pb.RunResponse{TasksCompleted: req.GetTasks()}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	m0, err := sweep.ParseMatrix(strings.NewReader(`{"strategies":["pool"],"workloads":["io"],"concurrency":[2],"duration":"300ms","warmup":"50ms"}`))
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	m, err := sweep.RatesMatrix(t.Context(), conns, m0, &progress)
	if err != nil {
		t.Fatal(err)
	}
	var knee float64
	if _, err := fmt.Sscanf(progress.String()[strings.LastIndex(progress.String(), ": ")+2:], "%g", &knee); err != nil {
		t.Fatalf("progress %q: %v", progress.String(), err)
	}
	if knee > 100 || knee < 20 {
		t.Errorf("knee %v req/s, want at most 2 ÷ 20 ms = 100 (and not far below on a busy host)", knee)
	}
	if m.Concurrency != nil || len(m.Rates) < 2 {
		t.Fatalf("matrix %+v, want open loop at several rates", m)
	}
	if lo, hi := m.Rates[0], m.Rates[len(m.Rates)-1]; lo < knee/8*0.99 || lo > knee/8*1.01 || hi < knee*1.5*0.99 || hi > knee*1.5*1.01 {
		t.Errorf("rates %v, want from %v to %v", m.Rates, knee/8, knee*1.5)
	}
}
