package server_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/server"
)

const metricsToken = "0123456789abcdef-metrics"

// startWithMetrics serves a Service with metrics over bufconn and its
// /metrics on an httptest server bound to 127.0.0.1:0.
func startWithMetrics(t *testing.T, l server.Limits) (pb.BenchServiceClient, *httptest.Server) {
	t.Helper()
	svc := server.New(l, server.Fingerprint(100))
	m := server.NewMetrics(svc)
	gs, _ := server.NewGRPCServer(svc, l, m.ServerOptions()...)
	m.Init(gs)
	conn := serveBufconn(t, svc, gs)
	hs := httptest.NewServer(m.Handler(metricsToken))
	t.Cleanup(hs.Close)
	return pb.NewBenchServiceClient(conn), hs
}

// scrape fetches /metrics as Prometheus does and returns its families.
func scrape(t *testing.T, hs *httptest.Server) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", hs.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// value returns the counter, gauge or histogram count of the series of
// family name whose labels include want, or NaN if there is none.
func value(fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	f := fams[name]
	if f == nil {
		return math.NaN()
	}
series:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(want); i += 2 {
			if have[want[i]] != want[i+1] {
				continue series
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return math.NaN()
}

// TestMetricsMatchResponses scrapes /metrics while a job runs and after a
// known set of jobs, and checks every stratbench counter against what the
// responses said: in-flight gauges during the run, the refusal by max_jobs,
// tasks by outcome, job counts by strategy and RPCs by code.
func TestMetricsMatchResponses(t *testing.T) {
	l := server.DefaultLimits()
	l.MaxJobsInFlight = 1
	c, hs := startWithMetrics(t, l)

	// A job that waits until cancelled holds the only admission slot.
	long, cancel := context.WithCancel(t.Context())
	defer cancel()
	longDone := make(chan error, 1)
	go func() {
		_, err := c.Run(long, &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_POOL, Workload: pb.Workload_WORKLOAD_IO,
			Tasks: 7, Parallelism: 7, IoLatency: durationpb.New(59 * time.Second)})
		longDone <- err
	}()
	var fams map[string]*dto.MetricFamily
	// Admission counts the job, then its tasks: wait for both.
	for range 2000 {
		if fams = scrape(t, hs); value(fams, "stratbench_jobs_in_flight") == 1 && value(fams, "stratbench_tasks_in_flight") == 7 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := value(fams, "stratbench_jobs_in_flight"); got != 1 {
		t.Fatalf("jobs in flight during the run: %v, want 1", got)
	}
	if got := value(fams, "stratbench_tasks_in_flight"); got != 7 {
		t.Errorf("tasks in flight during the run: %v, want 7", got)
	}
	_, err := c.Run(t.Context(), &pb.RunRequest{Strategy: pb.Strategy_STRATEGY_SERIAL, Workload: pb.Workload_WORKLOAD_CPU, Tasks: 1, CpuIterations: 1})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("second job: %v, want RESOURCE_EXHAUSTED", err)
	}
	if got := value(scrape(t, hs), "stratbench_admissions_refused_total", "limit", server.RefusedMaxJobs); got != 1 {
		t.Errorf("refused by max_jobs: %v, want 1", got)
	}
	cancel()
	if err := <-longDone; status.Code(err) != codes.Canceled {
		t.Fatalf("long job: %v, want CANCELED", err)
	}
	// The server ends the job just after the client sees CANCELED.
	for range 2000 {
		if fams = scrape(t, hs); value(fams, "stratbench_jobs_in_flight") == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := value(fams, "stratbench_tasks_total", "strategy", "pool", "workload", "io", "outcome", server.OutcomeCancelled); got != 7 {
		t.Errorf("cancelled io tasks under pool: %v, want 7", got)
	}

	// Jobs with known outcomes: every fourth task fails.
	want := map[string]float64{}
	jobs := map[string]float64{}
	ok := 0
	for _, s := range allStrategies {
		for _, w := range []pb.Workload{pb.Workload_WORKLOAD_CPU, pb.Workload_WORKLOAD_MIXED} {
			resp, err := c.Run(t.Context(), &pb.RunRequest{Strategy: s, Workload: w, Tasks: 10, Parallelism: 3,
				CpuIterations: 10, IoLatency: durationpb.New(time.Microsecond), FailEvery: 4,
				ErrorPolicy: pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL})
			if err != nil {
				t.Fatal(err)
			}
			ok++
			sn, wn := strategyWord(s), strings.ToLower(strings.TrimPrefix(w.String(), "WORKLOAD_"))
			want[sn+"/"+wn+"/"+server.OutcomeCompleted] += float64(resp.TasksCompleted)
			want[sn+"/"+wn+"/"+server.OutcomeFailed] += float64(resp.TasksFailed)
			want[sn+"/"+wn+"/"+server.OutcomeCancelled] += float64(resp.TasksCancelled)
			jobs[sn]++
		}
	}
	fams = scrape(t, hs)
	for key, n := range want {
		p := strings.Split(key, "/")
		if got := value(fams, "stratbench_tasks_total", "strategy", p[0], "workload", p[1], "outcome", p[2]); got != n {
			t.Errorf("tasks %s: %v, want %v (from the responses)", key, got, n)
		}
	}
	for s, n := range jobs {
		if s == "pool" {
			n++ // the cancelled job
		}
		if got := value(fams, "stratbench_job_duration_seconds", "strategy", s); got != n {
			t.Errorf("job durations observed for %s: %v, want %v", s, got, n)
		}
	}
	for _, tc := range []struct {
		code string
		n    float64
	}{{"OK", float64(ok)}, {"ResourceExhausted", 1}, {"Canceled", 1}} {
		if got := value(fams, "grpc_server_handled_total", "grpc_method", "Run", "grpc_code", tc.code); got != tc.n {
			t.Errorf("Run handled with %s: %v, want %v", tc.code, got, tc.n)
		}
	}
	if got := value(fams, "grpc_server_handling_seconds", "grpc_method", "Run"); got != float64(ok)+2 {
		t.Errorf("Run handling times observed: %v, want %d", got, ok+2)
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "go_gc_duration_seconds"} {
		if fams[name] == nil {
			t.Errorf("no %s: the Go or process collector is missing", name)
		}
	}
}

func strategyWord(s pb.Strategy) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(s.String(), "STRATEGY_")), "_", "-")
}

