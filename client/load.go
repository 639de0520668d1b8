package client

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Mode is how a load paces its requests.
type Mode int

const (
	// Closed is a closed loop: Concurrency workers, each sending its next
	// RPC when the previous one ends.
	Closed Mode = iota
	// Open is an open loop: requests leave on a fixed schedule of Rate per
	// second whatever the server's latency, at most MaxInFlight at once.
	Open
)

// String returns "closed" or "open", the names used in CSV rows, or
// "Mode(n)" for an undefined mode.
func (m Mode) String() string {
	switch m {
	case Closed:
		return "closed"
	case Open:
		return "open"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Limits that [Load.Validate] enforces. They bound the client's own
// resources (goroutines, connections, timer precision), not the server's.
const (
	// MaxConcurrency is the most closed-loop workers.
	MaxConcurrency = 100_000
	// MaxConnections is the most gRPC connections one load may use.
	MaxConnections = 1_000
	// MaxRate is the highest open-loop rate, in requests per second.
	MaxRate = 1e7
	// MaxOpenInFlight is the highest open-loop MaxInFlight.
	MaxOpenInFlight = 1_000_000
)

// Load is how hard and how long a trial drives the server.
type Load struct {
	// Mode selects closed or open loop.
	Mode Mode
	// Concurrency is the number of closed-loop workers, one RPC in flight
	// each. Open loop ignores it.
	Concurrency int
	// Rate is the open-loop rate: request i is intended to leave at
	// start + i/Rate. Closed loop ignores it.
	Rate float64
	// MaxInFlight bounds the open loop's outstanding RPCs; a send due while
	// MaxInFlight are outstanding waits and becomes late. Closed loop
	// ignores it.
	MaxInFlight int
	// Connections is how many of RunTrial's connections the load uses;
	// RPCs are spread over them round-robin.
	Connections int
	// Duration is the length of the measured phase, or 0 when Requests
	// bounds it instead. Exactly one of Duration and Requests is above 0.
	Duration time.Duration
	// Requests is the number of measured RPCs, or 0 when Duration bounds
	// the measured phase instead.
	Requests int
	// Warmup is sent before the measured phase and excluded from every
	// figure; 0 means none.
	Warmup time.Duration
	// Timeout is each RPC's deadline, from its actual send; 0 means none.
	Timeout time.Duration
}

// Validate reports the first field of l that is out of range, naming the
// field, its value and the limit. Fields that l's mode ignores are not
// checked.
func (l Load) Validate() error {
	switch l.Mode {
	case Closed:
		if l.Concurrency < 1 || l.Concurrency > MaxConcurrency {
			return fmt.Errorf("load: concurrency %d is outside [1, %d]", l.Concurrency, MaxConcurrency)
		}
	case Open:
		if math.IsNaN(l.Rate) || l.Rate <= 0 || l.Rate > MaxRate {
			return fmt.Errorf("load: rate %v is outside (0, %g] requests/s", l.Rate, float64(MaxRate))
		}
		if l.MaxInFlight < 1 || l.MaxInFlight > MaxOpenInFlight {
			return fmt.Errorf("load: max in flight %d is outside [1, %d]", l.MaxInFlight, MaxOpenInFlight)
		}
	default:
		return fmt.Errorf("load: mode %d is neither closed (%d) nor open (%d)", int(l.Mode), int(Closed), int(Open))
	}
	if l.Connections < 1 || l.Connections > MaxConnections {
		return fmt.Errorf("load: connections %d is outside [1, %d]", l.Connections, MaxConnections)
	}
	switch {
	case l.Duration < 0:
		return fmt.Errorf("load: duration %v is negative", l.Duration)
	case l.Requests < 0:
		return fmt.Errorf("load: requests %d is negative", l.Requests)
	case l.Duration > 0 && l.Requests > 0:
		return fmt.Errorf("load: duration %v and requests %d are both set; set exactly one", l.Duration, l.Requests)
	case l.Duration == 0 && l.Requests == 0:
		return errors.New("load: neither duration nor requests is above 0; set exactly one")
	case l.Warmup < 0:
		return fmt.Errorf("load: warmup %v is negative", l.Warmup)
	case l.Timeout < 0:
		return fmt.Errorf("load: timeout %v is negative", l.Timeout)
	}
	return nil
}
