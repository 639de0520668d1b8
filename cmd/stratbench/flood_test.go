package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// The flood's shape and targets (issue 13).
const (
	floodRPCs         = 2000 // goroutine-per-task RPCs in flight at once
	floodTasks        = 1000 // tasks per job
	floodConns        = 8    // connections the RPCs are spread over
	floodProbes       = 20   // health probes during each flood
	floodProbeEvery   = 100 * time.Millisecond
	floodRetryPause   = 100 * time.Millisecond // a refused client waits this long, then sends again
	floodHealthTarget = time.Second            // p99 of the probes
	floodRefuseTarget = time.Second            // every refusal, from its send
	floodRSSTarget    = 1 << 30                // peak server RSS, bytes
)

// TestFlood drives a running server (FLOOD_TARGET, its pid in FLOOD_PID) with
// the two floods of `make flood`: floodRPCs concurrent goroutine-per-task
// RPCs of 1 000 tasks × 100 000 steps (each job alone past the CPU budget),
// then of 1 000 tasks × 1 000 steps (each small, together far past it). Each
// of the floodRPCs clients sends one RPC after another (pausing
// floodRetryPause after a refusal) while floodProbes health checks are made
// on their own connection. It prints the health p99, the slowest refusal,
// the admitted completions and the server's peak RSS, and fails when a
// target is missed. `make test` skips it; TestFloodScaledDown in server/
// checks the same properties in small.
func TestFlood(t *testing.T) {
	target := os.Getenv("FLOOD_TARGET")
	if target == "" {
		t.Skip("set FLOOD_TARGET (make flood) to run the flood")
	}
	var conns []*grpc.ClientConn
	for range floodConns + 1 {
		cc, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		conns = append(conns, cc)
	}
	health := healthpb.NewHealthClient(conns[floodConns])
	for _, iters := range []uint64{100_000, 1_000} {
		t.Run(fmt.Sprintf("%d×%d", floodTasks, iters), func(t *testing.T) {
			r := flood(t, conns[:floodConns], health, iters)
			fmt.Printf("flood %d RPCs of %d tasks × %d steps: health p99 %v (max %v) over %d probes; %d refused (p50 %v, p99 %v, slowest %v sent at +%v, %d past %v), %d admitted and completed, %d other errors\n",
				floodRPCs, floodTasks, iters, r.healthP99.Round(time.Millisecond), r.healthMax.Round(time.Millisecond), len(r.probes),
				r.refused, quantile(r.refusals, 0.50).Round(time.Millisecond), quantile(r.refusals, 0.99).Round(time.Millisecond),
				r.slowestRefusal.Round(time.Millisecond), r.slowestAt.Round(time.Millisecond), countPast(r.refusals, floodRefuseTarget), floodRefuseTarget,
				r.completed, r.other)
			for code, n := range r.codes {
				fmt.Printf("  %v: %d\n", code, n)
			}
			if r.healthP99 > floodHealthTarget {
				t.Errorf("health p99 %v, target %v", r.healthP99, floodHealthTarget)
			}
			if r.slowestRefusal > floodRefuseTarget {
				t.Errorf("slowest refusal %v, target %v", r.slowestRefusal, floodRefuseTarget)
			}
			if r.other > 0 {
				t.Errorf("%d RPCs ended neither completed nor refused", r.other)
			}
			if iters == 1_000 && r.completed == 0 {
				t.Error("no job of the small flood was admitted")
			}
		})
	}
	if pid := os.Getenv("FLOOD_PID"); pid != "" {
		hwm, err := peakRSS(pid)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("server peak RSS (VmHWM) %.0f MiB, target < %.0f MiB\n", float64(hwm)/(1<<20), float64(floodRSSTarget)/(1<<20))
		if hwm >= floodRSSTarget {
			t.Errorf("server peak RSS %d bytes, target < %d", hwm, floodRSSTarget)
		}
	}
}

type floodResult struct {
	probes               []time.Duration
	healthP99, healthMax time.Duration
	refused, completed   int
	other                int
	slowestRefusal       time.Duration
	slowestAt            time.Duration // when the slowest refusal was sent, from the flood's start
	refusals             []time.Duration
	codes                map[codes.Code]int
}

// flood keeps floodRPCs RPCs of floodTasks × iters in flight until the
// probes are done, then lets the last ones end.
func flood(t *testing.T, conns []*grpc.ClientConn, health healthpb.HealthClient, iters uint64) floodResult {
	ctx, stop := context.WithCancel(t.Context())
	r := floodResult{codes: map[codes.Code]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	req := &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, Workload: pb.Workload_WORKLOAD_CPU,
		Tasks: floodTasks, CpuIterations: iters}
	for i := range floodRPCs {
		c := pb.NewBenchServiceClient(conns[i%len(conns)])
		wg.Go(func() {
			for ctx.Err() == nil {
				rctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				sent := time.Now()
				_, err := c.Run(rctx, req)
				took := time.Since(sent)
				cancel()
				code := status.Code(err)
				mu.Lock()
				r.codes[code]++
				switch code {
				case codes.OK:
					r.completed++
				case codes.ResourceExhausted, codes.InvalidArgument:
					r.refused++
					r.refusals = append(r.refusals, took)
					if took > r.slowestRefusal {
						r.slowestRefusal, r.slowestAt = took, sent.Sub(start)
					}
				default:
					r.other++
				}
				mu.Unlock()
				if code != codes.OK {
					select {
					case <-ctx.Done():
					case <-time.After(floodRetryPause):
					}
				}
			}
		})
	}
	tick := time.NewTicker(floodProbeEvery)
	for range floodProbes {
		<-tick.C
		pctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		start := time.Now()
		_, err := health.Check(pctx, &healthpb.HealthCheckRequest{})
		took := time.Since(start)
		cancel()
		if err != nil {
			t.Errorf("health probe: %v", err)
		}
		r.probes = append(r.probes, took)
	}
	tick.Stop()
	stop()
	wg.Wait()
	r.healthP99 = quantile(r.probes, 0.99)
	r.healthMax = slices.Max(r.probes)
	return r
}

// quantile returns the q-quantile of ds by the nearest-rank method (the
// smallest value with at least q of ds at or below it), or 0 for none.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(ds))
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

// countPast returns how many of ds are longer than limit.
func countPast(ds []time.Duration, limit time.Duration) int {
	n := 0
	for _, d := range ds {
		if d > limit {
			n++
		}
	}
	return n
}

// peakRSS returns the VmHWM of process pid, in bytes.
func peakRSS(pid string) (int64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kib << 10, err
		}
	}
	return 0, fmt.Errorf("peak RSS: no VmHWM in /proc/%s/status", pid)
}
