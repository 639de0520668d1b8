package client

import (
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"

	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// StrategyNames, WorkloadNames, ScopeNames, SyncNames, LockOrderNames and
// ErrorPolicyNames list the accepted names in enum order: the words of
// internal/vocab. They are shared: callers must not modify them.
var (
	StrategyNames    = vocab.Words[pb.Strategy]()
	WorkloadNames    = vocab.Words[pb.Workload]()
	ScopeNames       = vocab.Words[pb.Scope]()
	SyncNames        = vocab.Words[pb.Sync]()
	LockOrderNames   = vocab.Words[pb.LockOrder]()
	ErrorPolicyNames = vocab.Words[pb.ErrorPolicy]()
)

// ParseStrategy returns the strategy named s, one of [StrategyNames]; the
// error lists the accepted names.
func ParseStrategy(s string) (pb.Strategy, error) { return vocab.Parse[pb.Strategy]("strategy", s) }

// ParseWorkload returns the workload named s, one of [WorkloadNames].
func ParseWorkload(s string) (pb.Workload, error) { return vocab.Parse[pb.Workload]("workload", s) }

// ParseScope returns the scope named s, one of [ScopeNames].
func ParseScope(s string) (pb.Scope, error) { return vocab.Parse[pb.Scope]("scope", s) }

// ParseSync returns the sync mode named s, one of [SyncNames]: how a
// counter workload's tasks update their shared counter.
func ParseSync(s string) (pb.Sync, error) { return vocab.Parse[pb.Sync]("sync", s) }

// ParseLockOrder returns the lock order named s, one of [LockOrderNames]:
// how a transfer workload's tasks take two accounts' locks.
func ParseLockOrder(s string) (pb.LockOrder, error) {
	return vocab.Parse[pb.LockOrder]("lock order", s)
}

// ParseErrorPolicy returns the error policy named s, one of
// [ErrorPolicyNames].
func ParseErrorPolicy(s string) (pb.ErrorPolicy, error) {
	return vocab.Parse[pb.ErrorPolicy]("error policy", s)
}

// ParseMode returns the mode named s: "closed" or "open".
func ParseMode(s string) (Mode, error) {
	i, err := vocab.ParseWord("mode", s, []string{Closed: "closed", Open: "open"})
	return Mode(i), err
}

// StrategyName returns the lowercase name of s, such as "goroutine-per-task",
// or the enum's own name for a value without one (STRATEGY_UNSPECIFIED).
func StrategyName(s pb.Strategy) string { return vocab.Name(s) }

// WorkloadName returns the lowercase name of w, such as "cpu".
func WorkloadName(w pb.Workload) string { return vocab.Name(w) }

// ScopeName returns the lowercase name of s; SCOPE_UNSPECIFIED, which the
// server treats as SCOPE_JOB, is "job".
func ScopeName(s pb.Scope) string {
	if s == pb.Scope_SCOPE_UNSPECIFIED {
		s = pb.Scope_SCOPE_JOB
	}
	return vocab.Name(s)
}

// SyncName returns the lowercase name of s, such as "none", or "" for
// SYNC_UNSPECIFIED, the value of every workload but counter: the form of
// the CSV's sync column. A value without a name gives the enum's own name.
func SyncName(s pb.Sync) string { return vocab.Column(s) }

// LockOrderName returns the lowercase name of o, such as "try", or "" for
// LOCK_ORDER_UNSPECIFIED, the value of every workload but transfer: the
// form of the CSV's lock_order column.
func LockOrderName(o pb.LockOrder) string { return vocab.Column(o) }

// ErrorPolicyName returns the lowercase name of p, such as "collect-all",
// or "" for ERROR_POLICY_UNSPECIFIED (fail-fast when the request's
// fail_fast is set, collect-all otherwise).
func ErrorPolicyName(p pb.ErrorPolicy) string { return vocab.Column(p) }

// CodeName returns the specification's name of gRPC status code c, such as
// "DEADLINE_EXCEEDED", the form used in the errors_by_code column, from the
// generated google.rpc.Code enum; "CODE_n" for a code it does not define.
func CodeName(c codes.Code) string {
	if name, ok := code.Code_name[int32(c)]; ok {
		return name
	}
	return "CODE_" + strconv.FormatUint(uint64(c), 10)
}
