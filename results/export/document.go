package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/stratbench/stratbench/results/cell"
	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/stats"
)

// DocumentFormat and DocumentVersion identify the JSON document of a sweep.
// The version goes up by one whenever a field changes meaning or goes away;
// new fields may appear within a version. docs/sweep.schema.json describes
// it.
const (
	DocumentFormat  = "stratbench-sweep"
	DocumentVersion = 1
)

// Document is the JSON document of a sweep: every source's hosts, every
// cell with its estimates, and every trial with every CSV column.
type Document struct {
	Format  string      `json:"format"`
	Version int         `json:"version"`
	Sources []DocSource `json:"sources"`
	Cells   []DocCell   `json:"cells"`
}

// DocSource is one result folder or CSV file given to the export.
type DocSource struct {
	Path          string `json:"path"`
	SchemaVersion int    `json:"csv_schema_version"`
	// Hosts are the fingerprints of hosts.json, field by field as text;
	// absent for a CSV file given alone.
	Hosts *DocHosts `json:"hosts,omitempty"`
}

// DocHosts are a source's server and client fingerprints.
type DocHosts struct {
	Server map[string]string `json:"server"`
	Client map[string]string `json:"client"`
}

// DocCell is one cell: its parameters, its estimates over complete trials,
// and its trials.
type DocCell struct {
	Name  string `json:"name"`
	Key   string `json:"key"`
	Label string `json:"label"`
	Host  string `json:"server_host"`

	Strategy      string  `json:"strategy"`
	Workload      string  `json:"workload"`
	Scope         string  `json:"scope"`
	Mode          string  `json:"mode"`
	Tasks         int     `json:"tasks"`
	Parallelism   int     `json:"parallelism"`
	Concurrency   int     `json:"concurrency"`
	Connections   int     `json:"connections"`
	CPUIterations uint64  `json:"cpu_iterations"`
	IOLatencyMs   float64 `json:"io_latency_ms"`
	TargetRPS     float64 `json:"target_rps"`
	WarmupS       float64 `json:"warmup_s"`
	DurationS     float64 `json:"duration_s"`
	Sync          string  `json:"sync,omitempty"`
	LockOrder     string  `json:"lock_order,omitempty"`
	Accounts      int     `json:"accounts,omitempty"`

	Trials     int    `json:"trials"`
	Incomplete int    `json:"incomplete"`
	Saturated  bool   `json:"client_saturated"`
	Errors     uint64 `json:"errors"`

	TasksPerS     DocEstimate `json:"tasks_per_s"`
	ThroughputRPS DocEstimate `json:"throughput_rps"`
	P50Ms         DocEstimate `json:"p50_ms"`
	P99Ms         DocEstimate `json:"p99_ms"`

	// BoundTasksPerS and Efficiency are absent when the bound is unknown.
	BoundTasksPerS *float64 `json:"bound_tasks_per_s,omitempty"`
	Efficiency     *float64 `json:"efficiency,omitempty"`
	USL            *DocUSL  `json:"usl,omitempty"`

	// Rows are the cell's trials, complete or not, each with every column
	// of the CSV under its CSV name.
	Rows []map[string]any `json:"trial_rows"`
}

