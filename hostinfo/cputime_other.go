//go:build !unix

package hostinfo

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// CPUTime returns the user plus system CPU time this process has used so far.
// It is implemented with getrusage on Unix systems only; elsewhere it returns
// an error wrapping errors.ErrUnsupported.
func CPUTime() (time.Duration, error) {
	return 0, fmt.Errorf("hostinfo: CPU time on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}
