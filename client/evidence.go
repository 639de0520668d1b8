package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/stratbench/stratbench/internal/atomicfile"
	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/profiles"
	"github.com/stratbench/stratbench/results/serverstats"
)

// TrialOption configures what RunTrial asks of the server beyond the load.
type TrialOption func(*trialOptions)

type trialOptions struct {
	profile pb.ProfileKind
}

// WithProfile makes RunTrial record a server profile of kind over the
// measured window, into Trial.Profile. PROFILE_KIND_UNSPECIFIED records
// none.
func WithProfile(kind pb.ProfileKind) TrialOption {
	return func(o *trialOptions) { o.profile = kind }
}

// statsTimeout bounds one Stats RPC, and the start and end of a profile.
const statsTimeout = 10 * time.Second

// maxProfileSlack is how much longer than a duration-bound trial's measured
// phase a profile may run before the server stops it itself.
const maxProfileSlack = time.Minute

// serverWatch reads the server's runtime counters at the start and end of a
// trial's measured window and, on request, records a profile over it.
type serverWatch struct {
	stub  pb.BenchServiceClient
	kind  pb.ProfileKind
	limit time.Duration // the profile's max_duration

	start, stop *pb.StatsResponse
	profile     pb.BenchService_ProfileClient
	data        []byte             // the profile, once ended
	cancel      context.CancelFunc // ends the profile stream
	err         error              // the profile's failure
}

// newServerWatch returns a watch over the server behind conn for a trial
// whose measured phase lasts duration (0 when it is bound by a request
// count).
func newServerWatch(conn grpc.ClientConnInterface, o trialOptions, duration time.Duration) *serverWatch {
	limit := 59 * time.Minute
	if duration > 0 {
		limit = min(duration+maxProfileSlack, limit)
	}
	return &serverWatch{stub: pb.NewBenchServiceClient(conn), kind: o.profile, limit: limit}
}

// begin opens the window: it starts the profile, if one is asked for, then
// reads Stats. Neither failure stops the trial: a server without Stats
// (an older one) leaves the trial's runtime figures absent, and a profile
// that cannot start is reported in Trial.ProfileErr.
func (w *serverWatch) begin(ctx context.Context) {
	if w.kind != pb.ProfileKind_PROFILE_KIND_UNSPECIFIED {
		w.err = w.startProfile(ctx)
	}
	w.start = w.stats(ctx)
}

// startProfile opens the Profile stream and waits, at most statsTimeout,
// until the server has started the profile.
func (w *serverWatch) startProfile(ctx context.Context) error {
	ctx, w.cancel = context.WithCancel(ctx)
	timer := time.AfterFunc(statsTimeout, w.cancel)
	stream, err := w.stub.Profile(ctx)
	if err == nil {
		// Send reports io.EOF when the server has ended the stream; Recv
		// then returns its status.
		if err = stream.Send(&pb.ProfileRequest{Kind: w.kind, MaxDuration: durationpb.New(w.limit)}); errors.Is(err, io.EOF) {
			err = nil
		}
	}
	var first *pb.ProfileResponse
	if err == nil {
		first, err = stream.Recv()
	}
	if !timer.Stop() && err != nil {
		err = fmt.Errorf("no answer in %v: %w", statsTimeout, err)
	}
	if err == nil && !first.Started {
		err = errors.New("the server's first message is not started")
	}
	if err != nil {
		w.cancel()
		return fmt.Errorf("client: start %v profile: %w", w.kind, err)
	}
	w.profile = stream
	return nil
}

// stats reads Stats, or returns nil when the server cannot answer it.
func (w *serverWatch) stats(ctx context.Context) *pb.StatsResponse {
	ctx, cancel := context.WithTimeout(ctx, statsTimeout)
	defer cancel()
	r, err := w.stub.Stats(ctx, &pb.StatsRequest{})
	if err != nil {
		return nil
	}
	return r
}

// end closes the window: it reads Stats, then ends the profile and
// collects it.
func (w *serverWatch) end(ctx context.Context) {
	w.stop = w.stats(ctx)
	if w.profile != nil {
		w.data, w.err = w.finishProfile()
		w.cancel()
	}
}

// fill sets t's Runtime from the two reads (over t.TasksCompleted tasks),
// and its Profile and ProfileErr.
func (w *serverWatch) fill(t *Trial) {
	if w.start != nil && w.stop != nil {
		t.Runtime, t.RuntimeErr = runtimeFigures(w.start, w.stop, t.TasksCompleted)
	}
	t.Profile, t.ProfileErr = w.data, w.err
}

