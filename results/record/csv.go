package record

import (
	"strconv"
	"strings"
	"time"

	"github.com/stratbench/stratbench/internal/vocab/word"
)

// SchemaVersion is the version of the CSV schema that Header describes and
// Writer writes. It changes whenever a column is added, removed, renamed or
// reordered, or a column's meaning or unit changes.
const SchemaVersion = 2

// Row is one CSV row: the result of one trial of one cell. Each field is one
// column, named in the field's comment; Header lists them in file order.
//
// The 42 core columns, schema_version through client_saturated, come first;
// the extras errors_by_code, complete and histogram follow them, then the
// six shared-state columns sync, lock_order, accounts, lost_updates,
// invariant_ok and lock_retries, then (schema version 2) the runtime
// columns, RuntimeColumns.
// Durations are float milliseconds (suffix _ms) or seconds (suffix _s);
// float columns are written rounded to 4 decimal places, so 0.1µs for
// milliseconds.
type Row struct {
	SchemaVersion int       // schema_version; 0 is written as SchemaVersion
	RunID         string    // run_id: identifies the invocation that produced the row
	StartedAt     time.Time // started_at: when the trial began, written RFC 3339 in UTC

	ServerHost           string  // server_host
	ServerCPUModel       string  // server_cpu_model
	ServerLogicalCPUs    int     // server_logical_cpus
	ServerGOMAXPROCS     int     // server_gomaxprocs
	ServerGoVersion      string  // server_go_version
	ServerNsPerIteration float64 // server_ns_per_iteration: calibrated single-core cost of one CPU-kernel iteration
	ClientHost           string  // client_host
	ClientLogicalCPUs    int     // client_logical_cpus

	Strategy      string  // strategy
	Workload      string  // workload
	Scope         string  // scope
	Tasks         int     // tasks: tasks per job
	Parallelism   int     // parallelism: the strategy's limit
	CPUIterations uint64  // cpu_iterations: CPU-kernel iterations per task
	IOLatencyMs   float64 // io_latency_ms: I/O wait per task

	Mode        string  // mode: "closed" or "open" loop
	Concurrency int     // concurrency: closed-loop workers, or open-loop in-flight limit
	TargetRPS   float64 // target_rps: open-loop rate; 0 in closed loop
	Connections int     // connections
	WarmupS     float64 // warmup_s
	DurationS   float64 // duration_s: measured period, warm-up excluded
	Trial       int     // trial: repetition number within the cell

	Requests         uint64  // requests: completed, successes and errors
	Errors           uint64  // errors
	ThroughputRPS    float64 // throughput_rps: successful requests per second
	TasksPerS        float64 // tasks_per_s
	MeanMs           float64 // mean_ms: corrected latency of successes
	P50Ms            float64 // p50_ms
	P90Ms            float64 // p90_ms
	P99Ms            float64 // p99_ms
	P999Ms           float64 // p999_ms
	MaxMs            float64 // max_ms
	UncorrectedP99Ms float64 // uncorrected_p99_ms: measured from the actual send time
	ServerP50Ms      float64 // server_p50_ms: server time, from the transport's receipt (v2; v1: from the handler's start) to the job's end
	ServerP99Ms      float64 // server_p99_ms
	QueueP99Ms       float64 // queue_p99_ms: time waiting for admission
	LateSends        uint64  // late_sends: open-loop sends behind schedule
	ClientCPUPct     float64 // client_cpu_pct
	ClientSaturated  bool    // client_saturated: the client, not the server, may have set the limit

	// ErrorsByCode is errors_by_code: error counts by gRPC code name,
	// written "DEADLINE_EXCEEDED=3;UNAVAILABLE=1" sorted by name, empty when
	// nil. Names hold only letters, digits and underscores.
	ErrorsByCode map[string]uint64
	Complete     bool   // complete: the trial ran to its end without being cut short
	Histogram    string // histogram: path of the trial's histogram bundle, relative to the CSV's directory

	// The shared-state columns, after the extras. Sync is the counter
	// workload's sync mode ("mutex", "atomic", "sharded", "channel" or
	// "none"), LockOrder the transfer workload's lock order ("ordered" or
	// "try") and Accounts its number of accounts; each is empty (0) for
	// the workloads that do not use it.
	Sync        string // sync
	LockOrder   string // lock_order
	Accounts    int    // accounts
	LostUpdates uint64 // lost_updates: counter increments lost, summed over the trial's successful jobs
	// InvariantOK is invariant_ok: no successful job of the trial reported
	// a broken invariant (a transfer job's accounts' total changed). It is
	// true for workloads without an invariant.
	InvariantOK bool
	LockRetries uint64 // lock_retries: failed try-locks, summed over the trial's successful jobs

	// The columns schema version 2 added, after lock_retries. A row read
	// from a version 1 file has none of them (see Has): they read as zero
	// there, and mean "absent", never zero.

	ErrorRate float64 // error_rate: (errors + unsent) ÷ (requests + unsent)
	Unsent    uint64  // unsent: measured open-loop sends that never left
	// P99AllMs and MaxAllMs are p99_all_ms and max_all_ms: the p99 and
	// maximum latency of every measured request at the time it ended,
	// failed or not, an unsent one lasting until the trial's end.
	P99AllMs, MaxAllMs float64
	SendLagP99Ms       float64 // send_lag_p99_ms: p99 of actual − intended send, sends no backlog held
	ServerBacklogged   bool    // server_backlogged: open-loop sends waited for the in-flight limit
	// FlagReasons is flag_reasons: why client_saturated and
	// server_backlogged were raised, "client_saturated: …; server_backlogged:
	// …", empty when neither was.
	FlagReasons  string
	TimeoutMs    float64 // timeout_ms: each RPC's deadline; 0 means none
	RequestCount int     // request_count: measured RPCs of a request-bounded trial; 0 when duration_s bounds it
	FailEvery    int     // fail_every: every n-th task fails; 0 means none
	PanicEvery   int     // panic_every: every n-th task panics; 0 means none
	FailFast     bool    // fail_fast
	ErrorPolicy  string  // error_policy: "fail-fast", "collect-all", or empty (the server's default)
	// Implementation is implementation: whose code ran the strategy ("own",
	// "ants", "pond", "conc" or "errgroup"); "" in a version 1 row, all of
	// whose jobs ran the own code (see ImplementationName).
	Implementation string
	// Runtime is the server's runtime evidence over the measured window
	// (schema version 2; absent in version 1 rows, and
	// wherever the server did not answer Stats).
	Runtime Runtime
	// Profile is profile: the path of the trial's server profile, relative
	// to the CSV's directory; empty when none was recorded.
	Profile string

	// Also version 2: the measured I/O wait and the server-side split of
	// the latency. Each is NaN when absent, written as an empty value: in
	// rows read from version-1 files (which lack them: see Has), and when the server did not report
	// the figure (io_wait_mean_ms for jobs without I/O waits; the split
	// for servers before version 2).
	IOWaitMeanMs float64 // io_wait_mean_ms: mean I/O wait the server measured per task, over the trial's successful jobs
	// ServerWaitP50Ms and ServerWaitP99Ms are server_wait_p50_ms and
	// server_wait_p99_ms: the time from the server transport's receipt of
	// a request to its handler's start (RunResponse.handler_wait).
	ServerWaitP50Ms, ServerWaitP99Ms float64
	// OverheadP50Ms and OverheadP99Ms are overhead_p50_ms and
	// overhead_p99_ms: per request, the client's RPC time (send to
	// response) minus the server time from receipt (handler_wait +
	// server_time): network, serialisation and both sides' gRPC and
	// scheduling outside the measured server span.
	OverheadP50Ms, OverheadP99Ms float64
}

