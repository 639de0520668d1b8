package server

import "time"

// SetClock replaces the clock of s's server_time and handler_wait. Call it
// before s serves.
func SetClock(s *Service, now func() time.Time) { s.now = now }

// SetSchedP99 replaces s's reading of the recent p99 scheduling latency.
// Call it before s serves.
func SetSchedP99(s *Service, p99 func() time.Duration) { s.admit.schedP99 = p99 }

// HoldCPU takes d of CPU work from s's budget, as a running job would, until
// the returned release is called.
func HoldCPU(s *Service, d time.Duration) (release func(), err error) {
	return s.admit.admit(cost{tasks: 1, cpu: d})
}
