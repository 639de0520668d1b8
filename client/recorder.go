package client

import (
	"runtime"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
)

// lateAfter is how long after its intended time a send may leave before it
// counts as late.
const lateAfter = time.Millisecond

// numCodes is the number of gRPC codes with a fixed slot in recorder.byCode:
// OK through Unauthenticated.
const numCodes = int(codes.Unauthenticated) + 1

// maxRecorders bounds the recorders of one trial, and so its memory: about
// 64 × 102 KB = 6.5 MB of histograms whatever the concurrency.
const maxRecorders = 64

// openRecorders returns how many recorders an open loop's senders share.
// Senders start as bursts of latency need them, more of them the longer a
// trial runs on a noisy host, so their recorders are few and fixed, shared
// from the start: at most GOMAXPROCS senders record at once, and four
// recorders per processor keep the mutexes mostly uncontended.
func openRecorders() int { return min(4*runtime.GOMAXPROCS(0), maxRecorders) }

// recorder holds the measurements of one worker, or of a few workers when a
// trial has more than maxRecorders. An exclusive recorder (mu nil) is used
// by one goroutine and takes no lock; a shared one is guarded by mu, held
// for the few tens of nanoseconds of a record. Recorders are merged into the
// Trial once every worker has ended. A recorder costs six histograms,
// about 102 KB, seven in open loop; the Errors histogram is allocated on
// the first error.
type recorder struct {
	mu         *sync.Mutex
	hist       histogram.Trial
	win        window
	requests   uint64 // measured RPCs that ended, ok or not
	errors     uint64
	tasks      uint64
	late       uint64        // measured sends that left more than lateAfter after their intended time
	clientLate uint64        // the late ones no backlog held
	backlogged uint64        // measured sends left late by MaxInFlight
	winOK      uint64        // successes counted by the throughput window
	winTasks   uint64        // their tasks
	span       span          // first measured send to last measured end
	ioWait     time.Duration // io_wait_mean × io_waits summed over successful responses
	ioWaits    uint64
	shared     sharedCounts
	byCode     [numCodes]uint64
	other      map[codes.Code]uint64 // codes beyond Unauthenticated, rare
	live       *liveStats            // nil unless a progress callback is set
}

// window is the throughput window of a trial (see Trial.Window): for a
// Duration-bound phase the successes that ended in (start, end], whenever
// sent; for a Requests-bound phase (requests true) the measured successes.
type window struct {
	start, end time.Duration
	requests   bool
}

// counts reports whether a successful RPC c is counted by the window.
func (w window) counts(c rpc) bool {
	if w.requests {
		return c.measured
	}
	return c.end > w.start && c.end <= w.end
}

// span is the time from the first measured send to the last measured end.
type span struct {
	first, last time.Duration
	ok          bool // some RPC was added
}

func (s *span) add(first, last time.Duration) {
	if !s.ok {
		*s = span{first, last, true}
		return
	}
	s.first, s.last = min(s.first, first), max(s.last, last)
}

// rpc is one RPC that ended, its times read from the trial's clock.
type rpc struct {
	intended, sent, end time.Duration
	// measured is true for an RPC sent in the measured phase; the others
	// (warm-up) count only towards the throughput window.
	measured bool
	// backlogged is true for an open-loop send that MaxInFlight held up.
	backlogged bool
}

// sharedCounts are what the successful responses of a trial report about
// their jobs' shared state (the counter and transfer workloads).
type sharedCounts struct {
	lost    uint64 // lost_updates summed
	retries uint64 // lock_retries summed
	broken  uint64 // transfer responses with invariant_ok false
	// transfer makes broken count: only a transfer job has an invariant,
	// and servers report other jobs' as held or, if older, not at all.
	transfer bool
}

// add adds the shared-state figures of one successful response.
func (s *sharedCounts) add(resp *pb.RunResponse) {
	s.lost += resp.GetLostUpdates()
	s.retries += resp.GetLockRetries()
	if s.transfer && !resp.GetInvariantOk() {
		s.broken++
	}
}

// recorders hands out the recorders of one trial: one per worker up to
// a limit, then shared round-robin. It is used by one goroutine.
type recorders struct {
	all      []*recorder
	limit    int
	shared   bool
	live     *liveStats
	win      window
	open     bool // record send lag
	transfer bool // the trial's job is a transfer; see sharedCounts
}

// newRecorders returns the recorders of a trial of cell whose workers
// number at most workers, sharing limit recorders when there are more
// workers than that, counting throughput in ph's window. Sharing is
// decided up front, since workers may start while others record.
func newRecorders(cell Cell, ph phase, workers, limit int, live *liveStats) *recorders {
	return &recorders{limit: limit, shared: workers > limit, live: live,
		win:      window{start: ph.start, end: ph.end, requests: ph.requests > 0},
		open:     cell.Load.Mode == Open,
		transfer: cell.Job.GetWorkload() == pb.Workload_WORKLOAD_TRANSFER}
}

