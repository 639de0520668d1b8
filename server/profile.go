package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/google/pprof/profile"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Bounds and rates of Profile.
const (
	// MaxProfileDuration is the longest window a ProfileRequest may ask for.
	MaxProfileDuration = time.Hour
	// MinProfileDuration is the shortest max_duration accepted.
	MinProfileDuration = time.Millisecond
	// ProfileChunkBytes is the most profile bytes in one ProfileResponse,
	// well under gRPC's default 4 MiB receive limit.
	ProfileChunkBytes = 1 << 20
	// MutexProfileFraction is the mutex profile's sampling while a mutex
	// profile runs: on average 1 in 10 contention events is recorded (and
	// scaled up). Outside a mutex profile the fraction is 0.
	MutexProfileFraction = 10
	// BlockProfileRate is the block profile's rate while a block profile
	// runs: on average one blocking event per 10 µs spent blocked is
	// recorded. Outside a block profile the rate is 0.
	BlockProfileRate = 10_000
)

// Profile records one runtime profile over a window the client defines: the
// client sends one ProfileRequest; the server starts the profile and answers
// with started; the window ends when the client half-closes its side, or at
// max_duration if that comes first (the profile stops then, and the server
// still waits for the half-close). The server then streams the gzipped pprof
// protobuf in chunks of at most ProfileChunkBytes, the last with the window's
// length, and ends the RPC.
//
// One profile runs at a time in the process: another request meanwhile gets
// FAILED_PRECONDITION, as does a CPU profile while something else in the
// process is profiling the CPU. Heap, mutex and block profiles are the
// difference between the runtime's cumulative profile at the end and at the
// start, as net/http/pprof's ?seconds= does; mutex and block sampling is
// switched on only for the window. A request with an unknown kind, a
// max_duration outside [MinProfileDuration, MaxProfileDuration], or a second
// request message gets INVALID_ARGUMENT. When the RPC ends early, the
// profile is stopped and discarded.
func (s *Service) Profile(stream pb.BenchService_ProfileServer) error {
	req, err := stream.Recv()
	if err != nil {
		return status.FromContextError(err).Err()
	}
	if err := validateProfile(req); err != nil {
		return err
	}
	if !s.profiling.TryLock() {
		return status.Error(codes.FailedPrecondition, "a profile is already running on this server; one at a time")
	}
	defer s.profiling.Unlock()

	rec, err := startRecording(req.Kind)
	if err != nil {
		return err
	}
	// stop ends the recording once, at max_duration or at the end of the
	// window, whichever comes first.
	var (
		once   sync.Once
		data   []byte
		window time.Duration
		recErr error
	)
	started := time.Now()
	stop := func() {
		once.Do(func() {
			data, recErr = rec.stop()
			window = time.Since(started)
		})
	}
	timer := time.AfterFunc(req.MaxDuration.AsDuration(), stop)
	defer func() {
		timer.Stop()
		stop() // a no-op unless the RPC ended before the window did
	}()

	if err := stream.Send(&pb.ProfileResponse{Started: true}); err != nil {
		return err
	}
	switch _, err := stream.Recv(); {
	case errors.Is(err, io.EOF):
	case err == nil:
		return status.Error(codes.InvalidArgument, "profile: send one ProfileRequest, then half-close the stream to end the window")
	default:
		return err
	}
	timer.Stop()
	stop()
	if recErr != nil {
		return status.Errorf(codes.Internal, "profile %v: %v", req.Kind, recErr)
	}
	for {
		n := min(len(data), ProfileChunkBytes)
		msg := &pb.ProfileResponse{Data: data[:n]}
		data = data[n:]
		if len(data) == 0 {
			msg.Window = durationpb.New(window)
		}
		if err := stream.Send(msg); err != nil {
			return err
		}
		if len(data) == 0 {
			return nil
		}
	}
}

// validateProfile checks a ProfileRequest's fields.
func validateProfile(req *pb.ProfileRequest) error {
	switch req.Kind {
	case pb.ProfileKind_PROFILE_KIND_CPU, pb.ProfileKind_PROFILE_KIND_HEAP,
		pb.ProfileKind_PROFILE_KIND_MUTEX, pb.ProfileKind_PROFILE_KIND_BLOCK:
	default:
		return status.Errorf(codes.InvalidArgument, "kind is %v; must be PROFILE_KIND_CPU, _HEAP, _MUTEX or _BLOCK", req.Kind)
	}
	if err := req.MaxDuration.CheckValid(); err != nil {
		return status.Errorf(codes.InvalidArgument, "max_duration: %v; must be from %v to %v", err, MinProfileDuration, MaxProfileDuration)
	}
	if d := req.MaxDuration.AsDuration(); d < MinProfileDuration || d > MaxProfileDuration {
		return status.Errorf(codes.InvalidArgument, "max_duration is %v; must be from %v to %v", d, MinProfileDuration, MaxProfileDuration)
	}
	return nil
}

// recording is a profile in progress; stop ends it and returns the gzipped
// pprof protobuf.
type recording struct {
	stop func() ([]byte, error)
}

// startRecording starts a profile of kind, which validateProfile accepted.
func startRecording(kind pb.ProfileKind) (recording, error) {
	switch kind {
	case pb.ProfileKind_PROFILE_KIND_CPU:
		var buf bytes.Buffer
		if err := pprof.StartCPUProfile(&buf); err != nil {
			return recording{}, status.Errorf(codes.FailedPrecondition, "profile: %v", err)
		}
		return recording{stop: func() ([]byte, error) {
			pprof.StopCPUProfile()
			return buf.Bytes(), nil
		}}, nil
	case pb.ProfileKind_PROFILE_KIND_MUTEX:
		old := runtime.SetMutexProfileFraction(MutexProfileFraction)
		return startDelta("mutex", func() { runtime.SetMutexProfileFraction(old) })
	case pb.ProfileKind_PROFILE_KIND_BLOCK:
		// The block rate cannot be read back; outside a profile it is 0.
		runtime.SetBlockProfileRate(BlockProfileRate)
		return startDelta("block", func() { runtime.SetBlockProfileRate(0) })
	default:
		return startDelta("heap", func() {})
	}
}

// startDelta reads the cumulative runtime profile name now; its recording's
// stop calls restore, reads it again and returns the difference.
func startDelta(name string, restore func()) (recording, error) {
	p0, err := readProfile(name)
	if err != nil {
		restore()
		return recording{}, status.Errorf(codes.Internal, "profile %s: %v", name, err)
	}
	start := time.Now()
	return recording{stop: func() ([]byte, error) {
		restore()
		p1, err := readProfile(name)
		if err != nil {
			return nil, err
		}
		p0.Scale(-1)
		delta, err := profile.Merge([]*profile.Profile{p0, p1})
		if err != nil {
			return nil, fmt.Errorf("subtract %s profiles: %w", name, err)
		}
		delta.TimeNanos = start.UnixNano()
		delta.DurationNanos = time.Since(start).Nanoseconds()
		var buf bytes.Buffer
		if err := delta.Write(&buf); err != nil {
			return nil, fmt.Errorf("write %s profile: %w", name, err)
		}
		return buf.Bytes(), nil
	}}, nil
}

// readProfile returns the runtime's cumulative profile name, parsed.
func readProfile(name string) (*profile.Profile, error) {
	var buf bytes.Buffer
	if err := pprof.Lookup(name).WriteTo(&buf, 0); err != nil {
		return nil, err
	}
	return profile.Parse(&buf)
}
