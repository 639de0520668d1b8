// Package server implements BenchService: it validates RunRequests, admits
// them under a server-wide cap, runs each job under the requested strategy
// and reports the host's fingerprint. Serve wires it into a gRPC server with
// health, reflection, transport limits and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Service implements pb.BenchServiceServer. Create it with New; call Close
// once no Run is executing.
type Service struct {
	pb.UnimplementedBenchServiceServer

	limits   Limits
	info     *pb.InfoResponse
	registry *strategies.Registry
	inFlight atomic.Int64
	tasks    atomic.Int64 // tasks of the executing jobs
	jobs     sync.WaitGroup

	// abort ends every running job when cancelled; see Abort.
	abort       context.Context
	cancelAbort context.CancelFunc

	// now is the clock of server_time and handler_wait: time.Now except
	// in tests, which set a fake one to give the figures a known answer.
	now func() time.Time
}

// New returns a Service enforcing l. info is the host's fingerprint, which
// Info returns with l filled in.
func New(l Limits, info *pb.InfoResponse) *Service {
	info = proto.Clone(info).(*pb.InfoResponse)
	info.Limits = l.Proto()
	abort, cancel := context.WithCancel(context.Background())
	return &Service{
		limits:      l,
		info:        info,
		registry:    strategies.NewRegistry(l.MaxSharedStrategies),
		abort:       abort,
		cancelAbort: cancel,
		now:         time.Now,
	}
}

// Info returns the host's fingerprint, limits and CPU-kernel calibration.
func (s *Service) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	return s.info, nil
}

// Run validates req, admits it if fewer than Limits.MaxJobsInFlight jobs are
// running and its tasks fit under Limits.MaxTasksInFlight
// (RESOURCE_EXHAUSTED at once otherwise: there is no queue), and executes it. It returns
// only after every goroutine of the job has ended. The response's
// server_time runs from the handler's start to the job's end, handler_wait
// from the transport's receipt of the request (see NewGRPCServer) to the
// handler's start, and io_wait_mean is the mean measured I/O wait. With fail_fast and a
// failure it returns ABORTED naming the first failed task; when the RPC's
// context ends first, CANCELED or DEADLINE_EXCEEDED; when Abort ends it,
// UNAVAILABLE.
func (s *Service) Run(ctx context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
	admitted := s.now()
	job, err := Validate(req, s.limits)
	if err != nil {
		return nil, err
	}
	if n := s.inFlight.Add(1); n > int64(s.limits.MaxJobsInFlight) {
		s.inFlight.Add(-1)
		return nil, status.Errorf(codes.ResourceExhausted,
			"server busy: %d jobs in flight, limit %d (serve --max-jobs)", n-1, s.limits.MaxJobsInFlight)
	}
	if n := s.tasks.Add(int64(job.Tasks)); n > int64(s.limits.MaxTasksInFlight) {
		s.tasks.Add(-int64(job.Tasks))
		s.inFlight.Add(-1)
		return nil, status.Errorf(codes.ResourceExhausted,
			"server busy: %d tasks in flight, this job's %d would pass the limit %d (serve --max-tasks-in-flight)",
			n-int64(job.Tasks), job.Tasks, s.limits.MaxTasksInFlight)
	}
	s.jobs.Add(1)
	defer func() {
		s.tasks.Add(-int64(job.Tasks))
		s.inFlight.Add(-1)
		s.jobs.Done()
	}()

	strat, err := s.strategy(job)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.abort, cancel)
	defer stop()

	state := workload.NewState(job.Spec)
	res, err := strat.Run(ctx, strategies.Job{
		Tasks:    job.Tasks,
		Stages:   state.Stages(),
		Seed:     workload.Seed,
		Fold:     workload.Fold,
		FailFast: job.FailFast,
	})
	// Every task has ended: the strategy returns only then.
	out := state.Close()
	if err != nil {
		return nil, s.runError(ctx, err)
	}
	resp := &pb.RunResponse{
		TasksCompleted: uint32(res.Completed),
		TasksFailed:    uint32(res.Failed),
		TasksCancelled: uint32(res.Cancelled),
		Checksum:       res.Checksum,
		ServerTime:     durationpb.New(s.now().Sub(admitted)),
		QueueTime:      durationpb.New(res.QueueTime),
		MaxInFlight:    uint32(res.MaxInFlight),
		LostUpdates:    out.LostUpdates,
		InvariantOk:    out.InvariantOK,
		LockRetries:    out.LockRetries,
	}
	if out.IOWaits > 0 {
		resp.IoWaitMean = durationpb.New(out.IOWaitTotal / time.Duration(out.IOWaits))
		resp.IoWaits = uint32(min(out.IOWaits, math.MaxUint32))
	}
	if t, ok := receivedAt(ctx); ok {
		resp.HandlerWait = durationpb.New(max(admitted.Sub(t), 0))
	}
	for _, f := range res.Failures {
		resp.Failures = append(resp.Failures, &pb.TaskFailure{Task: uint32(f.Task), Error: f.Err.Error(), Panic: f.Panic})
	}
	return resp, nil
}

// strategy returns the job-scoped or shared strategy for job.
func (s *Service) strategy(job Job) (strategies.Strategy, error) {
	if job.Scope != pb.Scope_SCOPE_SERVER {
		return strategies.New(job.Strategy, job.Parallelism), nil
	}
	st, err := s.registry.Get(job.Strategy, job.Parallelism)
	switch {
	case errors.Is(err, strategies.ErrRegistryFull):
		return nil, status.Errorf(codes.ResourceExhausted,
			"scope SCOPE_SERVER: %v (serve --max-shared-strategies); reuse a parallelism already in use", err)
	case errors.Is(err, strategies.ErrRegistryClosed):
		return nil, status.Error(codes.Unavailable, "server shutting down")
	case err != nil:
		return nil, status.Errorf(codes.InvalidArgument, "scope %v", err)
	}
	return st, nil
}

// runError maps a strategy's error to a status.
func (s *Service) runError(ctx context.Context, err error) error {
	var te *strategies.TaskError
	switch {
	case errors.Is(err, strategies.ErrAborted) && errors.As(err, &te):
		return status.Errorf(codes.Aborted, "fail_fast: %v", te)
	case s.abort.Err() != nil:
		return status.Error(codes.Unavailable, "server shutting down: job cancelled after the grace period")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded: job cancelled")
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "client cancelled: job cancelled")
	}
	return status.Errorf(codes.Internal, "job: %v", err)
}

// InFlight returns the number of jobs executing now.
func (s *Service) InFlight() int { return int(s.inFlight.Load()) }

// Abort cancels every running job, and any started after it, which end with
// UNAVAILABLE. Stop accepting RPCs first (grpc.Server.GracefulStop).
func (s *Service) Abort() { s.cancelAbort() }

// Close waits for running jobs to end, then stops the shared strategies'
// workers. A Run after Close answers UNAVAILABLE for SCOPE_SERVER.
func (s *Service) Close() {
	s.jobs.Wait()
	s.registry.Close()
	s.cancelAbort()
}

// String describes the service's limits for logs.
func (l Limits) String() string {
	return fmt.Sprintf("tasks≤%d cpu_iterations≤%d total≤%d io_latency≤%v parallelism≤%d jobs≤%d tasks_in_flight≤%d",
		l.MaxTasks, l.MaxCPUIterations, l.MaxTotalIterations, l.MaxIOLatency, l.MaxParallelism, l.MaxJobsInFlight, l.MaxTasksInFlight)
}
