package report

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/stratbench/stratbench/results/record"
)

// hostTable shows fingerprints side by side: one column per host, one row
// per field, so that differences between hosts line up.
type hostTable struct {
	Heads []hostHead
	Rows  []hostRow
}

// hostHead heads one host's column.
type hostHead struct {
	Role, Source string
}

// hostRow is one field of every host's fingerprint.
type hostRow struct {
	Field  string
	Values []string
}

// hostField is a fingerprint field the table names for people: its JSON
// name, its label and how to show its value (nil: as it is).
type hostField struct {
	name, label string
	format      func(string) string
}

// hostFields are the fields the table shows first, in order; other fields
// follow under their JSON names, unformatted.
var hostFields = []hostField{
	{"hostname", "host name", nil},
	{"cpu_model", "CPU model", nil},
	{"logical_cpus", "logical CPUs", positive},
	{"gomaxprocs", "GOMAXPROCS", positive},
	{"cgroup_cpu_quota", "cgroup CPU quota", func(v string) string {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f == 0 {
			return "none"
		}
		return v + " CPUs"
	}},
	{"total_memory_bytes", "memory", func(v string) string {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			return positive(v)
		}
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}},
	{"os", "OS", nil},
	{"arch", "architecture", nil},
	{"go_version", "Go", nil},
	{"grpc_version", "grpc-go", nil},
	{"stratbench_version", "stratbench", nil},
	{"ns_per_iteration", "CPU kernel cost", func(v string) string {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return ""
		}
		return sig3(f) + " ns per iteration on one core"
	}},
}

// positive returns v unless it is a number ≤ 0, which a fingerprint uses
// for "unknown".
func positive(v string) string {
	if f, err := strconv.ParseFloat(v, 64); err == nil && f <= 0 {
		return ""
	}
	return v
}

// newHostTable lays out hosts. A value a host does not know shows as "–";
// a field no host knows is left out.
func newHostTable(hosts []Host) hostTable {
	var t hostTable
	var extra []string
	for _, h := range hosts {
		t.Heads = append(t.Heads, hostHead{Role: h.Role, Source: h.Source})
		for _, f := range h.Fields {
			known := slices.ContainsFunc(hostFields, func(k hostField) bool { return k.name == f.Name })
			if !known && !slices.Contains(extra, f.Name) {
				extra = append(extra, f.Name)
			}
		}
	}
	add := func(name, label string, format func(string) string) {
		row := hostRow{Field: label}
		seen := ""
		for _, h := range hosts {
			v, ok := lookup(h.Fields, name)
			if ok && format != nil {
				v = format(v)
			}
			if v == "" {
				row.Values = append(row.Values, "–")
				continue
			}
			seen = v
			row.Values = append(row.Values, v)
		}
		if seen != "" {
			t.Rows = append(t.Rows, row)
		}
	}
	for _, f := range hostFields {
		add(f.name, f.label, f.format)
	}
	for _, name := range extra {
		add(name, name, nil)
	}
	return t
}

// lookup returns the value of field name in fs.
func lookup(fs record.HostFields, name string) (string, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}
