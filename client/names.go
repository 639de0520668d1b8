package client

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// The lowercase names of the wire enums, used by flags, matrix files and CSV
// rows. Index i holds the name of enum value i; "" marks a value without a
// name (UNSPECIFIED).
var (
	strategyNames = [...]string{
		pb.Strategy_STRATEGY_SERIAL:             "serial",
		pb.Strategy_STRATEGY_GOROUTINE_PER_TASK: "goroutine-per-task",
		pb.Strategy_STRATEGY_POOL:               "pool",
		pb.Strategy_STRATEGY_SEMAPHORE:          "semaphore",
		pb.Strategy_STRATEGY_PIPELINE:           "pipeline",
	}
	workloadNames = [...]string{
		pb.Workload_WORKLOAD_CPU:      "cpu",
		pb.Workload_WORKLOAD_IO:       "io",
		pb.Workload_WORKLOAD_MIXED:    "mixed",
		pb.Workload_WORKLOAD_COUNTER:  "counter",
		pb.Workload_WORKLOAD_TRANSFER: "transfer",
	}
	scopeNames = [...]string{
		pb.Scope_SCOPE_JOB:    "job",
		pb.Scope_SCOPE_SERVER: "server",
	}
	syncNames = [...]string{
		pb.Sync_SYNC_MUTEX:   "mutex",
		pb.Sync_SYNC_ATOMIC:  "atomic",
		pb.Sync_SYNC_SHARDED: "sharded",
		pb.Sync_SYNC_CHANNEL: "channel",
		pb.Sync_SYNC_NONE:    "none",
	}
	lockOrderNames = [...]string{
		pb.LockOrder_LOCK_ORDER_ORDERED: "ordered",
		pb.LockOrder_LOCK_ORDER_TRY:     "try",
	}
	implementationNames = [...]string{
		pb.Implementation_IMPLEMENTATION_OWN:      "own",
		pb.Implementation_IMPLEMENTATION_ANTS:     "ants",
		pb.Implementation_IMPLEMENTATION_POND:     "pond",
		pb.Implementation_IMPLEMENTATION_CONC:     "conc",
		pb.Implementation_IMPLEMENTATION_ERRGROUP: "errgroup",
	}
	errorPolicyNames = [...]string{
		pb.ErrorPolicy_ERROR_POLICY_FAIL_FAST:   "fail-fast",
		pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL: "collect-all",
	}
)

// StrategyNames, WorkloadNames, ScopeNames, SyncNames, LockOrderNames and
// ErrorPolicyNames list the accepted names in enum order. They are shared:
// callers must not modify them.
var (
	StrategyNames    = strategyNames[1:]
	WorkloadNames    = workloadNames[1:]
	ScopeNames       = scopeNames[1:]
	SyncNames        = syncNames[1:]
	LockOrderNames   = lockOrderNames[1:]
	ErrorPolicyNames = errorPolicyNames[1:]
	// ImplementationNames lists the implementations; which strategy
	// accepts which is the server's to say (strategies.Implementations).
	ImplementationNames = implementationNames[1:]
)

// ParseStrategy returns the strategy named s, one of [StrategyNames]; the
// error lists the accepted names.
func ParseStrategy(s string) (pb.Strategy, error) {
	i, err := parseName("strategy", s, strategyNames[:])
	return pb.Strategy(i), err
}

// ParseWorkload returns the workload named s, one of [WorkloadNames].
func ParseWorkload(s string) (pb.Workload, error) {
	i, err := parseName("workload", s, workloadNames[:])
	return pb.Workload(i), err
}

// ParseScope returns the scope named s, one of [ScopeNames].
func ParseScope(s string) (pb.Scope, error) {
	i, err := parseName("scope", s, scopeNames[:])
	return pb.Scope(i), err
}

// ParseSync returns the sync mode named s, one of [SyncNames]: how a
// counter workload's tasks update their shared counter.
func ParseSync(s string) (pb.Sync, error) {
	i, err := parseName("sync", s, syncNames[:])
	return pb.Sync(i), err
}

// ParseLockOrder returns the lock order named s, one of [LockOrderNames]:
// how a transfer workload's tasks take two accounts' locks.
func ParseLockOrder(s string) (pb.LockOrder, error) {
	i, err := parseName("lock order", s, lockOrderNames[:])
	return pb.LockOrder(i), err
}

