package client

import (
	"runtime"
	"syscall"
	"time"
)

// preciseSleep blocks the calling goroutine's thread in nanosleep for d,
// which the kernel ends within its timer slack (50 µs by default), unlike
// the runtime timer's millisecond rounding. It first yields so that a
// goroutine the caller just readied runs now rather than waiting behind the
// blocked thread's processor.
func preciseSleep(d time.Duration) {
	runtime.Gosched()
	ts := syscall.NsecToTimespec(int64(d))
	_ = syscall.Nanosleep(&ts, nil) // EINTR ends the sleep early; the caller re-checks the clock
}
