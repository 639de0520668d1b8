package server

import (
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// Health is the standard gRPC health service, except that a Watch stream
// ends, with UNAVAILABLE, once it has sent NOT_SERVING after Shutdown: a
// watcher learns that the server is going away, and its stream does not
// hold a graceful stop for the whole grace period.
type Health struct {
	*health.Server
	stopping chan struct{}
	once     sync.Once
}

func newHealth() *Health {
	return &Health{Server: health.NewServer(), stopping: make(chan struct{})}
}

// Shutdown sets every service NOT_SERVING and ends the Watch streams once
// they have reported it. Later status changes are ignored.
func (h *Health) Shutdown() {
	h.once.Do(func() { close(h.stopping) })
	h.Server.Shutdown()
}

// Watch streams the serving status of req's service, as health.Server does,
// until shutdown has been reported or the client leaves.
func (h *Health) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	err := h.Server.Watch(req, &endingWatch{Health_WatchServer: stream, stopping: h.stopping})
	select {
	case <-h.stopping:
		if stream.Context().Err() == nil {
			return status.Error(codes.Unavailable, "server shutting down")
		}
	default:
	}
	return err
}

// endingWatch fails the send after the one that reports NOT_SERVING during
// shutdown, which makes health.Server's Watch return.
type endingWatch struct {
	healthpb.Health_WatchServer
	stopping <-chan struct{}
}

func (w *endingWatch) Send(m *healthpb.HealthCheckResponse) error {
	if err := w.Health_WatchServer.Send(m); err != nil {
		return err
	}
	if m.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING {
		select {
		case <-w.stopping:
			return errWatchEnded
		default:
		}
	}
	return nil
}

var errWatchEnded = status.Error(codes.Unavailable, "server shutting down")
