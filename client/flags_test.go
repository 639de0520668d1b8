package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
	"github.com/stratbench/stratbench/hostinfo"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/results/histogram"
)

// flagTrial returns an open-loop trial of 1,000 sends at latency p50 10ms
// whose sends left lag late (every one of them), with clientLate late
// sends, backlogged held sends and the client at cpu percent.
func flagTrial(lag time.Duration, clientLate, backlogged uint64, cpu float64) *client.Trial {
	h := histogram.Trial{Latency: histogram.New(), SendLag: histogram.New()}
	h.Latency.RecordN(10*time.Millisecond, 1000)
	h.SendLag.RecordN(lag, 1000-backlogged)
	return &client.Trial{
		Cell:     client.Cell{Job: testJob, Load: client.Load{Mode: client.Open, Rate: 200, MaxInFlight: 4, Connections: 1, Duration: 5 * time.Second}},
		Requests: 1000, ClientLate: clientLate, LateSends: clientLate + backlogged, Backlogged: backlogged, Hist: h,
		CPU: hostinfo.CPUUsage{Percent: cpu, AvailableCPUs: 2},
	}
}

func TestTrialFlags(t *testing.T) {
	closed := func(c, conns int) *client.Trial {
		h := histogram.Trial{Latency: histogram.New()}
		h.Latency.RecordN(10*time.Millisecond, 100)
		return &client.Trial{Cell: client.Cell{Job: testJob, Load: client.Load{Mode: client.Closed, Concurrency: c, Connections: conns, Duration: time.Second}},
			Requests: 100, Hist: h, CPU: hostinfo.CPUUsage{Percent: 10, AvailableCPUs: 2}}
	}
	streams := func(n uint32) *pb.InfoResponse {
		return &pb.InfoResponse{Limits: &pb.Limits{MaxConcurrentStreams: n}}
	}
	tests := []struct {
		name            string
		t               *client.Trial
		server          *pb.InfoResponse
		client, backlog string // substrings the reasons must hold; "" means not raised
	}{
		{"quiet", flagTrial(500*time.Microsecond, 0, 0, 20), nil, "", ""},
		{"lag at 10% of p50 is not material", flagTrial(time.Millisecond, 0, 0, 20), nil, "", ""},
		{"a few late sends are not material", flagTrial(0, 50, 0, 20), nil, "", ""},
		{"cpu", flagTrial(0, 0, 0, 90), nil, "client CPU 90% of 2 CPUs reached 90%", ""},
		{"lag with low cpu: host contended", flagTrial(2*time.Millisecond, 0, 0, 11), nil, "host CPUs contended", ""},
		{"late with low cpu: host contended", flagTrial(0, 51, 0, 11), nil, "51 of 1000 sends late", ""},
		{"lag with busy cpu: client behind", flagTrial(2*time.Millisecond, 0, 0, 70), nil, "client fell behind", ""},
		{"backlog is the server's", flagTrial(0, 0, 500, 3), nil, "", "500 of 1000 sends (50.0%) waited for one of 4 in-flight slots"},
		{"1% backlog is not flagged", flagTrial(0, 0, 10, 3), nil, "", ""},
		{"closed loop below the stream limit", closed(6, 2), streams(4), "", ""},
		{"closed loop at the stream limit", closed(8, 2), streams(4), "4 RPCs in flight per connection reach the server's stream limit 4", ""},
		{"closed loop, no advertised limit", closed(8, 2), streams(0), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.t.Flags(tt.server)
			for _, c := range []struct{ got, want, flag string }{
				{f.ClientSaturated, tt.client, "client_saturated"},
				{f.ServerBacklogged, tt.backlog, "server_backlogged"},
			} {
				if (c.got == "") != (c.want == "") || !strings.Contains(c.got, c.want) {
					t.Errorf("%s reason %q, want one holding %q", c.flag, c.got, c.want)
				}
			}
		})
	}
}
