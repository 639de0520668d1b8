package client_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/client/internal/clienttest"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// testExecutable returns the test binary, set up to run clienttest.Serve.
func testExecutable(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("os.Executable: %v", err)
	}
	t.Setenv(clienttest.ServeEnv, "1")
	return exe
}

func TestLocalServer(t *testing.T) {
	exe := testExecutable(t)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	s, err := client.StartLocalServer(ctx, exe)
	if err != nil {
		t.Fatalf("StartLocalServer: %v", err)
	}
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, want 127.0.0.1:port", s.Addr())
	}
	conns, err := client.Dial(s.Addr(), 2)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	load := client.Load{Mode: client.Closed, Concurrency: 2, Connections: 2, Requests: 50, Timeout: 5 * time.Second}
	tr, err := client.RunTrial(ctx, client.Interfaces(conns), client.Cell{Job: &pb.RunRequest{}, Load: load}, 1, nil)
	if err != nil || tr.Requests != 50 || tr.Errors != 0 {
		t.Errorf("RunTrial = %+v, %v; want 50 requests without error", tr, err)
	}
	if err := client.CloseConns(conns); err != nil {
		t.Errorf("CloseConns: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestLocalServerFails(t *testing.T) {
	exe := testExecutable(t)
	tests := []struct {
		name string
		exe  string
		args []string
		want string
	}{
		{"exits early", exe, []string{"--exit-early"}, "failing early as asked"},
		{"no such binary", "/nonexistent/stratbench", nil, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := client.StartLocalServer(t.Context(), tt.exe, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				if s != nil {
					_ = s.Stop()
				}
				t.Fatalf("StartLocalServer = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDialLimits(t *testing.T) {
	for _, n := range []int{0, client.MaxConnections + 1} {
		if conns, err := client.Dial("127.0.0.1:1", n); err == nil {
			_ = client.CloseConns(conns)
			t.Errorf("Dial(%d connections) succeeded, want an error", n)
		}
	}
}
