package server

import "time"

// SetClock replaces the clock of s's server_time and handler_wait. Call it
// before s serves.
func SetClock(s *Service, now func() time.Time) { s.now = now }
