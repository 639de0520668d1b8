package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// profileOnce records one profile of kind around window, which runs after the
// server has started the profile, and returns the profile's bytes.
func profileOnce(ctx context.Context, c pb.BenchServiceClient, kind pb.ProfileKind, window func()) ([]byte, error) {
	stream, err := startProfile(ctx, c, kind, time.Minute)
	if err != nil {
		return nil, err
	}
	window()
	data, _, err := finishProfile(stream)
	return data, err
}

// startProfile opens a Profile stream and waits for started.
func startProfile(ctx context.Context, c pb.BenchServiceClient, kind pb.ProfileKind, maxDuration time.Duration) (pb.BenchService_ProfileClient, error) {
	stream, err := c.Profile(ctx)
	if err != nil {
		return nil, err
	}
	// Send reports io.EOF when the server has ended the stream; Recv then
	// returns its status.
	if err := stream.Send(&pb.ProfileRequest{Kind: kind, MaxDuration: durationpb.New(maxDuration)}); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	first, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	if !first.Started || len(first.Data) > 0 {
		return nil, errors.New("first message is not started")
	}
	return stream, nil
}

// finishProfile half-closes the stream and collects the profile.
func finishProfile(stream pb.BenchService_ProfileClient) ([]byte, time.Duration, error) {
	if err := stream.CloseSend(); err != nil {
		return nil, 0, err
	}
	var data []byte
	var window time.Duration
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return data, window, nil
		}
		if err != nil {
			return nil, 0, err
		}
		data = append(data, msg.Data...)
		if msg.Window != nil {
			window = msg.Window.AsDuration()
		}
	}
}

