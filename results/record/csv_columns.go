package record

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// column is one CSV column: its name and the Row field it holds, returned as
// a pointer (*string, *int, *uint64, *float64, *Optional, *bool,
// *time.Time or *map[string]uint64).
type column struct {
	columnDef
	since int // the schema version that added the column
}

// columnDef is a column as listed: its name and its field.
type columnDef struct {
	name  string
	field func(*Row) any
}

// absent reports whether c is a float column whose figure may be missing
// within the version that has it: NaN in the Row, written as an empty
// value. Such a column is NaN, too, in a row of an older version, which
// lacks it (see Row.Has).
func (c column) absent() bool { return absentColumns[c.name] }

// absentColumns are the columns whose figures may be absent.
var absentColumns = map[string]bool{
	"io_wait_mean_ms": true, "server_wait_p50_ms": true, "server_wait_p99_ms": true,
	"overhead_p50_ms": true, "overhead_p99_ms": true,
}

// setAbsent marks every absent-able figure of r absent (NaN), as a file
// of an older version, which lacks their columns, leaves them.
func setAbsent(r *Row) {
	for _, c := range columns {
		if c.absent() {
			*c.field(r).(*float64) = math.NaN()
		}
	}
}

// version returns the schema version that added c.
func (c column) version() int { return c.since }

// since returns defs as columns added in schema version v.
func since(v int, defs []columnDef) []column {
	cs := make([]column, len(defs))
	for i, d := range defs {
		cs[i] = column{d, v}
	}
	return cs
}

// columnsOf returns the columns of schema version v, in file order: those
// added in v or before.
func columnsOf(v int) []column {
	var cs []column
	for _, c := range columns {
		if c.version() <= v {
			cs = append(cs, c)
		}
	}
	return cs
}

// columns lists every schema version's columns in file order: version 1's,
// then the columns version 2 added.
var columns = slices.Concat(since(1, v1Columns), since(2, v2Columns))

// v1Columns are schema version 1 in file order: the 42 core columns, the
// three extras, then the six shared-state columns.
var v1Columns = []columnDef{
	{"schema_version", func(r *Row) any { return &r.SchemaVersion }},
	{"run_id", func(r *Row) any { return &r.RunID }},
	{"started_at", func(r *Row) any { return &r.StartedAt }},
	{"server_host", func(r *Row) any { return &r.ServerHost }},
	{"server_cpu_model", func(r *Row) any { return &r.ServerCPUModel }},
	{"server_logical_cpus", func(r *Row) any { return &r.ServerLogicalCPUs }},
	{"server_gomaxprocs", func(r *Row) any { return &r.ServerGOMAXPROCS }},
	{"server_go_version", func(r *Row) any { return &r.ServerGoVersion }},
	{"server_ns_per_iteration", func(r *Row) any { return &r.ServerNsPerIteration }},
	{"client_host", func(r *Row) any { return &r.ClientHost }},
	{"client_logical_cpus", func(r *Row) any { return &r.ClientLogicalCPUs }},
	{"strategy", func(r *Row) any { return &r.Strategy }},
	{"workload", func(r *Row) any { return &r.Workload }},
	{"scope", func(r *Row) any { return &r.Scope }},
	{"tasks", func(r *Row) any { return &r.Tasks }},
	{"parallelism", func(r *Row) any { return &r.Parallelism }},
	{"cpu_iterations", func(r *Row) any { return &r.CPUIterations }},
	{"io_latency_ms", func(r *Row) any { return &r.IOLatencyMs }},
	{"mode", func(r *Row) any { return &r.Mode }},
	{"concurrency", func(r *Row) any { return &r.Concurrency }},
	{"target_rps", func(r *Row) any { return &r.TargetRPS }},
	{"connections", func(r *Row) any { return &r.Connections }},
	{"warmup_s", func(r *Row) any { return &r.WarmupS }},
	{"duration_s", func(r *Row) any { return &r.DurationS }},
	{"trial", func(r *Row) any { return &r.Trial }},
	{"requests", func(r *Row) any { return &r.Requests }},
	{"errors", func(r *Row) any { return &r.Errors }},
	{"throughput_rps", func(r *Row) any { return &r.ThroughputRPS }},
	{"tasks_per_s", func(r *Row) any { return &r.TasksPerS }},
	{"mean_ms", func(r *Row) any { return &r.MeanMs }},
	{"p50_ms", func(r *Row) any { return &r.P50Ms }},
	{"p90_ms", func(r *Row) any { return &r.P90Ms }},
	{"p99_ms", func(r *Row) any { return &r.P99Ms }},
	{"p999_ms", func(r *Row) any { return &r.P999Ms }},
	{"max_ms", func(r *Row) any { return &r.MaxMs }},
	{"uncorrected_p99_ms", func(r *Row) any { return &r.UncorrectedP99Ms }},
	{"server_p50_ms", func(r *Row) any { return &r.ServerP50Ms }},
	{"server_p99_ms", func(r *Row) any { return &r.ServerP99Ms }},
	{"queue_p99_ms", func(r *Row) any { return &r.QueueP99Ms }},
	{"late_sends", func(r *Row) any { return &r.LateSends }},
	{"client_cpu_pct", func(r *Row) any { return &r.ClientCPUPct }},
	{"client_saturated", func(r *Row) any { return &r.ClientSaturated }},
	// Extras, after the 42 core columns.
	{"errors_by_code", func(r *Row) any { return &r.ErrorsByCode }},
	{"complete", func(r *Row) any { return &r.Complete }},
	{"histogram", func(r *Row) any { return &r.Histogram }},
	// Shared-state columns, after the extras.
	{"sync", func(r *Row) any { return &r.Sync }},
	{"lock_order", func(r *Row) any { return &r.LockOrder }},
	{"accounts", func(r *Row) any { return &r.Accounts }},
	{"lost_updates", func(r *Row) any { return &r.LostUpdates }},
	{"invariant_ok", func(r *Row) any { return &r.InvariantOK }},
	{"lock_retries", func(r *Row) any { return &r.LockRetries }},
}

