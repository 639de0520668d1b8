package slo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/stratbench/stratbench/internal/atomicfile"
)

// FileName is the capacity CSV's name inside a report folder.
const FileName = "capacity.csv"

// SchemaVersion is the version of the capacity CSV this package writes and
// reads.
const SchemaVersion = 1

// MaxFileBytes is the largest capacity CSV ReadFile reads.
const MaxFileBytes = 64 << 20

// Row is one probe of one cell's capacity search, with the cell, the
// objective and the search's answer repeated on every row of the cell.
type Row struct {
	SchemaVersion int
	RunID         string
	ServerHost    string
	// The cell: the job every RPC carried, and the probe load's fixed parts.
	Strategy, Workload, Scope string
	Tasks, Parallelism        int
	CPUIterations             uint64
	IOLatencyMs               float64
	Sync, LockOrder           string
	Accounts                  int
	Connections, MaxInFlight  int
	WarmupS, DurationS        float64
	// The objective: "p99<=50ms errors<=0.1%", its quantile, bound and
	// error-rate limit.
	Objective    string
	Quantile     float64
	BoundMs      float64
	MaxErrorRate float64
	// The answer: the capacity in requests and tasks per second (both 0
	// unless Outcome is "found") and the search's outcome word.
	CapacityRPS, CapacityTasksPerS float64
	Outcome                        string
	// The probe.
	Step                        int
	Phase                       string
	OfferedRPS, AchievedRPS     float64
	TasksPerS                   float64
	Requests, Errors            uint64
	ErrorRate                   float64
	P50Ms, P90Ms, P99Ms, P999Ms float64
	MaxMs, ObjectiveMs          float64
	Verdict                     string
	Reason                      string
	// LateFraction is the fraction of the probe's sends that left late
	// or never left.
	LateFraction float64
	// Histogram is the probe's trial file, relative to the CSV's folder,
	// or "".
	Histogram string
}

// The outcome words of a search.
const (
	OutcomeFound         = "found"
	OutcomeClientLimited = "client_limited"
	OutcomeNoPassingRate = "no_passing_rate"
	OutcomeAboveMaxRate  = "above_max_rate"
	OutcomeProbeLimit    = "probe_limit"
	OutcomeInterrupted   = "interrupted"
	OutcomeError         = "error"
)

// Label returns the cell's short name, such as "pool/cpu" or
// "pool/io/server", as the report shows it.
func (r Row) Label() string {
	s := r.Strategy + "/" + r.Workload
	switch {
	case r.Sync != "":
		s += "/" + r.Sync
	case r.LockOrder != "":
		s += "/" + r.LockOrder + "-" + strconv.Itoa(r.Accounts)
	}
	if r.Scope == "server" {
		s += "/server"
	}
	return s
}

// CellKey identifies the row's cell and objective: rows with equal keys
// belong to one search.
func (r Row) CellKey() string {
	return strings.Join([]string{r.RunID, r.Label(), strconv.Itoa(r.Tasks), strconv.Itoa(r.Parallelism),
		strconv.FormatUint(r.CPUIterations, 10), FormatFloat(r.IOLatencyMs), strconv.Itoa(r.Connections), r.Objective}, " ")
}

// column is one CSV column and the Row field it holds.
type column struct {
	name  string
	field func(*Row) any
}

// columns lists the capacity CSV's columns in file order.
var columns = []column{
	{"schema_version", func(r *Row) any { return &r.SchemaVersion }},
	{"run_id", func(r *Row) any { return &r.RunID }},
	{"server_host", func(r *Row) any { return &r.ServerHost }},
	{"strategy", func(r *Row) any { return &r.Strategy }},
	{"workload", func(r *Row) any { return &r.Workload }},
	{"scope", func(r *Row) any { return &r.Scope }},
	{"tasks", func(r *Row) any { return &r.Tasks }},
	{"parallelism", func(r *Row) any { return &r.Parallelism }},
	{"cpu_iterations", func(r *Row) any { return &r.CPUIterations }},
	{"io_latency_ms", func(r *Row) any { return &r.IOLatencyMs }},
	{"sync", func(r *Row) any { return &r.Sync }},
	{"lock_order", func(r *Row) any { return &r.LockOrder }},
	{"accounts", func(r *Row) any { return &r.Accounts }},
	{"connections", func(r *Row) any { return &r.Connections }},
	{"max_in_flight", func(r *Row) any { return &r.MaxInFlight }},
	{"warmup_s", func(r *Row) any { return &r.WarmupS }},
	{"duration_s", func(r *Row) any { return &r.DurationS }},
	{"objective", func(r *Row) any { return &r.Objective }},
	{"objective_quantile", func(r *Row) any { return &r.Quantile }},
	{"objective_bound_ms", func(r *Row) any { return &r.BoundMs }},
	{"max_error_rate", func(r *Row) any { return &r.MaxErrorRate }},
	{"capacity_rps", func(r *Row) any { return &r.CapacityRPS }},
	{"capacity_tasks_per_s", func(r *Row) any { return &r.CapacityTasksPerS }},
	{"outcome", func(r *Row) any { return &r.Outcome }},
	{"probe", func(r *Row) any { return &r.Step }},
	{"phase", func(r *Row) any { return &r.Phase }},
	{"offered_rps", func(r *Row) any { return &r.OfferedRPS }},
	{"achieved_rps", func(r *Row) any { return &r.AchievedRPS }},
	{"tasks_per_s", func(r *Row) any { return &r.TasksPerS }},
	{"requests", func(r *Row) any { return &r.Requests }},
	{"errors", func(r *Row) any { return &r.Errors }},
	{"error_rate", func(r *Row) any { return &r.ErrorRate }},
	{"p50_ms", func(r *Row) any { return &r.P50Ms }},
	{"p90_ms", func(r *Row) any { return &r.P90Ms }},
	{"p99_ms", func(r *Row) any { return &r.P99Ms }},
	{"p999_ms", func(r *Row) any { return &r.P999Ms }},
	{"max_ms", func(r *Row) any { return &r.MaxMs }},
	{"objective_ms", func(r *Row) any { return &r.ObjectiveMs }},
	{"verdict", func(r *Row) any { return &r.Verdict }},
	{"reason", func(r *Row) any { return &r.Reason }},
	{"late_fraction", func(r *Row) any { return &r.LateFraction }},
	{"histogram", func(r *Row) any { return &r.Histogram }},
}