// ParseErrorPolicy returns the error policy named s, one of
// [ErrorPolicyNames].
func ParseErrorPolicy(s string) (pb.ErrorPolicy, error) {
	i, err := parseName("error policy", s, errorPolicyNames[:])
	return pb.ErrorPolicy(i), err
}

// ParseImplementation returns the implementation named s, one of
// [ImplementationNames].
func ParseImplementation(s string) (pb.Implementation, error) {
	i, err := parseName("implementation", s, implementationNames[:])
	return pb.Implementation(i), err
}

// ParseMode returns the mode named s: "closed" or "open".
func ParseMode(s string) (Mode, error) {
	i, err := parseName("mode", s, []string{Closed: "closed", Open: "open"})
	return Mode(i), err
}

// StrategyName returns the lowercase name of s, such as "goroutine-per-task",
// or the enum's own name for a value without one (STRATEGY_UNSPECIFIED).
func StrategyName(s pb.Strategy) string { return name(int(s), strategyNames[:], s.String()) }

// WorkloadName returns the lowercase name of w, such as "cpu".
func WorkloadName(w pb.Workload) string { return name(int(w), workloadNames[:], w.String()) }

// ScopeName returns the lowercase name of s; SCOPE_UNSPECIFIED, which the
// server treats as SCOPE_JOB, is "job".
func ScopeName(s pb.Scope) string {
	if s == pb.Scope_SCOPE_UNSPECIFIED {
		s = pb.Scope_SCOPE_JOB
	}
	return name(int(s), scopeNames[:], s.String())
}

// SyncName returns the lowercase name of s, such as "none", or "" for
// SYNC_UNSPECIFIED, the value of every workload but counter: the form of
// the CSV's sync column. A value without a name gives the enum's own name.
func SyncName(s pb.Sync) string {
	if s == pb.Sync_SYNC_UNSPECIFIED {
		return ""
	}
	return name(int(s), syncNames[:], s.String())
}

// LockOrderName returns the lowercase name of o, such as "try", or "" for
// LOCK_ORDER_UNSPECIFIED, the value of every workload but transfer: the
// form of the CSV's lock_order column.
func LockOrderName(o pb.LockOrder) string {
	if o == pb.LockOrder_LOCK_ORDER_UNSPECIFIED {
		return ""
	}
	return name(int(o), lockOrderNames[:], o.String())
}

// ImplementationName returns the lowercase name of impl, such as "ants";
// IMPLEMENTATION_UNSPECIFIED, which the server treats as its own, is "own".
func ImplementationName(impl pb.Implementation) string {
	if impl == pb.Implementation_IMPLEMENTATION_UNSPECIFIED {
		impl = pb.Implementation_IMPLEMENTATION_OWN
	}
	return name(int(impl), implementationNames[:], impl.String())
}

// ErrorPolicyName returns the lowercase name of p, such as "collect-all",
// or "" for ERROR_POLICY_UNSPECIFIED (fail-fast when the request's
// fail_fast is set, collect-all otherwise).
func ErrorPolicyName(p pb.ErrorPolicy) string {
	if p == pb.ErrorPolicy_ERROR_POLICY_UNSPECIFIED {
		return ""
	}
	return name(int(p), errorPolicyNames[:], p.String())
}

func name(i int, names []string, fallback string) string {
	if i >= 0 && i < len(names) && names[i] != "" {
		return names[i]
	}
	return fallback
}

func parseName(what, s string, names []string) (int, error) {
	for i, n := range names {
		if n != "" && n == s {
			return i, nil
		}
	}
	var valid []string
	for _, n := range names {
		if n != "" {
			valid = append(valid, n)
		}
	}
	return 0, fmt.Errorf("unknown %s %q: want one of %s", what, s, strings.Join(valid, ", "))
}

// codeNames are the gRPC status code names of the gRPC specification,
// indexed by code.
var codeNames = [...]string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
	"UNAUTHENTICATED",
}

// CodeName returns the specification's name of gRPC status code c, such as
// "DEADLINE_EXCEEDED", the form used in the errors_by_code column, or
// "CODE_n" for a code the specification does not define.
func CodeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "CODE_" + strconv.FormatUint(uint64(c), 10)
}