// finishProfile half-closes the profile stream and reads the profile.
func (w *serverWatch) finishProfile() ([]byte, error) {
	if err := w.profile.CloseSend(); err != nil {
		return nil, fmt.Errorf("client: end %v profile: %w", w.kind, err)
	}
	var data []byte
	for {
		msg, err := w.profile.Recv()
		switch {
		case errors.Is(err, io.EOF):
			return data, nil
		case err != nil:
			return nil, fmt.Errorf("client: receive %v profile: %w", w.kind, err)
		}
		if len(data)+len(msg.Data) > profiles.MaxBytes {
			return nil, fmt.Errorf("client: %v profile passes %d bytes", w.kind, profiles.MaxBytes)
		}
		data = append(data, msg.Data...)
	}
}

// runtimeFigures returns the figures between two Stats responses, which
// come from another host and are checked first.
func runtimeFigures(start, stop *pb.StatsResponse, tasks uint64) (*serverstats.Figures, error) {
	a, err := Snapshot(start)
	if err != nil {
		return nil, err
	}
	b, err := Snapshot(stop)
	if err != nil {
		return nil, err
	}
	f, err := serverstats.Delta(a, b, tasks)
	if err != nil {
		return nil, fmt.Errorf("client: server runtime figures: %w", err)
	}
	return &f, nil
}

// Snapshot converts a StatsResponse, which comes from another host, into a
// serverstats.Snapshot, and checks it (serverstats.Snapshot.Validate).
// Missing fields read as zero.
func Snapshot(r *pb.StatsResponse) (serverstats.Snapshot, error) {
	if n := len(r.GetSchedLatency()); n > serverstats.MaxBuckets {
		return serverstats.Snapshot{}, fmt.Errorf("client: Stats from the server: sched_latency has %d buckets, limit %d", n, serverstats.MaxBuckets)
	}
	s := serverstats.Snapshot{
		ProcessCPU:       r.GetProcessCpu().AsDuration(),
		BusyCPUSeconds:   r.GetBusyCpuSeconds(),
		GCCPUSeconds:     r.GetGcCpuSeconds(),
		AllocBytes:       r.GetAllocBytes(),
		AllocObjects:     r.GetAllocObjects(),
		GCCycles:         r.GetGcCycles(),
		MutexWaitSeconds: r.GetMutexWaitSeconds(),
		Goroutines:       r.GetGoroutines(),
		GoroutinesPeak:   r.GetGoroutinesPeak(),
		HeapInuse:        r.GetHeapInuseBytes(),
		HeapInusePeak:    r.GetHeapInusePeakBytes(),
	}
	for _, b := range r.GetSchedLatency() {
		s.SchedLatency = append(s.SchedLatency, serverstats.Bucket{Lower: b.LowerSeconds, Upper: b.UpperSeconds, Count: b.Count})
	}
	if th := r.GetThrottling(); th != nil {
		s.Throttling = &serverstats.Throttling{Throttled: th.GetThrottled().AsDuration()}
	}
	if err := s.Validate(); err != nil {
		return serverstats.Snapshot{}, fmt.Errorf("client: Stats from the server: %w", err)
	}
	return s, nil
}

// ProfileKindWord returns kind's word, as flags and file names spell it:
// "cpu", "heap", "mutex" or "block" (from the vocabulary, internal/vocab).
func ProfileKindWord(kind pb.ProfileKind) string { return vocab.Name(kind) }

// ParseProfileKind returns the ProfileKind whose word (see ProfileKindWord)
// is word, or an error listing the words.
func ParseProfileKind(word string) (pb.ProfileKind, error) {
	return vocab.Parse[pb.ProfileKind]("profile kind", word)
}

// WriteProfile writes t's profile, if it has one, atomically into
// dir/profiles/ as profiles.FileName of its cell, trial and kind, and
// returns its path relative to dir in slash form; "" when t has no profile.
func WriteProfile(dir string, t *Trial, kind pb.ProfileKind) (string, error) {
	if len(t.Profile) == 0 {
		return "", nil
	}
	rel := path.Join(profiles.Dir, profiles.FileName(t.Cell.FileLabel(), t.Index, ProfileKindWord(kind)))
	file := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", fmt.Errorf("client: save profile: %w", err)
	}
	if err := atomicfile.WriteFile(file, t.Profile); err != nil {
		return "", fmt.Errorf("client: save profile of trial %d: %w", t.Index, err)
	}
	return rel, nil
}