// ImplementationName returns r's implementation, "own" when the row does not
// say (a version 1 row).
func (r Row) ImplementationName() string {
	if r.Implementation == "" {
		return word.ImplementationOwn
	}
	return r.Implementation
}

// Has reports whether r's schema version has the column named column: a
// row read from an older file lacks the columns added since, whose fields
// then hold zero, meaning absent. A row with SchemaVersion 0 is of
// SchemaVersion.
func (r *Row) Has(column string) bool {
	c, ok := columnByName[column]
	v := r.SchemaVersion
	if v == 0 {
		v = SchemaVersion
	}
	return ok && c.version() <= v
}

// Header returns the column names of schema version SchemaVersion, in file
// order. The caller owns the returned slice.
func Header() []string { return HeaderOf(SchemaVersion) }

// HeaderOf returns the column names of schema version v (1 to
// SchemaVersion), in file order, or nil for another version. The caller
// owns the returned slice.
func HeaderOf(v int) []string {
	if v < 1 || v > SchemaVersion {
		return nil
	}
	var h []string
	for _, c := range columnsOf(v) {
		h = append(h, c.name)
	}
	return h
}

// cellKeyColumns are the job and load parameters that identify a cell.
// The shared-state parameters (sharedKeyColumns) go after workload.
var cellKeyColumns = []string{
	"strategy", "workload", "scope", "tasks", "parallelism", "cpu_iterations", "io_latency_ms",
	"mode", "concurrency", "target_rps", "connections", "warmup_s", "duration_s",
}

