package report_test

import (
	"testing"

	"github.com/stratbench/stratbench/results/record"
	"github.com/stratbench/stratbench/results/report"
)

func TestHostsOf(t *testing.T) {
	rows := []record.Row{
		{ServerHost: "srv", ServerCPUModel: "CPU", ServerLogicalCPUs: 4, ServerGOMAXPROCS: 4, ServerNsPerIteration: 100, ClientHost: "c1", ClientLogicalCPUs: 2},
		{ServerHost: "srv", ServerCPUModel: "CPU", ServerLogicalCPUs: 4, ServerGOMAXPROCS: 4, ServerNsPerIteration: 100, ClientHost: "c2", ClientLogicalCPUs: 2},
		{ServerHost: "srv", ServerCPUModel: "CPU", ServerLogicalCPUs: 4, ServerGOMAXPROCS: 4, ServerNsPerIteration: 100, ClientHost: "c1", ClientLogicalCPUs: 2},
	}
	file := &record.Hosts{
		Server: record.HostFields{{Name: "hostname", Value: "srv"}},
		Client: record.HostFields{{Name: "hostname", Value: "cli"}},
	}
	tests := []struct {
		name  string
		src   *record.Source
		roles []string
		names []string
	}{
		{"hosts.json", &record.Source{Path: "dir", Rows: rows, Hosts: file}, []string{"server", "client"}, []string{"srv", "cli"}},
		{"from rows, deduplicated", &record.Source{Path: "a.csv", Rows: rows}, []string{"server", "client", "client"}, []string{"srv", "c1", "c2"}},
		{"server only", &record.Source{Path: "dir", Hosts: &record.Hosts{Server: file.Server}}, []string{"server"}, []string{"srv"}},
		{"no rows", &record.Source{Path: "a.csv"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hosts := report.HostsOf(tt.src)
			if len(hosts) != len(tt.roles) {
				t.Fatalf("%d hosts, want %d: %+v", len(hosts), len(tt.roles), hosts)
			}
			for i, h := range hosts {
				if h.Role != tt.roles[i] || h.Fields.Get("hostname") != tt.names[i] || h.Source != tt.src.Path {
					t.Errorf("host %d = %s %q from %q, want %s %q from %q", i, h.Role, h.Fields.Get("hostname"), h.Source, tt.roles[i], tt.names[i], tt.src.Path)
				}
			}
		})
	}
}
