package workload

import (
	"time"
	"unsafe"
)

// TaskIterations returns the CPU-kernel steps one task of s runs:
// CPUIterations for every kind but IO, which runs none.
func (s Spec) TaskIterations() uint64 {
	if s.Kind == IO {
		return 0
	}
	return s.CPUIterations
}

// TaskWait returns the I/O wait of one task of s: IOLatency for IO and
// Mixed, 0 for the others.
func (s Spec) TaskWait() time.Duration {
	if s.Kind == IO || s.Kind == Mixed {
		return s.IOLatency
	}
	return 0
}

// AccountBytes is the memory of one account of a Transfer job: each sits
// on its own cache line.
const AccountBytes = int(unsafe.Sizeof(account{}))

// StateBytes returns the memory a job of s holds for its shared state
// while it runs, beyond its tasks: Accounts × AccountBytes for Transfer,
// and 0 for the other kinds, whose state is a few cache lines.
func (s Spec) StateBytes() uint64 {
	if s.Kind == Transfer {
		return uint64(s.Accounts) * uint64(AccountBytes)
	}
	return 0
}
