package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"
)

// Fingerprint returns the Info response describing this host, with the
// calibrated CPU-kernel cost nsPerIteration. Limits are filled in by New.
func Fingerprint(nsPerIteration float64) *pb.InfoResponse {
	f := hostinfo.Collect()
	return &pb.InfoResponse{
		Hostname:          f.Hostname,
		Os:                f.OS,
		Arch:              f.Arch,
		CpuModel:          f.CPUModel,
		LogicalCpus:       uint32(f.LogicalCPUs),
		Gomaxprocs:        uint32(f.GOMAXPROCS),
		CgroupCpuQuota:    f.CgroupCPUQuota,
		TotalMemoryBytes:  f.TotalMemoryBytes,
		GoVersion:         f.GoVersion,
		GrpcVersion:       f.GRPCVersion,
		StratbenchVersion: f.StratbenchVersion,
		NsPerIteration:    nsPerIteration,
	}
}

// NewGRPCServer returns a gRPC server serving svc, the health service
// (SERVING) and server reflection, with the transport limits of l:
// MaxConcurrentStreams, MaxHeaderListBytes, the receive size, a cap of
// MaxJobDuration on every unary RPC's deadline, a keepalive enforcement
// policy that closes connections pinging more often than every 10 s, and a
// tap handle that stamps each RPC's receipt time for
// RunResponse.handler_wait and refuses Run at once while the scheduler is
// overloaded (see Limits.MaxSchedLatency; gRPC allows one tap handle: extra
// must not add another). extra options (credentials, interceptors) are appended. Bound
// the connections with LimitListener.
func NewGRPCServer(svc *Service, l Limits, extra ...grpc.ServerOption) (*grpc.Server, *Health) {
	opts := append([]grpc.ServerOption{
		grpc.MaxConcurrentStreams(l.MaxConcurrentStreams),
		grpc.MaxHeaderListSize(l.MaxHeaderListBytes),
		grpc.MaxRecvMsgSize(l.MaxRecvBytes),
		grpc.ChainUnaryInterceptor(capDeadline(l.MaxJobDuration)),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             10 * time.Second,
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle: 5 * time.Minute,
			Time:              time.Minute,
			Timeout:           20 * time.Second,
		}),
		grpc.InTapHandle(svc.stampReceipt),
	}, extra...)
	gs := grpc.NewServer(opts...)
	pb.RegisterBenchServiceServer(gs, svc)
	hs := newHealth()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(pb.BenchService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)
	return gs, hs
}

// capDeadline returns an interceptor that ends every unary RPC after d at
// the latest, whatever deadline the client set (or none).
func capDeadline(d time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return handler(ctx, req)
	}
}

// Serve serves gs on lis until ctx is done, then shuts down in order: health
// reports NOT_SERVING (and ends its Watch streams), no new RPCs are accepted,
// running jobs get grace to finish, then the rest are cancelled (they end
// UNAVAILABLE) and the server stops. It returns nil after a shutdown caused
// by ctx, and the listener's error if serving failed. svc is closed before
// Serve returns.
func Serve(ctx context.Context, lis net.Listener, gs *grpc.Server, hs *Health, svc *Service, grace time.Duration, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- gs.Serve(lis) }()
	select {
	case err := <-served:
		gs.Stop()
		svc.Abort()
		svc.Close()
		return fmt.Errorf("serve %s: %w", lis.Addr(), err)
	case <-ctx.Done():
	}
	start := time.Now()
	hs.Shutdown()
	inFlight := svc.InFlight()
	stopped := make(chan struct{})
	go func() {
		gs.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	cancelled, forced := 0, false
	select {
	case <-stopped:
	case <-timer.C:
		// Cancelling the jobs lets their handlers return, which lets
		// GracefulStop finish; Stop closes whatever connections remain.
		cancelled, forced = svc.InFlight(), true
		svc.Abort()
		gs.Stop()
		<-stopped
	}
	svc.Close()
	if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("serve %s: %w", lis.Addr(), err)
	}
	log.Info("stratbench stopped", "addr", lis.Addr().String(), "jobs_in_flight_at_signal", inFlight,
		"jobs_cancelled_after_grace", cancelled, "stopped_after_grace", forced,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}
