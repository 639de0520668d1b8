package server

import (
	"strings"

	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
)

// validateImplementation sets j.Implementation from the request's
// implementation field (unspecified means the project's own) once
// j.Strategy and j.Scope are set. A pair of strategy and implementation that
// does not exist, or a server scope the implementation cannot share, is
// refused with a message naming both fields and what they accept.
func validateImplementation(req *pb.RunRequest, j *Job) error {
	impl := req.GetImplementation()
	if impl == pb.Implementation_IMPLEMENTATION_UNSPECIFIED {
		impl = pb.Implementation_IMPLEMENTATION_OWN
	}
	var ok bool
	if j.Implementation, ok = vocab.Implementations.Kind(impl); !ok {
		return invalid("implementation", "is %v; must be one of %s", impl, implementationNames(strategies.AllImplementations))
	}
	if !strategies.Supports(j.Strategy, j.Implementation) {
		return invalid("implementation", "%v is not available for strategy %v; %v accepts %s",
			impl, strategyName(j.Strategy), strategyName(j.Strategy), implementationNames(strategies.Implementations(j.Strategy)))
	}
	if j.Scope == pb.Scope_SCOPE_SERVER && !strategies.Shareable(j.Strategy, j.Implementation) {
		return invalid("scope", "SCOPE_SERVER is not supported by strategy %v with implementation %v: "+
			"one instance would serve every job, but a conc pool, a conc.WaitGroup or an errgroup is waited for as a whole; use SCOPE_JOB",
			strategyName(j.Strategy), implementationName(j.Implementation))
	}
	return nil
}

// strategyName is the proto enum name of k, as the request spells it.
func strategyName(k strategies.Kind) string {
	p, _ := vocab.Strategies.Proto(k)
	return p.String()
}

// implementationName is the proto enum name of impl.
func implementationName(impl strategies.Implementation) string {
	p, _ := vocab.Implementations.Proto(impl)
	return p.String()
}

func implementationNames(impls []strategies.Implementation) string {
	names := make([]string, len(impls))
	for i, impl := range impls {
		names[i] = implementationName(impl)
	}
	return strings.Join(names, ", ")
}
