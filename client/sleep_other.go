//go:build !linux

package client

import "time"

// preciseSleep sleeps for d. Outside Linux it is time.Sleep.
func preciseSleep(d time.Duration) { time.Sleep(d) }