// sharedKeyColumns are the job parameters of the shared-state workloads,
// part of the cell key only when set.
var sharedKeyColumns = []string{"sync", "lock_order", "accounts"}

// moreKeyColumns are the job and load parameters schema version 2 added,
// part of the cell key, after duration_s, only when set.
var moreKeyColumns = []string{"timeout_ms", "request_count", "fail_every", "panic_every", "fail_fast", "error_policy"}

// CellKey returns a string identifying r's cell: its job parameters
// (strategy, then implementation unless it is own or empty, workload, then sync, lock_order and accounts when they are
// set, then scope, tasks, parallelism, cpu_iterations, io_latency_ms) and
// load parameters (mode, concurrency, target_rps, connections, warmup_s,
// duration_s, then timeout_ms, request_count, fail_every, panic_every,
// fail_fast and error_policy when they are set). An empty sync or
// lock_order and a zero accounts, the values of workloads that do not use
// them, are left out, so the keys of those workloads' cells read as they
// did before the columns existed; so are the zero values of the
// parameters schema version 2 added, which a version 1 row lacks (its
// key holds none of them, so it matches only a version 2 cell that set
// none: no timeout, no injected faults, a duration bound). Host
// fields, the run and the trial number are not part of the key, so every
// trial of a cell, on any host, has the same key. Values are formatted as
// in the CSV, so a row and the same row read back from a file have the
// same key. The key reads like "strategy=pool workload=cpu ...
// duration_s=10"; it is meant for comparison and display, not parsing.
func (r Row) CellKey() string {
	var b strings.Builder
	field := func(name string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(quoteIfNeeded(formatField(columnByName[name].field(&r))))
	}
	ifSet := func(names []string) {
		for _, s := range names {
			if v := formatField(columnByName[s].field(&r)); v != "" && v != "0" && v != "false" {
				field(s)
			}
		}
	}
	for _, name := range cellKeyColumns {
		field(name)
		if name == "strategy" && r.Implementation != "" && r.Implementation != word.ImplementationOwn {
			field("implementation")
		}
		if name == "workload" {
			ifSet(sharedKeyColumns)
		}
	}
	ifSet(moreKeyColumns)
	return b.String()
}

// quoteIfNeeded returns v, quoted in Go syntax when it is empty or holds
// anything but letters, digits, '_', '.', '-' or '+'.
func quoteIfNeeded(v string) string {
	plain := v != ""
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_.-+", c)) {
			plain = false
			break
		}
	}
	if plain {
		return v
	}
	return strconv.Quote(v)
}
