package hostinfo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ParseMemTotal returns the MemTotal value of r, which holds text in the
// format of Linux's /proc/meminfo ("MemTotal:  24683656 kB"), converted to
// bytes. A value without a unit is taken as bytes. It returns an error when r
// cannot be read, has no MemTotal line, or the value is malformed or does not
// fit in a uint64.
func ParseMemTotal(r io.Reader) (uint64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 || len(fields) > 2 {
			return 0, fmt.Errorf("hostinfo: malformed MemTotal line %q", sc.Text())
		}
		n, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("hostinfo: parse MemTotal %q: %w", fields[0], err)
		}
		if len(fields) == 1 {
			return n, nil
		}
		// The kernel always writes "kB", meaning KiB.
		if fields[1] != "kB" {
			return 0, fmt.Errorf("hostinfo: MemTotal unit %q, want kB", fields[1])
		}
		if n > math.MaxUint64/1024 {
			return 0, fmt.Errorf("hostinfo: MemTotal %d kB overflows uint64 bytes", n)
		}
		return n * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("hostinfo: read meminfo: %w", err)
	}
	return 0, errors.New("hostinfo: meminfo has no MemTotal line")
}
