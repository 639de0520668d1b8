package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// startServe runs `stratbench serve` as a child process on 127.0.0.1:0 and
// returns it with its address.
func startServe(t *testing.T, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"serve", "--addr", "127.0.0.1:0", "--print-addr", "--calibration-rounds", "1"}, args...)...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address: %v; stderr: %s", err, stderr.String())
	}
	return cmd, strings.TrimSpace(line), &stderr
}

// TestServeSIGTERM: under load, SIGTERM lets a short job finish, cancels a
// long one after the grace period with UNAVAILABLE, and exits 0 soon after.
// The server admits at most 2 jobs; the signal is sent once a probe job is
// refused because both are in flight, so no sleep orders the events.
func TestServeSIGTERM(t *testing.T) {
	const grace = time.Second
	cmd, addr, stderr := startServe(t, "--grace", grace.String(), "--max-jobs", "2")
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := pb.NewBenchServiceClient(conn)
	if _, err := c.Info(t.Context(), &pb.InfoRequest{}); err != nil {
		t.Fatal(err)
	}
	ioJob := func(d time.Duration) *pb.RunRequest {
		return &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO, Tasks: 2, IoLatency: durationpb.New(d)}
	}
	job := func(d time.Duration) <-chan error {
		ch := make(chan error, 1)
		go func() {
			for {
				// A probe admitted at the same moment may take the slot
				// for an instant: try again.
				_, err := c.Run(context.Background(), ioJob(d))
				if status.Code(err) != codes.ResourceExhausted {
					ch <- err
					return
				}
			}
		}()
		return ch
	}
	const shortJob = 500 * time.Millisecond // within the grace period
	short, long := job(shortJob), job(59*time.Second)
	for {
		select {
		case err := <-short:
			// It ended before a probe saw it in flight: send another.
			if err != nil {
				t.Fatalf("short job: %v", err)
			}
			short = job(shortJob)
		default:
		}
		_, err := c.Run(t.Context(), ioJob(0))
		if status.Code(err) == codes.ResourceExhausted && strings.Contains(err.Error(), "server busy: 2 jobs in flight") {
			break
		}
		if err != nil && status.Code(err) != codes.ResourceExhausted {
			t.Fatalf("probe: %v", err)
		}
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-short; err != nil {
		t.Errorf("short job: %v, want success", err)
	}
	if err := <-long; status.Code(err) != codes.Unavailable {
		t.Errorf("long job: %v, want UNAVAILABLE", err)
	}
	err = cmd.Wait()
	took := time.Since(start)
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Fatalf("serve exited with %v; stderr: %s", err, stderr.String())
	}
	t.Logf("exited 0 %v after SIGTERM (grace %v)", took.Round(time.Millisecond), grace)
	// How long the exit took is logged, not asserted: a wall-clock bound
	// fails on a loaded machine. The long job's UNAVAILABLE shows the grace
	// period ended it.
	if !strings.Contains(stderr.String(), "stratbench stopped") {
		t.Errorf("no shutdown log line: %s", stderr.String())
	}
}

func TestServeRefusesExposedAddress(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"serve", "--addr", "0.0.0.0:0"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "--insecure") || !strings.Contains(stderr.String(), "SECURITY.md") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestServeBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--max-jobs", "0"},
		{"--grace", "-1s"},
		{"--tls-cert", "x"},
		{"--max-tasks", "-3"},
		{"stray"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), append([]string{"serve"}, args...), &stdout, &stderr); code != 2 {
			t.Errorf("serve %v: exit %d, want 2; stderr %q", args, code, stderr.String())
		}
	}
}