// v2Columns are the columns schema version 2 added, after version 1's.
var v2Columns = slices.Concat([]columnDef{
	// Every request counted, the flags' reasons, and the job and load
	// parameters that complete the cell key.
	{"error_rate", func(r *Row) any { return &r.ErrorRate }},
	{"unsent", func(r *Row) any { return &r.Unsent }},
	{"p99_all_ms", func(r *Row) any { return &r.P99AllMs }},
	{"max_all_ms", func(r *Row) any { return &r.MaxAllMs }},
	{"send_lag_p99_ms", func(r *Row) any { return &r.SendLagP99Ms }},
	{"server_backlogged", func(r *Row) any { return &r.ServerBacklogged }},
	{"flag_reasons", func(r *Row) any { return &r.FlagReasons }},
	{"timeout_ms", func(r *Row) any { return &r.TimeoutMs }},
	{"request_count", func(r *Row) any { return &r.RequestCount }},
	{"fail_every", func(r *Row) any { return &r.FailEvery }},
	{"panic_every", func(r *Row) any { return &r.PanicEvery }},
	{"fail_fast", func(r *Row) any { return &r.FailFast }},
	{"error_policy", func(r *Row) any { return &r.ErrorPolicy }},
	// implementation: whose code ran the strategy (own, ants, pond, conc,
	// errgroup); "" in a version 1 row, whose jobs all ran the own code.
	{"implementation", func(r *Row) any { return &r.Implementation }},
	// The measured I/O wait and the server-side split of the latency
	// (issue 10). Each may be absent (empty) within version 2.
	{"io_wait_mean_ms", func(r *Row) any { return &r.IOWaitMeanMs }},
	{"server_wait_p50_ms", func(r *Row) any { return &r.ServerWaitP50Ms }},
	{"server_wait_p99_ms", func(r *Row) any { return &r.ServerWaitP99Ms }},
	{"overhead_p50_ms", func(r *Row) any { return &r.OverheadP50Ms }},
	{"overhead_p99_ms", func(r *Row) any { return &r.OverheadP99Ms }},
	// Then runtimeColumns (csv_runtime.go): the server's runtime evidence
	// of the measured window and the path of the trial's profile; an empty
	// field is absent.
}, runtimeColumns)

var columnByName = func() map[string]column {
	m := make(map[string]column, len(columns))
	for _, c := range columns {
		m[c.name] = c
	}
	return m
}()