// DocEstimate is a stats.Estimate over a cell's complete trials.
type DocEstimate struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"stddev"`
	CILow  float64 `json:"ci95_low"`
	CIHigh float64 `json:"ci95_high"`
}

// DocUSL is the Universal Scalability Law fit of a cell's group.
type DocUSL struct {
	Sigma  float64  `json:"sigma"`
	Kappa  float64  `json:"kappa"`
	Lambda float64  `json:"lambda"`
	PeakN  *float64 `json:"peak_concurrency,omitempty"` // absent when κ = 0: no peak
	R2     float64  `json:"r2"`
	Points int      `json:"points"`
}

// NewDocument returns the document of srcs and their cells (from Cells).
func NewDocument(srcs []*record.Source, cells []Cell) (*Document, error) {
	d := &Document{Format: DocumentFormat, Version: DocumentVersion, Sources: []DocSource{}, Cells: []DocCell{}}
	for _, s := range srcs {
		ds := DocSource{Path: s.Path, SchemaVersion: record.SchemaVersion}
		if len(s.Rows) > 0 && s.Rows[0].SchemaVersion > 0 {
			ds.SchemaVersion = s.Rows[0].SchemaVersion
		}
		if s.Hosts != nil {
			ds.Hosts = &DocHosts{Server: fields(s.Hosts.Server), Client: fields(s.Hosts.Client)}
		}
		d.Sources = append(d.Sources, ds)
	}
	for _, c := range cells {
		dc, err := docCell(c)
		if err != nil {
			return nil, err
		}
		d.Cells = append(d.Cells, dc)
	}
	return d, nil
}

func fields(f record.HostFields) map[string]string {
	m := make(map[string]string, len(f))
	for _, x := range f {
		m[x.Name] = x.Value
	}
	return m
}

func docCell(c Cell) (DocCell, error) {
	s := c.Summary
	dc := DocCell{
		Name: c.Name, Key: s.Key, Label: cell.Label(s), Host: s.Host,
		Strategy: s.Strategy, Workload: s.Workload, Scope: s.Scope, Mode: s.Mode,
		Tasks: s.Tasks, Parallelism: s.Parallelism, Concurrency: s.Concurrency, Connections: s.Connections,
		CPUIterations: s.CPUIterations, IOLatencyMs: s.IOLatencyMs, TargetRPS: s.TargetRPS,
		WarmupS: s.WarmupS, DurationS: s.DurationS, Sync: s.Sync, LockOrder: s.LockOrder, Accounts: s.Accounts,
		Trials: s.Trials, Incomplete: s.Incomplete, Saturated: s.Saturated, Errors: s.Errors,
		TasksPerS: estimate(s.TasksPerS), ThroughputRPS: estimate(s.ThroughputRPS),
		P50Ms: estimate(s.P50Ms), P99Ms: estimate(s.P99Ms),
	}
	if s.BoundTasksPerS > 0 {
		b, e := s.BoundTasksPerS, finite(s.Efficiency)
		dc.BoundTasksPerS, dc.Efficiency = &b, &e
	}
	if m := s.USL; m != nil {
		u := &DocUSL{Sigma: finite(m.Sigma), Kappa: finite(m.Kappa), Lambda: finite(m.Lambda), R2: finite(m.R2), Points: m.Points}
		if !math.IsInf(m.PeakN, 0) && !math.IsNaN(m.PeakN) {
			p := m.PeakN
			u.PeakN = &p
		}
		dc.USL = u
	}
	for _, r := range c.Rows {
		row := make(map[string]any, len(record.Header()))
		for _, col := range record.Header() {
			v, ok := r.Field(col)
			if !ok {
				return DocCell{}, fmt.Errorf("export: column %s has no field", col)
			}
			if col == "schema_version" && v == 0 {
				v = record.SchemaVersion // 0 is written as the current version
			}
			switch x := v.(type) {
			case float64:
				if math.IsNaN(x) || math.IsInf(x, 0) {
					v = nil // JSON has no NaN: an absent figure
				}
			case time.Time:
				v = x.UTC().Format(time.RFC3339Nano)
			}
			row[col] = v
		}
		dc.Rows = append(dc.Rows, row)
	}
	return dc, nil
}

func estimate(e stats.Estimate) DocEstimate {
	return DocEstimate{N: e.N, Median: finite(e.Median), Mean: finite(e.Mean), StdDev: finite(e.StdDev),
		CILow: finite(e.CILow), CIHigh: finite(e.CIHigh)}
}

// WriteDocument writes d as indented JSON.
func WriteDocument(w io.Writer, d *Document) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(d)
}
