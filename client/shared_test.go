package client_test

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/server"
)

// startRealServer serves the real BenchService (the server package, with
// its default limits) over an in-memory bufconn listener and returns one
// connection to it and its Info. Cleanup stops the server and waits for
// its jobs.
func startRealServer(t *testing.T) ([]grpc.ClientConnInterface, *pb.InfoResponse) {
	t.Helper()
	l := server.DefaultLimits()
	svc := server.New(l, &pb.InfoResponse{Hostname: "bufconn", Gomaxprocs: uint32(runtime.GOMAXPROCS(0)), NsPerIteration: 250})
	gs, _ := server.NewGRPCServer(svc, l)
	lis := bufconn.Listen(1 << 20)
	served := make(chan error, 1)
	go func() { served <- gs.Serve(lis) }()
	cc, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial bufconn: %v", err)
	}
	t.Cleanup(func() {
		_ = cc.Close()
		gs.Stop()
		svc.Close()
		if err := <-served; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	info, err := pb.NewBenchServiceClient(cc).Info(ctx, &pb.InfoRequest{})
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	return []grpc.ClientConnInterface{cc}, info
}

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
	conns, info := startRealServer(t)
	m := parseMatrix(t, sharedMatrix)
	dir, err := client.Sweep(t.Context(), conns, m, client.SweepOptions{
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

// TestRunTrialSharedStateFigures checks that a trial sums the responses'
// lost updates and lock retries and counts broken invariants of transfer
// cells only, over successful responses, whatever the recorder layout.
func TestRunTrialSharedStateFigures(t *testing.T) {
	conns := startFake(t, func(_ context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
		// Every response says the invariant broke; only a transfer cell
		// may count it.
		return &pb.RunResponse{TasksCompleted: req.GetTasks(), LostUpdates: 3, LockRetries: 5}, nil
	})
	for _, tc := range []struct {
		name        string
		job         *pb.RunRequest
		concurrency int
		broken      bool
	}{
		{"counter, exclusive recorders", &pb.RunRequest{Workload: pb.Workload_WORKLOAD_COUNTER, Sync: pb.Sync_SYNC_NONE, Tasks: 2}, 2, false},
		{"transfer, shared recorders", &pb.RunRequest{Workload: pb.Workload_WORKLOAD_TRANSFER, LockOrder: pb.LockOrder_LOCK_ORDER_TRY, Accounts: 2, Tasks: 2}, 70, true},
		{"cpu", &pb.RunRequest{Workload: pb.Workload_WORKLOAD_CPU, Tasks: 2}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := client.Load{Mode: client.Closed, Concurrency: tc.concurrency, Connections: 1, Requests: 140}
			cell := client.Cell{Job: tc.job, Load: load}
			tr, err := client.RunTrial(t.Context(), conns, cell, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantBroken := uint64(0)
			if tc.broken {
				wantBroken = 140
			}
			if tr.Requests != 140 || tr.LostUpdates != 3*140 || tr.LockRetries != 5*140 || tr.InvariantBroken != wantBroken {
				t.Errorf("requests %d, lost %d, retries %d, broken %d; want 140, 420, 700, %d",
					tr.Requests, tr.LostUpdates, tr.LockRetries, tr.InvariantBroken, wantBroken)
			}
			r := tr.Row("x", nil, hostinfo.Fingerprint{})
			if r.LostUpdates != 420 || r.LockRetries != 700 || r.InvariantOK == tc.broken {
				t.Errorf("row: lost %d, retries %d, invariant %v", r.LostUpdates, r.LockRetries, r.InvariantOK)
			}
			// A resumed sweep matches rows to cells by these keys.
			if r.CellKey() != cell.Key() || (tc.job.GetSync() != 0) != strings.Contains(r.CellKey(), " sync=none ") {
				t.Errorf("row key %q, cell key %q", r.CellKey(), cell.Key())
			}
		})
	}
}

// TestRecordDoesNotAllocate guards the hot path: recording a response,
// shared-state figures included, allocates nothing.
func TestRecordDoesNotAllocate(t *testing.T) {
	if n := client.RecordAllocs(); n != 0 {
		t.Errorf("record allocates %v times per response, want 0", n)
	}
}
