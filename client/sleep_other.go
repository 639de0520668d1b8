//go:build !linux

package client

import "time"

// preciseSleep sleeps for d. Outside Linux it is time.Sleep.
var preciseSleep = time.Sleep
