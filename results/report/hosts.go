package report

import (
	"slices"
	"strconv"

	"github.com/stratbench/stratbench/results/record"
)

// Host is the fingerprint of one machine that took part in a sweep, as the
// report's hosts table shows it.
type Host struct {
	// Role is "server" or "client".
	Role string
	// Source names the input the fingerprint came from.
	Source string
	// Fields are the fingerprint's fields in file order, as hosts.json
	// holds them (see record.Hosts).
	Fields record.HostFields
}

// HostsOf returns the server and client fingerprints of src: from its
// hosts.json when it has one, or else from the host columns of its rows
// (HostsFromRows).
func HostsOf(src *record.Source) []Host {
	if src.Hosts == nil {
		return HostsFromRows(src.Rows, src.Path)
	}
	var hosts []Host
	if src.Hosts.Server != nil {
		hosts = append(hosts, Host{Role: "server", Source: src.Path, Fields: src.Hosts.Server})
	}
	if src.Hosts.Client != nil {
		hosts = append(hosts, Host{Role: "client", Source: src.Path, Fields: src.Hosts.Client})
	}
	return hosts
}

// HostsFromRows returns the distinct servers and clients that rows' host
// columns name, servers first, in order of first appearance, each with
// Source set to source. The CSV carries only part of a fingerprint (no OS,
// memory or grpc-go version), so this is the fallback for a CSV without its
// hosts.json.
func HostsFromRows(rows []record.Row, source string) []Host {
	var servers, clients []Host
	for _, r := range rows {
		s := Host{Role: "server", Source: source, Fields: record.HostFields{
			{Name: "hostname", Value: r.ServerHost},
			{Name: "cpu_model", Value: r.ServerCPUModel},
			{Name: "logical_cpus", Value: strconv.Itoa(r.ServerLogicalCPUs)},
			{Name: "gomaxprocs", Value: strconv.Itoa(r.ServerGOMAXPROCS)},
			{Name: "go_version", Value: r.ServerGoVersion},
			{Name: "ns_per_iteration", Value: strconv.FormatFloat(r.ServerNsPerIteration, 'f', -1, 64)},
		}}
		if !slices.ContainsFunc(servers, s.same) {
			servers = append(servers, s)
		}
		c := Host{Role: "client", Source: source, Fields: record.HostFields{
			{Name: "hostname", Value: r.ClientHost},
			{Name: "logical_cpus", Value: strconv.Itoa(r.ClientLogicalCPUs)},
		}}
		if !slices.ContainsFunc(clients, c.same) {
			clients = append(clients, c)
		}
	}
	return append(servers, clients...)
}

// same reports whether h and o are the same fingerprint from the same
// source.
func (h Host) same(o Host) bool {
	return h.Role == o.Role && h.Source == o.Source && slices.Equal(h.Fields, o.Fields)
}
