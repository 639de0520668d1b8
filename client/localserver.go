package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// Bounds of a LocalServer's life.
const (
	// LocalServerStartTimeout bounds StartLocalServer when ctx has a later
	// deadline or none.
	LocalServerStartTimeout = 30 * time.Second
	// LocalServerStopTimeout is how long Stop waits after SIGTERM before it
	// kills the process.
	LocalServerStopTimeout = 10 * time.Second
)

// LocalServer is a `stratbench serve` child process listening on 127.0.0.1
// with an ephemeral port, a separate process so that the server and the
// load client do not share a Go runtime.
type LocalServer struct {
	cmd    *exec.Cmd
	addr   string
	stderr *tailBuffer
	exited chan struct{} // closed when cmd.Wait returns
	err    error         // cmd.Wait's result, set before exited closes
	stop   sync.Once
	stopE  error
}

// StartLocalServer runs `exe serve --addr 127.0.0.1:0 --print-addr
// extraArgs...` (exe is usually os.Executable()), reads the address the
// server prints as its first line of output once it serves, and polls
// grpc.health.v1 on it until the server reports SERVING (a server without
// the health service counts as serving once it printed its address). It
// fails, stopping the child, when the child exits, ctx ends or
// LocalServerStartTimeout passes first; the error quotes the end of the
// child's stderr. The caller must call Stop.
func StartLocalServer(ctx context.Context, exe string, extraArgs ...string) (*LocalServer, error) {
	ctx, cancel := context.WithTimeout(ctx, LocalServerStartTimeout)
	defer cancel()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--print-addr"}, extraArgs...)
	first := &firstLine{ready: make(chan struct{})}
	s := &LocalServer{
		cmd:    exec.Command(exe, args...),
		stderr: &tailBuffer{max: 4096},
		exited: make(chan struct{}),
	}
	s.cmd.Stdout = first
	s.cmd.Stderr = s.stderr
	s.cmd.WaitDelay = time.Second // output copying may outlive the child only this long
	detach(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("client: start local server %s: %w", exe, err)
	}
	go func() { // owned by s: Stop waits for exited
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	fail := func(err error) (*LocalServer, error) {
		return nil, errors.Join(fmt.Errorf("client: local server %s: %w%s", exe, err, s.stderr.quote()), s.Stop())
	}
	select {
	case <-first.ready:
		s.addr = first.line()
	case <-s.exited:
		return fail(fmt.Errorf("exited before printing its address: %v", s.err))
	case <-ctx.Done():
		return fail(fmt.Errorf("no address printed: %w", ctx.Err()))
	}
	if err := s.waitServing(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// waitServing polls the health service at s.addr every 50 ms until it
// reports SERVING.
func (s *LocalServer) waitServing(ctx context.Context) error {
	cc, err := grpc.NewClient(s.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("printed address %q: %w", s.addr, err)
	}
	defer cc.Close()
	health := healthpb.NewHealthClient(cc)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
		switch {
		case status.Code(err) == codes.Unimplemented:
			return nil
		case err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING:
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("exited before serving at %s: %v", s.addr, s.err)
		case <-ctx.Done():
			return fmt.Errorf("not serving at %s (last health check: %v, %v): %w", s.addr, resp.GetStatus(), err, ctx.Err())
		case <-tick.C:
		}
	}
}

// Addr returns the host:port the server listens on.
func (s *LocalServer) Addr() string { return s.addr }

// Stop sends the server SIGTERM, waits up to LocalServerStopTimeout for it
// to exit, then kills it. It returns an error if the server exited with a
// failure other than the signals used to stop it. Stop is idempotent: later
// calls return the first call's result.
func (s *LocalServer) Stop() error {
	s.stop.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited; Wait reports that
		select {
		case <-s.exited:
		case <-time.After(LocalServerStopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		var exit *exec.ExitError
		if errors.As(s.err, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() &&
				(ws.Signal() == syscall.SIGTERM || ws.Signal() == syscall.SIGINT || ws.Signal() == syscall.SIGKILL) {
				return
			}
		}
		if s.err != nil {
			s.stopE = fmt.Errorf("client: local server at %s: %w%s", s.addr, s.err, s.stderr.quote())
		}
	})
	return s.stopE
}

// firstLine is an io.Writer that keeps the first line written to it and
// discards the rest.
type firstLine struct {
	mu    sync.Mutex
	buf   []byte
	done  bool
	ready chan struct{}
}

func (f *firstLine) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return len(p), nil
	}
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		f.buf = append(f.buf, p[:i]...)
		f.done = true
		close(f.ready)
	} else if len(f.buf) < 1024 {
		f.buf = append(f.buf, p...)
	}
	return len(p), nil
}

func (f *firstLine) line() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.TrimSpace(string(f.buf))
}

// tailBuffer is an io.Writer keeping the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// quote returns "; stderr: ..." with the kept bytes, or "" when there are
// none.
func (t *tailBuffer) quote() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := strings.TrimSpace(string(t.buf)); s != "" {
		return "; stderr: " + s
	}
	return ""
}
