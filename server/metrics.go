package server

import (
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"

	"github.com/stratbench/stratbench/internal/vocab/word"
	"github.com/stratbench/stratbench/strategies"
)

// The limits an admission can be refused by: the value of the limit label of
// stratbench_admissions_refused_total, named after the serve flag.
const (
	RefusedMaxJobs             = "max_jobs"
	RefusedMaxTasksInFlight    = "max_tasks_in_flight"
	RefusedMaxCPUInFlight      = "max_cpu_in_flight"
	RefusedMaxMemoryInFlight   = "max_memory_in_flight"
	RefusedMaxSchedLatency     = "max_sched_latency"
	RefusedMaxSharedStrategies = "max_shared_strategies"
)

// Task outcomes: the value of the outcome label of stratbench_tasks_total.
const (
	OutcomeCompleted = "completed"
	OutcomeFailed    = "failed"
	OutcomeCancelled = "cancelled"
)

// Metrics are the Prometheus metrics of one Service: the gRPC server metrics
// of go-grpc-middleware (grpc_server_handled_total by code,
// grpc_server_handling_seconds), the Go and process collectors, and
// stratbench's own:
//
//	stratbench_jobs_in_flight                     gauge
//	stratbench_tasks_in_flight                    gauge
//	stratbench_admissions_refused_total{limit}    counter
//	stratbench_tasks_total{strategy,workload,outcome} counter
//	stratbench_job_duration_seconds{strategy}     histogram
//
// A job's tasks are counted, and its duration observed, when it ends,
// whatever its status (fail_fast, cancelled, deadline). Recording costs a
// few atomic adds per job.
type Metrics struct {
	// Registry holds every metric; serve it with Handler.
	Registry *prometheus.Registry

	grpc     *grpcprom.ServerMetrics
	refused  *prometheus.CounterVec
	tasks    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics returns the metrics of svc and makes svc record into them. Call
// it before svc serves its first RPC, pass ServerOptions to NewGRPCServer,
// then call Init with the gRPC server.
func NewMetrics(svc *Service) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		grpc: grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(
			grpcprom.WithHistogramBuckets(prometheus.ExponentialBucketsRange(50e-6, 60, 16)))),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stratbench_admissions_refused_total",
			Help: "Run RPCs refused with RESOURCE_EXHAUSTED, by the limit that refused them.",
		}, []string{"limit"}),
		tasks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stratbench_tasks_total",
			Help: "Tasks of ended jobs, by strategy, workload and outcome (completed, failed, cancelled).",
		}, []string{"strategy", "workload", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stratbench_job_duration_seconds",
			Help:    "Time from admission to the end of a job's last task, by strategy.",
			Buckets: prometheus.ExponentialBucketsRange(50e-6, 60, 16),
		}, []string{"strategy"}),
	}
	// Every series exists from the start, so that rate() and absent()
	// behave before the first job.
	for _, l := range []string{RefusedMaxJobs, RefusedMaxTasksInFlight, RefusedMaxCPUInFlight,
		RefusedMaxMemoryInFlight, RefusedMaxSchedLatency, RefusedMaxSharedStrategies} {
		m.refused.WithLabelValues(l)
	}
	for _, s := range word.StrategyWords {
		m.duration.WithLabelValues(s)
		for _, w := range word.WorkloadWords {
			for _, o := range []string{OutcomeCompleted, OutcomeFailed, OutcomeCancelled} {
				m.tasks.WithLabelValues(s, w, o)
			}
		}
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.grpc, m.refused, m.tasks, m.duration,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stratbench_jobs_in_flight",
			Help: "Run RPCs admitted and not yet ended.",
		}, func() float64 { return float64(svc.InFlight()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stratbench_tasks_in_flight",
			Help: "Tasks of the admitted jobs, counted from admission to the job's end.",
		}, func() float64 { return float64(svc.admit.tasks.used.Load()) }),
	)
	svc.metrics = m
	svc.admit.refused = m.refusedBy
	return m
}

// ServerOptions returns the interceptors that record the gRPC server metrics.
// Put them before any other interceptor, so that refused calls (a wrong
// token) are counted too.
func (m *Metrics) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(m.grpc.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(m.grpc.StreamServerInterceptor()),
	}
}

// Init creates the gRPC series of every method of gs at zero.
func (m *Metrics) Init(gs *grpc.Server) { m.grpc.InitializeMetrics(gs) }

// refusedBy counts an admission refused by limit. A nil m records nothing.
func (m *Metrics) refusedBy(limit string) {
	if m != nil {
		m.refused.WithLabelValues(limit).Inc()
	}
}

// jobEnded records an ended job's tasks and duration. A nil m records
// nothing.
func (m *Metrics) jobEnded(job Job, res strategies.Result, took time.Duration) {
	if m == nil {
		return
	}
	s, w := job.Strategy.String(), job.Spec.Kind.String()
	m.tasks.WithLabelValues(s, w, OutcomeCompleted).Add(float64(res.Completed))
	m.tasks.WithLabelValues(s, w, OutcomeFailed).Add(float64(res.Failed))
	m.tasks.WithLabelValues(s, w, OutcomeCancelled).Add(float64(res.Cancelled))
	m.duration.WithLabelValues(s).Observe(took.Seconds())
}