// roundFloat rounds v to 4 decimal places. It is idempotent, so a value
// read back from a file formats to the same text.
func roundFloat(v float64) float64 {
	const scale = 1e4
	if math.Abs(v) >= 1<<52/scale || math.IsNaN(v) {
		return v // already coarser than 1e-4, or not a number
	}
	return math.Round(v*scale) / scale
}

// FormatFloat renders v as the CSV does: rounded to 4 decimal places (see
// FORMAT.md), in the shortest decimal form, without exponent.
func FormatFloat(v float64) string { return strconv.FormatFloat(roundFloat(v), 'f', -1, 64) }

// formatField renders the field p points to as CSV text, without checking
// it. A NaN float, an absent figure, is written empty.
func formatField(p any) string {
	switch p := p.(type) {
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *uint64:
		return strconv.FormatUint(*p, 10)
	case *float64:
		return FormatFloat(*p)
	case *Optional:
		return p.String()
	case *bool:
		return strconv.FormatBool(*p)
	case *time.Time:
		return p.UTC().Format(time.RFC3339Nano)
	case *map[string]uint64:
		parts := make([]string, 0, len(*p))
		for _, code := range slices.Sorted(maps.Keys(*p)) {
			parts = append(parts, code+"="+strconv.FormatUint((*p)[code], 10))
		}
		return strings.Join(parts, ";")
	}
	panic(fmt.Sprintf("results: column field of unexpected type %T", p))
}

// checkField reports why the field p points to cannot be written so that it
// reads back equal.
func checkField(p any) error {
	switch p := p.(type) {
	case *string:
		if strings.ContainsAny(*p, "\r\n") {
			return errors.New("holds a line break")
		}
	case *float64:
		if math.IsNaN(*p) || math.IsInf(*p, 0) {
			return errors.New("is not a finite number")
		}
	case *Optional:
		if p.Valid && (math.IsNaN(p.Value) || math.IsInf(p.Value, 0)) {
			return errors.New("is not a finite number")
		}
	case *time.Time:
		if y := p.UTC().Year(); y < 0 || y > 9999 {
			return fmt.Errorf("year %d is outside RFC 3339", y)
		}
	case *map[string]uint64:
		for code := range *p {
			if !isCodeName(code) {
				return fmt.Errorf("code name %q is not letters, digits and '_'", code)
			}
		}
	}
	return nil
}

// parseField parses s into the field p points to, strictly: only text that
// formatField could produce, modulo number syntax, is accepted.
func parseField(p any, s string) error {
	var err error
	switch p := p.(type) {
	case *string:
		if strings.ContainsAny(s, "\r\n") {
			return errors.New("holds a line break")
		}
		*p = s
	case *int:
		var v int64
		v, err = strconv.ParseInt(s, 10, 0)
		*p = int(v)
	case *uint64:
		*p, err = strconv.ParseUint(s, 10, 64)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
		if err == nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
			err = errors.New("not a finite number")
		}
	case *Optional:
		*p, err = parseOptional(s)
	case *bool:
		switch s {
		case "true", "false":
			*p = s == "true"
		default:
			err = errors.New(`want "true" or "false"`)
		}
	case *time.Time:
		if !strings.HasSuffix(s, "Z") {
			return errors.New("want an RFC 3339 time in UTC, ending in Z")
		}
		var t time.Time
		t, err = time.Parse(time.RFC3339Nano, s)
		*p = t.UTC()
	case *map[string]uint64:
		*p, err = parseErrorsByCode(s)
	default:
		panic(fmt.Sprintf("results: column field of unexpected type %T", p))
	}
	return err
}

// parseErrorsByCode parses "CODE=N;CODE=N", codes strictly increasing.
func parseErrorsByCode(s string) (map[string]uint64, error) {
	if s == "" {
		return nil, nil
	}
	m := make(map[string]uint64)
	prev := ""
	for part := range strings.SplitSeq(s, ";") {
		code, n, ok := strings.Cut(part, "=")
		if !ok || !isCodeName(code) {
			return nil, fmt.Errorf("entry %q is not CODE=COUNT", part)
		}
		if code <= prev {
			return nil, fmt.Errorf("code %q is out of order or repeated", code)
		}
		v, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", part, err)
		}
		m[code], prev = v, code
	}
	return m, nil
}

// isCodeName reports whether s is a non-empty run of ASCII letters, digits and
// underscores, as gRPC code names are.
func isCodeName(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}
