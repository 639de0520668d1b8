package strategies

import (
	"fmt"
	"slices"
)

// Implementation names whose code carries out a strategy: the project's own
// or a library Go programs commonly use for it. Every implementation runs
// tasks through the same accounting, so it honours the package contract: a
// library's own panic handler never sees a task's panic, because each task
// the library runs already turns its panic into that task's failure.
type Implementation int

// The implementations. The values are the proto's Implementation numbers.
const (
	Own      Implementation = iota + 1 // this package's code; every strategy has one
	Ants                               // github.com/panjf2000/ants/v2 (Pool)
	Pond                               // github.com/alitto/pond/v2 (Pool)
	Conc                               // github.com/sourcegraph/conc: conc/pool (Pool), conc.WaitGroup (GoroutinePerTask)
	Errgroup                           // golang.org/x/sync/errgroup with SetLimit (Semaphore)
)

// AllImplementations lists every implementation, in a stable order.
var AllImplementations = []Implementation{Own, Ants, Pond, Conc, Errgroup}

// Implementations lists the implementations of kind k, Own first; nil if k
// is not a Kind.
func Implementations(k Kind) []Implementation {
	switch k {
	case Serial, Pipeline:
		return []Implementation{Own}
	case GoroutinePerTask:
		return []Implementation{Own, Conc}
	case Pool:
		return []Implementation{Own, Ants, Pond, Conc}
	case Semaphore:
		return []Implementation{Own, Errgroup}
	}
	return nil
}

// Supports reports whether impl implements kind k.
func Supports(k Kind, impl Implementation) bool {
	return slices.Contains(Implementations(k), impl)
}

// Shareable reports whether impl of kind k has a server-scoped form that
// Registry.GetImpl returns: Serial, Pool and Semaphore's own, and the ants and
// pond pools. A conc pool, a conc.WaitGroup and an errgroup are waited for as
// a whole, so one instance cannot serve several jobs that each wait only for
// their own tasks.
func Shareable(k Kind, impl Implementation) bool {
	switch k {
	case Serial, Semaphore:
		return impl == Own
	case Pool:
		return impl == Own || impl == Ants || impl == Pond
	}
	return false
}

// NewImpl returns a job-scoped strategy of kind k carried out by impl,
// allowing parallelism tasks at once. It panics if impl does not implement
// k (see Supports) or on the input New panics on: callers validate input.
func NewImpl(k Kind, impl Implementation, parallelism int) Strategy {
	if impl == Own {
		return New(k, parallelism)
	}
	if !Supports(k, impl) {
		panic(fmt.Sprintf("strategies: %v has no %v implementation", k, impl))
	}
	if k == GoroutinePerTask {
		return concWaitGroup{}
	}
	if parallelism < 1 {
		panic(fmt.Sprintf("strategies: %v/%v with parallelism %d", k, impl, parallelism))
	}
	switch impl {
	case Ants:
		return antsPool{workers: parallelism}
	case Pond:
		return pondPool{workers: parallelism}
	case Conc:
		return concPool{workers: parallelism}
	}
	return errgroupLimit{limit: parallelism}
}
