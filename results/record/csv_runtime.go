package record

// Optional is a float column that may be absent: a figure that a trial did
// not measure, such as the server's runtime figures against a server that
// does not answer Stats, or in a row of schema version 1. It is written as
// an empty field when !Valid, and as a float (see FormatFloat) otherwise.
type Optional struct {
	Value float64
	Valid bool
}

// Some returns a valid Optional holding v.
func Some(v float64) Optional { return Optional{Value: v, Valid: true} }

// String formats o as the CSV does: "" when absent.
func (o Optional) String() string {
	if !o.Valid {
		return ""
	}
	return FormatFloat(o.Value)
}

// MarshalJSON writes o as JSON: null when absent, else its number as the CSV
// rounds it.
func (o Optional) MarshalJSON() ([]byte, error) {
	if !o.Valid {
		return []byte("null"), nil
	}
	return []byte(FormatFloat(o.Value)), nil
}

// parseOptional parses s as an Optional: "" is absent.
func parseOptional(s string) (Optional, error) {
	if s == "" {
		return Optional{}, nil
	}
	var v float64
	if err := parseField(&v, s); err != nil {
		return Optional{}, err
	}
	return Some(v), nil
}

// RuntimeColumns are the columns, added in schema version 2, that hold the
// server's runtime evidence of a trial's measured window, and the path of
// its profile. A row of schema version 1 reads with all of them absent.
var RuntimeColumns = []string{
	"server_cpu_s", "server_cpu_us_per_task", "sched_latency_p50_us", "sched_latency_p99_us",
	"gc_cpu_pct", "allocs_per_task", "bytes_per_task", "mutex_wait_ms", "goroutines_peak",
	"heap_peak_mb", "throttled_s", "profile",
}

// runtimeColumns maps RuntimeColumns to Row fields, in file order.
var runtimeColumns = []columnDef{
	{"server_cpu_s", func(r *Row) any { return &r.Runtime.ServerCPUS }},
	{"server_cpu_us_per_task", func(r *Row) any { return &r.Runtime.ServerCPUUsPerTask }},
	{"sched_latency_p50_us", func(r *Row) any { return &r.Runtime.SchedLatencyP50Us }},
	{"sched_latency_p99_us", func(r *Row) any { return &r.Runtime.SchedLatencyP99Us }},
	{"gc_cpu_pct", func(r *Row) any { return &r.Runtime.GCCPUPct }},
	{"allocs_per_task", func(r *Row) any { return &r.Runtime.AllocsPerTask }},
	{"bytes_per_task", func(r *Row) any { return &r.Runtime.BytesPerTask }},
	{"mutex_wait_ms", func(r *Row) any { return &r.Runtime.MutexWaitMs }},
	{"goroutines_peak", func(r *Row) any { return &r.Runtime.GoroutinesPeak }},
	{"heap_peak_mb", func(r *Row) any { return &r.Runtime.HeapPeakMB }},
	{"throttled_s", func(r *Row) any { return &r.Runtime.ThrottledS }},
	{"profile", func(r *Row) any { return &r.Profile }},
}

// Runtime is a trial's runtime evidence from the server (schema version 2):
// the differences of the server's Stats between the start and the end of
// the measured window. Every figure is absent when the server did not
// answer Stats; see FORMAT.md for each column.
type Runtime struct {
	ServerCPUS         Optional // server_cpu_s: the server process's CPU time (user + system)
	ServerCPUUsPerTask Optional // server_cpu_us_per_task: server_cpu_s in µs ÷ the window's completed tasks
	SchedLatencyP50Us  Optional // sched_latency_p50_us: median wait of runnable goroutines for a P
	SchedLatencyP99Us  Optional // sched_latency_p99_us
	GCCPUPct           Optional // gc_cpu_pct: GC's share of the runtime's CPU
	AllocsPerTask      Optional // allocs_per_task: heap objects allocated ÷ tasks
	BytesPerTask       Optional // bytes_per_task: heap bytes allocated ÷ tasks
	MutexWaitMs        Optional // mutex_wait_ms: time goroutines spent blocked on mutexes
	GoroutinesPeak     Optional // goroutines_peak: the most goroutines seen
	HeapPeakMB         Optional // heap_peak_mb: the most heap in use seen, 10^6 bytes
	ThrottledS         Optional // throttled_s: time the server's cgroup was throttled
}

// Set sets the figure of column name (one of RuntimeColumns but profile)
// to v; other names are ignored.
func (r *Runtime) Set(name string, v Optional) {
	row := Row{Runtime: *r}
	if c, ok := columnByName[name]; ok {
		if p, ok := c.field(&row).(*Optional); ok {
			*p = v
			*r = row.Runtime
		}
	}
}
