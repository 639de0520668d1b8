package sweep_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	"github.com/stratbench/stratbench/client/sweep"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/cell"
)

// sharedMatrix is every shared-state cell the test checks: counter under
// none and mutex, transfer under both lock orders, for two strategies that
// run tasks in parallel, at parallelism 4 (twice this host's processors at
// least), 1 trial of 150 ms each.
const sharedMatrix = `{"strategies":["goroutine-per-task","pool"],"workloads":["counter","transfer"],
	"syncs":["none","mutex"],"lock_orders":["ordered","try"],"accounts":[4],
	"tasks":[8],"parallelism":[4],"cpu_iterations":[2000],"concurrency":[2],
	"duration":"150ms","warmup":"0s","timeout":"10s","trials":1}`

// TestSweepSharedStateAgainstServer sweeps the shared-state workloads
// against the real server and checks what the CSV records: sync none loses
// updates when tasks run in parallel, mutex never does, and transfers keep
// their invariant under either lock order. Losing updates is a race, so a
// sweep whose none cells lost nothing is followed by up to four more
// trials of one none cell before the test fails; a host with one processor
// cannot run tasks in parallel and is skipped.
func TestSweepSharedStateAgainstServer(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skipf("GOMAXPROCS %d: updates are lost only when tasks run in parallel", runtime.GOMAXPROCS(0))
	}
	conns, info := clienttest.StartRealServer(t)
	m := parseMatrix(t, sharedMatrix)
	dir, err := sweep.Run(t.Context(), conns, m, sweep.Options{
		Server: info, Client: hostinfo.Fingerprint{Hostname: "loadhost"}, ReportsDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := readRows(t, dir)
	if len(rows) != 8 {
		t.Fatalf("%d rows, want 2 strategies × (2 syncs + 2 lock orders)", len(rows))
	}
	var noneLost uint64
	for _, r := range rows {
		if !r.Complete || r.Errors > 0 || r.Requests == 0 {
			t.Errorf("%s: complete %v, %d errors of %d requests", r.CellKey(), r.Complete, r.Errors, r.Requests)
		}
		switch {
		case r.Workload == "counter" && r.Sync == "none":
			noneLost += r.LostUpdates
		case r.Workload == "counter" && r.Sync == "mutex":
			if r.LostUpdates != 0 {
				t.Errorf("%s: mutex lost %d updates", r.CellKey(), r.LostUpdates)
			}
		case r.Workload == "transfer":
			if !r.InvariantOK || r.Accounts != 4 || r.LockOrder == "" || r.Sync != "" {
				t.Errorf("%s: invariant %v, accounts %d, lock order %q, sync %q", r.CellKey(), r.InvariantOK, r.Accounts, r.LockOrder, r.Sync)
			}
			if r.LockOrder == "ordered" && r.LockRetries != 0 {
				t.Errorf("%s: %d lock retries under the ordered lock order, which never tries", r.CellKey(), r.LockRetries)
			}
		default:
			t.Errorf("unexpected row %s", r.CellKey())
		}
		if r.Workload == "counter" && (r.InvariantOK != true || r.LockOrder != "" || r.Accounts != 0) {
			t.Errorf("%s: invariant %v, lock order %q, accounts %d", r.CellKey(), r.InvariantOK, r.LockOrder, r.Accounts)
		}
	}
	for attempt := 0; noneLost == 0 && attempt < 4; attempt++ {
		cells, err := m.Cells()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			if c.Job.GetSync() != pb.Sync_SYNC_NONE {
				continue
			}
			c.Load.Duration = 300 * time.Millisecond
			tr, err := client.RunTrial(t.Context(), conns, c, attempt+2, nil)
			if err != nil {
				t.Fatal(err)
			}
			noneLost += tr.LostUpdates
			break
		}
	}
	if noneLost == 0 {
		t.Errorf("sync none lost no update in 5 tries at parallelism 4 on GOMAXPROCS %d", runtime.GOMAXPROCS(0))
	}
	t.Logf("sync none lost %d updates", noneLost)

	// The rows summarise into cells that keep the shared-state parameters.
	cells, err := cell.Summarize(rows)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]bool{}
	for _, c := range cells {
		labels[cell.Label(c)] = true
	}
	for _, want := range []string{"pool/counter/none t=8 p=4 it=2000 closed c=2", "pool/transfer/try/4-accounts t=8 p=4 it=2000 closed c=2"} {
		if !labels[want] {
			t.Errorf("no summarised cell %q among %v", want, labels)
		}
	}
}