// TestMetricsHandlerAuth: with a token, /metrics answers 401 to a missing or
// wrong one; Prometheus's Accept header gets OpenMetrics; other paths 404.
func TestMetricsHandlerAuth(t *testing.T) {
	_, hs := startWithMetrics(t, server.DefaultLimits())
	for _, tc := range []struct {
		path, auth, accept string
		code               int
		ctype              string
	}{
		{"/metrics", "", "", http.StatusUnauthorized, ""},
		{"/metrics", "Bearer wrong-token-0123456789", "", http.StatusUnauthorized, ""},
		{"/metrics", metricsToken, "", http.StatusUnauthorized, ""},
		{"/metrics", "Bearer " + metricsToken, "", http.StatusOK, "text/plain"},
		{"/metrics", "Bearer " + metricsToken, "application/openmetrics-text;version=1.0.0", http.StatusOK, "application/openmetrics-text"},
		{"/", "Bearer " + metricsToken, "", http.StatusNotFound, ""},
	} {
		t.Run(fmt.Sprintf("%s %q %q", tc.path, tc.auth, tc.accept), func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", hs.URL+tc.path, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			resp, err := hs.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.code, body)
			}
			if tc.code == http.StatusOK {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
					t.Errorf("Content-Type %q, want %s", resp.Header.Get("Content-Type"), tc.ctype)
				}
				if !strings.Contains(string(body), "stratbench_jobs_in_flight") {
					t.Errorf("no stratbench_jobs_in_flight in %d bytes", len(body))
				}
			} else if strings.Contains(string(body), "stratbench_") {
				t.Errorf("refused request got metrics: %s", body)
			}
		})
	}
}
