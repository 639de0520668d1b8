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
// about 102 KB; the Errors histogram is allocated on the first error.
type recorder struct {
	mu       *sync.Mutex
	hist     histogram.Trial
	requests uint64 // measured RPCs that ended, ok or not
	errors   uint64
	tasks    uint64
	late     uint64        // measured sends that left more than lateAfter after their intended time
	ioWait   time.Duration // io_wait_mean × io_waits summed over successful responses
	ioWaits  uint64
	shared   sharedCounts
	byCode   [numCodes]uint64
	other    map[codes.Code]uint64 // codes beyond Unauthenticated, rare
	live     *liveStats            // nil unless a progress callback is set
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
	transfer bool // the trial's job is a transfer; see sharedCounts
}

// newRecorders returns the recorders of a trial of job whose workers
// number at most workers, sharing limit recorders when there are more
// workers than that. Sharing is decided up front, since workers may start
// while others record.
func newRecorders(job *pb.RunRequest, workers, limit int, live *liveStats) *recorders {
	return &recorders{limit: limit, shared: workers > limit, live: live,
		transfer: job.GetWorkload() == pb.Workload_WORKLOAD_TRANSFER}
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
		shared: sharedCounts{transfer: rs.transfer},
		live:   rs.live,
	}
	if rs.shared {
		r.mu = new(sync.Mutex)
	}
	rs.all = append(rs.all, r)
	return r
}

// record adds one measured RPC that was intended to leave at intended, left
// at sent and ended at end, all read from the trial's clock, with its
// response's shared-state figures when it succeeded. It does not allocate
// except on the first error and on codes beyond Unauthenticated.
func (r *recorder) record(intended, sent, end time.Duration, resp *pb.RunResponse, err error) {
	if r.mu != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	r.requests++
	if sent-intended > lateAfter {
		r.late++
	}
	latency := end - intended
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
	r.hist.Uncorrected.Record(end - sent)
	server := resp.GetServerTime().AsDuration()
	if hw := resp.GetHandlerWait(); hw != nil {
		// The server stamped the request's receipt: server time runs from
		// there, and the rest of the RPC's own time is overhead.
		server += hw.AsDuration()
		r.hist.ServerWait.Record(hw.AsDuration())
		r.hist.Overhead.Record(max(end-sent-server, 0))
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

// mergeInto adds r's measurements to t. It runs after every worker using r
// has ended.
func (r *recorder) mergeInto(t *Trial) {
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