// Header returns the column names in file order.
func Header() []string {
	h := make([]string, len(columns))
	for i, c := range columns {
		h[i] = c.name
	}
	return h
}

// FormatFloat formats v with at most 6 decimals and no exponent.
func FormatFloat(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

// record returns r's fields as strings in column order.
func (r *Row) record() []string {
	rec := make([]string, len(columns))
	for i, c := range columns {
		switch p := c.field(r).(type) {
		case *string:
			rec[i] = *p
		case *int:
			rec[i] = strconv.Itoa(*p)
		case *uint64:
			rec[i] = strconv.FormatUint(*p, 10)
		case *float64:
			rec[i] = FormatFloat(*p)
		}
	}
	return rec
}

// WriteCSV writes the header and rows to w.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header()); err != nil {
		return err
	}
	for i := range rows {
		if err := cw.Write(rows[i].record()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteFile replaces the file at path with the header and rows, atomically.
func WriteFile(path string, rows []Row) error {
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		return fmt.Errorf("capacity csv: %w", err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}

// ReadCSV reads a capacity CSV of schema SchemaVersion. Every value is
// checked on arrival, since the file may come from another host: numbers
// must parse and be finite and not negative, words (strategy, phase,
// verdict, ...) are lowercase letters, digits, '-' and '_', free text
// (objective, reason, run_id, server_host) is printable and at most 256
// bytes, and a histogram path is relative, slash-separated and without
// "..". Errors name the line and the column.
func ReadCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(io.LimitReader(r, MaxFileBytes+1))
	cr.FieldsPerRecord = len(columns)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("capacity csv: header: %w", err)
	}
	for i, h := range header {
		if h != columns[i].name {
			return nil, fmt.Errorf("capacity csv: column %d is %q, want %q", i+1, h, columns[i].name)
		}
	}
	var rows []Row
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("capacity csv: %w", err)
		}
		var row Row
		for i, c := range columns {
			if err := parseField(c.name, c.field(&row), rec[i]); err != nil {
				return nil, fmt.Errorf("capacity csv: line %d: %s: %w", line, c.name, err)
			}
		}
		if row.SchemaVersion != SchemaVersion {
			return nil, fmt.Errorf("capacity csv: line %d: schema_version %d, want %d", line, row.SchemaVersion, SchemaVersion)
		}
		rows = append(rows, row)
	}
}

// ReadFile reads the capacity CSV at path; errors name the file.
func ReadFile(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// freeText are the columns whose values are printable text, not words.
var freeText = map[string]bool{"run_id": true, "server_host": true, "objective": true, "reason": true}

// parseField parses s into the field p of the column name.
func parseField(name string, p any, s string) error {
	switch p := p.(type) {
	case *string:
		switch {
		case len(s) > 256:
			return fmt.Errorf("%d bytes, over the limit of 256", len(s))
		case name == "histogram":
			if s != "" && (path.IsAbs(s) || strings.Contains(s, "\\") || strings.Contains(s, "..") || !isPrintable(s)) {
				return fmt.Errorf("%q is not a relative slash-separated path without \"..\"", s)
			}
		case freeText[name]:
			if !isPrintable(s) {
				return fmt.Errorf("%q has a non-printable character", s)
			}
		default:
			for _, c := range s {
				if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
					return fmt.Errorf("%q is not a lowercase word", s)
				}
			}
		}
		*p = s
	case *int:
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return fmt.Errorf("%q is not a whole number of at least 0", s)
		}
		*p = v
	case *uint64:
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number of at least 0", s)
		}
		*p = v
	case *float64:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("%q is not a finite number of at least 0", s)
		}
		*p = v
	}
	return nil
}

func isPrintable(s string) bool {
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}