// functions returns the names of every function in p's samples.
func functions(p *profile.Profile) string {
	var b strings.Builder
	for _, s := range p.Sample {
		for _, loc := range s.Location {
			for _, l := range loc.Line {
				b.WriteString(l.Function.Name)
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

func TestProfileCPU(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	data, err := profileOnce(t.Context(), c, pb.ProfileKind_PROFILE_KIND_CPU, func() {
		// About 2 × 10^6 SHA-256 steps: hundreds of milliseconds of CPU,
		// dozens of 10 ms samples.
		if _, err := c.Run(t.Context(), &pb.RunRequest{
			Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU,
			Tasks: 200, CpuIterations: 10_000, Parallelism: 2,
		}); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if p.SampleType[len(p.SampleType)-1].Type != "cpu" {
		t.Errorf("sample types %v, want cpu last", p.SampleType)
	}
	if fns := functions(p); !strings.Contains(fns, "stratbench/workload.") || !strings.Contains(fns, "stratbench/strategies.") {
		t.Errorf("profile lacks the workload's and the strategy's functions; has:\n%s", fns)
	}
}

func TestProfileMutexRateOnlyWhileAsked(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	if got := runtime.SetMutexProfileFraction(-1); got != 0 {
		t.Fatalf("mutex fraction %d before the profile, want 0", got)
	}
	var during int
	data, err := profileOnce(t.Context(), c, pb.ProfileKind_PROFILE_KIND_MUTEX, func() {
		during = runtime.SetMutexProfileFraction(-1)
		// Eight goroutines contend for one mutex.
		if _, err := c.Run(t.Context(), &pb.RunRequest{
			Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, Workload: pb.Workload_WORKLOAD_COUNTER,
			Sync: pb.Sync_SYNC_MUTEX, Tasks: 8, CpuIterations: 50_000,
		}); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if during != server.MutexProfileFraction {
		t.Errorf("mutex fraction %d during the profile, want %d", during, server.MutexProfileFraction)
	}
	if got := runtime.SetMutexProfileFraction(-1); got != 0 {
		t.Errorf("mutex fraction %d after the profile, want 0", got)
	}
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SampleType) != 2 || p.SampleType[0].Type != "contentions" {
		t.Errorf("sample types %v, want contentions and delay", p.SampleType)
	}
	if !strings.Contains(functions(p), "workload.") {
		t.Errorf("mutex profile lacks the counter workload's lock; has:\n%s", functions(p))
	}
}

func TestProfileBlockAndHeap(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	for _, tt := range []struct {
		kind  pb.ProfileKind
		types string
	}{
		{pb.ProfileKind_PROFILE_KIND_BLOCK, "contentions delay"},
		{pb.ProfileKind_PROFILE_KIND_HEAP, "alloc_objects alloc_space inuse_objects inuse_space"},
	} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			data, err := profileOnce(t.Context(), c, tt.kind, func() {
				if _, err := c.Run(t.Context(), &pb.RunRequest{
					Strategy: pb.Strategy_STRATEGY_PIPELINE, Workload: pb.Workload_WORKLOAD_IO,
					Tasks: 50, IoLatency: durationpb.New(time.Millisecond), Parallelism: 4,
				}); err != nil {
					t.Error(err)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			p, err := profile.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, st := range p.SampleType {
				types = append(types, st.Type)
			}
			if got := strings.Join(types, " "); got != tt.types {
				t.Errorf("sample types %q, want %q", got, tt.types)
			}
		})
	}
}

func TestProfileOneAtATime(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	first, err := startProfile(t.Context(), c, pb.ProfileKind_PROFILE_KIND_BLOCK, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []pb.ProfileKind{pb.ProfileKind_PROFILE_KIND_CPU, pb.ProfileKind_PROFILE_KIND_BLOCK} {
		_, err := startProfile(t.Context(), c, kind, time.Minute)
		if status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "one at a time") {
			t.Errorf("second profile (%v): %v, want FAILED_PRECONDITION", kind, err)
		}
	}
	if _, _, err := finishProfile(first); err != nil {
		t.Fatal(err)
	}
	// The slot is free again.
	if _, err := profileOnce(t.Context(), c, pb.ProfileKind_PROFILE_KIND_CPU, func() {}); err != nil {
		t.Errorf("profile after the first ended: %v", err)
	}
}

// TestProfileMaxDuration leaves the window open past max_duration: the
// server stops the profile (the mutex fraction returns to 0) and still sends
// it when the client half-closes.
func TestProfileMaxDuration(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	stream, err := startProfile(t.Context(), c, pb.ProfileKind_PROFILE_KIND_MUTEX, server.MinProfileDuration)
	if err != nil {
		t.Fatal(err)
	}
	for runtime.SetMutexProfileFraction(-1) != 0 {
		if t.Context().Err() != nil {
			t.Fatal("mutex fraction never restored")
		}
		time.Sleep(time.Millisecond)
	}
	data, window, err := finishProfile(stream)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := profile.Parse(bytes.NewReader(data)); err != nil {
		t.Error(err)
	}
	if window < server.MinProfileDuration {
		t.Errorf("window %v, want ≥ %v", window, server.MinProfileDuration)
	}
}

func TestProfileBadRequests(t *testing.T) {
	c, _, _ := start(t, server.DefaultLimits())
	for _, tt := range []struct {
		name  string
		req   *pb.ProfileRequest
		words []string
	}{
		{"no kind", &pb.ProfileRequest{MaxDuration: durationpb.New(time.Second)}, []string{"kind", "PROFILE_KIND_UNSPECIFIED"}},
		{"unknown kind", &pb.ProfileRequest{Kind: 9, MaxDuration: durationpb.New(time.Second)}, []string{"kind", "9"}},
		{"no max", &pb.ProfileRequest{Kind: pb.ProfileKind_PROFILE_KIND_CPU}, []string{"max_duration", "1h0m0s"}},
		{"too long", &pb.ProfileRequest{Kind: pb.ProfileKind_PROFILE_KIND_CPU, MaxDuration: durationpb.New(2 * time.Hour)}, []string{"max_duration", "2h0m0s", "1h0m0s"}},
		{"too short", &pb.ProfileRequest{Kind: pb.ProfileKind_PROFILE_KIND_CPU, MaxDuration: durationpb.New(time.Microsecond)}, []string{"max_duration", "1µs", "1ms"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stream, err := c.Profile(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := stream.Send(tt.req); err != nil {
				t.Fatal(err)
			}
			_, err = stream.Recv()
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("Profile: %v, want INVALID_ARGUMENT", err)
			}
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	t.Run("two requests", func(t *testing.T) {
		stream, err := startProfile(t.Context(), c, pb.ProfileKind_PROFILE_KIND_HEAP, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Send(&pb.ProfileRequest{Kind: pb.ProfileKind_PROFILE_KIND_HEAP}); err != nil {
			t.Fatal(err)
		}
		if _, err := stream.Recv(); status.Code(err) != codes.InvalidArgument {
			t.Errorf("second request: %v, want INVALID_ARGUMENT", err)
		}
	})
}

// BenchmarkProfileOverhead runs the default cell's job (pool, 16 CPU tasks
// of 2000 iterations, parallelism 4) over gRPC with no profile and with
// each kind of profile running, to measure what profiling costs a job.
func BenchmarkProfileOverhead(b *testing.B) {
	c, _, _ := start(b, server.DefaultLimits())
	job := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: 16, CpuIterations: 2000, Parallelism: 4}
	for _, kind := range []pb.ProfileKind{pb.ProfileKind_PROFILE_KIND_UNSPECIFIED, pb.ProfileKind_PROFILE_KIND_CPU,
		pb.ProfileKind_PROFILE_KIND_HEAP, pb.ProfileKind_PROFILE_KIND_MUTEX, pb.ProfileKind_PROFILE_KIND_BLOCK} {
		b.Run(strings.TrimPrefix(kind.String(), "PROFILE_KIND_"), func(b *testing.B) {
			var stream pb.BenchService_ProfileClient
			if kind != pb.ProfileKind_PROFILE_KIND_UNSPECIFIED {
				var err error
				if stream, err = startProfile(b.Context(), c, kind, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := c.Run(b.Context(), job); err != nil {
					b.Fatal(err)
				}
			}
			if stream != nil {
				b.StopTimer()
				if _, _, err := finishProfile(stream); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
