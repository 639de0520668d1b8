package client_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stratbench/stratbench/client"
)

func TestLoadValidate(t *testing.T) {
	closed := client.Load{Mode: client.Closed, Concurrency: 4, Connections: 1, Duration: time.Second}
	open := client.Load{Mode: client.Open, Rate: 100, MaxInFlight: 10, Connections: 2, Requests: 50}
	with := func(l client.Load, f func(*client.Load)) client.Load { f(&l); return l }
	tests := []struct {
		name string
		load client.Load
		want string // substring of the error; "" for valid
	}{
		{"closed", closed, ""},
		{"open", open, ""},
		{"closed ignores open fields", with(closed, func(l *client.Load) { l.Rate = -1; l.MaxInFlight = -1 }), ""},
		{"open ignores concurrency", with(open, func(l *client.Load) { l.Concurrency = -1 }), ""},
		{"warmup and timeout", with(closed, func(l *client.Load) { l.Warmup = time.Second; l.Timeout = time.Second }), ""},
		{"limits", with(closed, func(l *client.Load) {
			l.Concurrency = client.MaxConcurrency
			l.Connections = client.MaxConnections
		}), ""},
		{"zero concurrency", with(closed, func(l *client.Load) { l.Concurrency = 0 }), "concurrency 0 is outside [1, 100000]"},
		{"huge concurrency", with(closed, func(l *client.Load) { l.Concurrency = client.MaxConcurrency + 1 }), "concurrency 100001"},
		{"zero rate", with(open, func(l *client.Load) { l.Rate = 0 }), "rate 0 is outside (0, 1e+07]"},
		{"NaN rate", with(open, func(l *client.Load) { l.Rate = math.NaN() }), "rate NaN"},
		{"huge rate", with(open, func(l *client.Load) { l.Rate = 2e7 }), "rate 2e+07"},
		{"zero in flight", with(open, func(l *client.Load) { l.MaxInFlight = 0 }), "max in flight 0 is outside [1, 1000000]"},
		{"bad mode", with(closed, func(l *client.Load) { l.Mode = 7 }), "mode 7"},
		{"zero connections", with(closed, func(l *client.Load) { l.Connections = 0 }), "connections 0 is outside [1, 1000]"},
		{"too many connections", with(closed, func(l *client.Load) { l.Connections = 1001 }), "connections 1001"},
		{"neither bound", with(closed, func(l *client.Load) { l.Duration = 0 }), "neither duration nor requests"},
		{"both bounds", with(closed, func(l *client.Load) { l.Requests = 5 }), "duration 1s and requests 5 are both set"},
		{"negative duration", with(closed, func(l *client.Load) { l.Duration = -time.Second }), "duration -1s is negative"},
		{"negative requests", with(open, func(l *client.Load) { l.Requests = -1 }), "requests -1 is negative"},
		{"negative warmup", with(closed, func(l *client.Load) { l.Warmup = -time.Millisecond }), "warmup -1ms is negative"},
		{"negative timeout", with(closed, func(l *client.Load) { l.Timeout = -time.Second }), "timeout -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.load.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestModeString(t *testing.T) {
	for _, tt := range []struct {
		mode client.Mode
		want string
	}{{client.Closed, "closed"}, {client.Open, "open"}, {9, "Mode(9)"}} {
		if got := tt.mode.String(); got != tt.want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(tt.mode), got, tt.want)
		}
	}
}

func ExampleLoad_Validate() {
	l := client.Load{Mode: client.Open, Rate: 500, MaxInFlight: 100, Connections: 2, Duration: 10 * time.Second}
	fmt.Println(l.Validate())
	l.Requests = 1000
	fmt.Println(l.Validate())
	// Output:
	// <nil>
	// load: duration 10s and requests 1000 are both set; set exactly one
}