// get returns the recorder of worker i, workers being numbered from 0 in
// the order they start.
func (rs *recorders) get(i int) *recorder {
	if i < len(rs.all) || len(rs.all) == rs.limit {
		return rs.all[i%len(rs.all)]
	}
	r := &recorder{
		hist: histogram.Trial{
			Latency:     histogram.New(),
			Uncorrected: histogram.New(),
			Server:      histogram.New(),
			Queue:       histogram.New(),
			ServerWait:  histogram.New(),
			Overhead:    histogram.New(),
		},
		win:    rs.win,
		shared: sharedCounts{transfer: rs.transfer},
		live:   rs.live,
	}
	if rs.open {
		r.hist.SendLag = histogram.New()
	}
	if rs.shared {
		r.mu = new(sync.Mutex)
	}
	rs.all = append(rs.all, r)
	return r
}

// record adds one RPC c that ended with resp or err: a measured one to
// every figure, a warm-up one to the throughput window only. It does not
// allocate except on the first error and on codes beyond Unauthenticated.
func (r *recorder) record(c rpc, resp *pb.RunResponse, err error) {
	if r.mu != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	if err == nil && r.win.counts(c) {
		r.winOK++
		r.winTasks += uint64(resp.GetTasksCompleted())
	}
	if !c.measured {
		return
	}
	r.requests++
	r.span.add(c.sent, c.end)
	// A late send that waited for a free in-flight slot (or fell due while
	// the schedule did) is late because of the server: it is backlogged,
	// and its lag is not the client's. Every other send's lag is.
	lag := c.sent - c.intended
	late := lag > lateAfter
	switch {
	case late && c.backlogged:
		r.backlogged++
	case r.hist.SendLag != nil:
		r.hist.SendLag.Record(lag)
	}
	if late {
		r.late++
		if !c.backlogged {
			r.clientLate++
		}
	}
	latency := c.end - c.intended
	if err != nil {
		r.errors++
		if c := status.Code(err); int(c) < numCodes {
			r.byCode[c]++
		} else {
			if r.other == nil {
				r.other = make(map[codes.Code]uint64)
			}
			r.other[c]++
		}
		if r.hist.Errors == nil {
			r.hist.Errors = histogram.New()
		}
		r.hist.Errors.Record(latency)
		if r.live != nil {
			r.live.add(latency, false)
		}
		return
	}
	r.hist.Latency.Record(latency)
	r.hist.Uncorrected.Record(c.end - c.sent)
	server := resp.GetServerTime().AsDuration()
	if hw := resp.GetHandlerWait(); hw != nil {
		// The server stamped the request's receipt: server time runs from
		// there, and the rest of the RPC's own time is overhead.
		server += hw.AsDuration()
		r.hist.ServerWait.Record(hw.AsDuration())
		r.hist.Overhead.Record(max(c.end-c.sent-server, 0))
	}
	r.hist.Server.Record(server)
	if n := resp.GetIoWaits(); n > 0 {
		r.ioWait += resp.GetIoWaitMean().AsDuration() * time.Duration(n)
		r.ioWaits += uint64(n)
	}
	r.hist.Queue.Record(resp.GetQueueTime().AsDuration())
	r.tasks += uint64(resp.GetTasksCompleted())
	r.shared.add(resp)
	if r.live != nil {
		r.live.add(latency, true)
	}
}

// mergeInto adds r's measurements to t, and its span to sp. It runs after every worker using r
// has ended.
func (r *recorder) mergeInto(t *Trial, sp *span) {
	if r.span.ok {
		sp.add(r.span.first, r.span.last)
	}
	t.WindowSuccesses += r.winOK
	t.WindowTasks += r.winTasks
	t.ClientLate += r.clientLate
	t.Backlogged += r.backlogged
	t.Requests += r.requests
	t.Errors += r.errors
	t.TasksCompleted += r.tasks
	t.LateSends += r.late
	t.IOWaitTotal += r.ioWait
	t.IOWaits += r.ioWaits
	t.LostUpdates += r.shared.lost
	t.LockRetries += r.shared.retries
	t.InvariantBroken += r.shared.broken
	for c, n := range r.byCode {
		if n > 0 {
			t.ErrorsByCode[codes.Code(c)] += n
		}
	}
	for c, n := range r.other {
		t.ErrorsByCode[c] += n
	}
	t.Hist.Merge(&r.hist)
}
