// Package server implements BenchService: it validates RunRequests, admits
// them under a server-wide cap, runs each job under the requested strategy
// and reports the host's fingerprint. Serve wires it into a gRPC server with
// health, reflection, transport limits and graceful shutdown.
package server

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Service implements pb.BenchServiceServer. Create it with New; call Close
// once no Run is executing: New starts a goroutine sampling goroutines and
// heap in use every SamplePeriod, which Close stops.
type Service struct {
	pb.UnimplementedBenchServiceServer

	limits    Limits
	info      *pb.InfoResponse
	registry  *strategies.Registry
	admit     *admission
	sched     *schedLatency // nil when Limits.MaxSchedLatency is 0
	schedOnce sync.Once
	jobs      sync.WaitGroup
	metrics   *Metrics // nil unless NewMetrics attached one

	// abort ends every running job when cancelled; see Abort.
	abort       context.Context
	cancelAbort context.CancelFunc

	peaks     *peaks     // goroutine and heap peaks for Stats
	cpuStat   string     // the binding cgroup's cpu.stat, "" without a CPU quota
	profiling sync.Mutex // held while a Profile runs
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
	s := &Service{
		limits:      l,
		info:        info,
		registry:    strategies.NewRegistry(l.MaxSharedStrategies, l.MaxSharedWorkers, l.SharedIdle),
		admit:       newAdmission(l),
		abort:       abort,
		cancelAbort: cancel,
		peaks:       startPeaks(SamplePeriod),
		cpuStat:     hostinfo.CPUStatFile(),
		now:         time.Now,
	}
	if l.MaxSchedLatency > 0 {
		s.sched = newSchedLatency()
		s.admit.schedP99, s.admit.maxSched = s.sched.P99, l.MaxSchedLatency
	}
	return s
}

// Info returns the host's fingerprint, limits and CPU-kernel calibration.
func (s *Service) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	return s.info, nil
}

// Run validates req and admits it if it fits, with the jobs already
// running, under every server-wide budget: Limits.MaxJobsInFlight,
// MaxTasksInFlight, MaxCPUInFlight and MaxMemoryInFlight. A job that could
// never fit (larger than a whole budget) is refused with INVALID_ARGUMENT
// naming the limit; one that does not fit now with RESOURCE_EXHAUSTED, at
// once: there is no queue, and the decision never waits. (While the
// scheduler is overloaded, the transport refuses a Run with
// RESOURCE_EXHAUSTED before it reaches this method: see
// Limits.MaxSchedLatency and NewGRPCServer.) Run then executes
// the job and returns only after every goroutine of the job has ended. With
// fail_fast and a failure it returns ABORTED naming the first failed task;
// when the RPC's context ends first, CANCELED or DEADLINE_EXCEEDED; when
// Abort ends it, UNAVAILABLE. The response's server_time runs from the
// handler's start to the job's end, handler_wait from the transport's
// receipt of the request (see NewGRPCServer) to the handler's start, and
// io_wait_mean is the mean measured I/O wait.
func (s *Service) Run(ctx context.Context, req *pb.RunRequest) (*pb.RunResponse, error) {
	admitted := s.now()
	job, err := Validate(req, s.limits)
	if err != nil {
		return nil, err
	}
	c := jobCost(job, s.info.GetNsPerIteration())
	if err := s.admit.fits(c); err != nil {
		return nil, err
	}
	release, err := s.admit.admit(c)
	if err != nil {
		return nil, err
	}
	s.jobs.Add(1)
	defer func() {
		release()
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
	s.metrics.jobEnded(job, res, time.Since(admitted))
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
		return strategies.NewImpl(job.Strategy, job.Implementation, job.Parallelism), nil
	}
	st, err := s.registry.GetImpl(job.Strategy, job.Implementation, job.Parallelism)
	switch {
	case errors.Is(err, strategies.ErrRegistryFull):
		s.metrics.refusedBy(RefusedMaxSharedStrategies)
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
		return status.Errorf(codes.DeadlineExceeded, "deadline exceeded (the client's, or the server's cap of %v, serve --max-job-duration): job cancelled",
			s.limits.MaxJobDuration)
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "client cancelled: job cancelled")
	}
	return status.Errorf(codes.Internal, "job: %v", err)
}

// InFlight returns the number of jobs executing now.
func (s *Service) InFlight() int { return int(s.admit.jobs.used.Load()) }

// Abort cancels every running job, and any started after it, which end with
// UNAVAILABLE. Stop accepting RPCs first (grpc.Server.GracefulStop).
func (s *Service) Abort() { s.cancelAbort() }

// Close waits for running jobs to end, then stops the shared strategies'
// workers and the Stats sampler. A Run after Close answers UNAVAILABLE for
// SCOPE_SERVER; Stats after Close still answers, its peaks no longer
// sampled between reads. Close may be called more than once.
func (s *Service) Close() {
	s.jobs.Wait()
	s.registry.Close()
	s.cancelAbort()
	if s.sched != nil {
		s.schedOnce.Do(s.sched.close)
	}
	s.peaks.close()
}
