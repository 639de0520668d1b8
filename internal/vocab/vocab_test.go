package vocab_test

import (
	"bytes"
	"fmt"
	"go/format"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/stratbench/stratbench/internal/golden"
	"github.com/stratbench/stratbench/internal/vocab"
	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
	"github.com/stratbench/stratbench/strategies"
	"github.com/stratbench/stratbench/workload"
)

func TestWord(t *testing.T) {
	for _, tc := range []struct {
		v    protoreflect.Enum
		want string
	}{
		{pb.Strategy_STRATEGY_GOROUTINE_PER_TASK, "goroutine-per-task"},
		{pb.Strategy_STRATEGY_UNSPECIFIED, ""},
		{pb.Workload_WORKLOAD_CPU, "cpu"},
		{pb.Sync_SYNC_NONE, "none"},
		{pb.LockOrder_LOCK_ORDER_TRY, "try"},
		{pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL, "collect-all"},
		{pb.Scope_SCOPE_SERVER, "server"},
	} {
		v := tc.v.Descriptor().Values().ByNumber(tc.v.Number())
		if got := vocab.Word(v); got != tc.want {
			t.Errorf("Word(%s) = %q, want %q", v.Name(), got, tc.want)
		}
	}
}

// roundTrip checks that every value of E but UNSPECIFIED has a word, that
// Parse inverts Name, and that unknown words and values are refused.
func roundTrip[E vocab.Enum](t *testing.T, what string) {
	t.Helper()
	var zero E
	vals := zero.Descriptor().Values()
	var ws []string
	for i := 1; i < vals.Len(); i++ {
		e := E(vals.Get(i).Number())
		w := vocab.Name(e)
		if w == "" || strings.ToLower(w) != w || strings.Contains(w, "_") {
			t.Errorf("%s: Name(%v) = %q, want a lower-case word", what, e, w)
		}
		got, err := vocab.Parse[E](what, w)
		if err != nil || got != e {
			t.Errorf("%s: Parse(%q) = %v, %v; want %v", what, w, got, err, e)
		}
		ws = append(ws, w)
	}
	if got := vocab.Words[E](); !slices.Equal(got, ws) {
		t.Errorf("%s: Words = %q, want %q", what, got, ws)
	}
	if got := vocab.Name(zero); got != zero.String() {
		t.Errorf("%s: Name(UNSPECIFIED) = %q, want %q", what, got, zero.String())
	}
	if got := vocab.Name(E(vals.Len())); got != E(vals.Len()).String() {
		t.Errorf("%s: Name(unknown) = %q, want %q", what, got, E(vals.Len()).String())
	}
	for _, bad := range []string{"", zero.String(), "UNSPECIFIED", "unspecified", strings.ToUpper(ws[0])} {
		_, err := vocab.Parse[E](what, bad)
		if err == nil || !strings.Contains(err.Error(), what) || !strings.Contains(err.Error(), strings.Join(ws, ", ")) {
			t.Errorf("%s: Parse(%q) error = %v, want one naming %q and listing the words", what, bad, err, what)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	roundTrip[pb.Strategy](t, "strategy")
	roundTrip[pb.Workload](t, "workload")
	roundTrip[pb.Sync](t, "sync")
	roundTrip[pb.LockOrder](t, "lock order")
	roundTrip[pb.ErrorPolicy](t, "error policy")
	roundTrip[pb.Scope](t, "scope")
}

// tableRoundTrip checks that tbl holds every value of P but UNSPECIFIED, one
// to one with kinds, and that each kind's String is the value's word.
func tableRoundTrip[P vocab.Enum, K comparable](t *testing.T, tbl vocab.Table[P, K], kinds []K) {
	t.Helper()
	var zero P
	vals := zero.Descriptor().Values()
	if tbl.Len() != vals.Len()-1 {
		t.Errorf("%s: table has %d pairs, enum has %d values besides UNSPECIFIED", zero.Descriptor().Name(), tbl.Len(), vals.Len()-1)
	}
	if _, ok := tbl.Kind(zero); ok {
		t.Errorf("%s: UNSPECIFIED has a kind", zero.Descriptor().Name())
	}
	if _, ok := tbl.Kind(P(vals.Len())); ok {
		t.Errorf("%s: value %d has a kind", zero.Descriptor().Name(), vals.Len())
	}
	seen := map[K]bool{}
	for i := 1; i < vals.Len(); i++ {
		p := P(vals.Get(i).Number())
		k, ok := tbl.Kind(p)
		if !ok {
			t.Errorf("%v has no kind", p)
			continue
		}
		if seen[k] {
			t.Errorf("%v: kind %v is taken twice", p, k)
		}
		seen[k] = true
		if back, ok := tbl.Proto(k); !ok || back != p {
			t.Errorf("Proto(Kind(%v)) = %v, %v", p, back, ok)
		}
		if s, ok := any(k).(fmt.Stringer); ok && s.String() != vocab.Name(p) {
			t.Errorf("%v: kind's String = %q, want %q (rerun go test ./internal/vocab -update)", p, s.String(), vocab.Name(p))
		}
	}
	for _, k := range kinds {
		if p, ok := tbl.Proto(k); !ok || p == 0 {
			t.Errorf("kind %v has no wire value", k)
		}
	}
}

func TestTables(t *testing.T) {
	tableRoundTrip(t, vocab.Strategies, strategies.Kinds)
	tableRoundTrip(t, vocab.Workloads, []workload.Kind{workload.CPU, workload.IO, workload.Mixed, workload.Counter, workload.Transfer})
	tableRoundTrip(t, vocab.Syncs, []workload.Sync{workload.SyncMutex, workload.SyncAtomic, workload.SyncSharded, workload.SyncChannel, workload.SyncNone})
	tableRoundTrip(t, vocab.LockOrders, []workload.LockOrder{workload.LockOrdered, workload.LockTry})
	tableRoundTrip(t, vocab.ErrorPolicies, []bool{true, false})
	// bool has no String to check the order against.
	if ff, _ := vocab.ErrorPolicies.Kind(pb.ErrorPolicy_ERROR_POLICY_FAIL_FAST); !ff {
		t.Error("ERROR_POLICY_FAIL_FAST does not fail fast")
	}
	if ff, _ := vocab.ErrorPolicies.Kind(pb.ErrorPolicy_ERROR_POLICY_COLLECT_ALL); ff {
		t.Error("ERROR_POLICY_COLLECT_ALL fails fast")
	}
}

// kindString writes the String method of an internal kind type typ whose
// constants, in the order of P's values, are consts.
func kindString[P vocab.Enum](b *bytes.Buffer, typ, recv string, consts ...string) {
	var zero P
	fmt.Fprintf(b, "\n// String returns the word of %[1]s's wire enum %[2]s, as flags, matrix\n// files and CSV rows spell it.\nfunc (%[3]s %[1]s) String() string {\n\tswitch %[3]s {\n", typ, zero.Descriptor().Name(), recv)
	for i, c := range consts {
		fmt.Fprintf(b, "\tcase %s:\n\t\treturn %q\n", c, vocab.Name(P(i+1)))
	}
	fmt.Fprintf(b, "\t}\n\treturn fmt.Sprintf(\"%s(%%d)\", int(%s))\n}\n", typ, recv)
}

func generated(pkg string, body func(*bytes.Buffer)) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by TestKindStrings in internal/vocab from the proto descriptors; DO NOT EDIT.\n\npackage %s\n\nimport \"fmt\"\n", pkg)
	body(&b)
	src, err := format.Source(b.Bytes())
	if err != nil {
		panic(err)
	}
	return src
}

// TestKindStrings keeps the String methods of strategies and workload, which
// must not import this package (it pulls in gRPC), derived from the proto:
// with -update it rewrites them.
func TestKindStrings(t *testing.T) {
	golden.CheckPath(t, "../../strategies/kind_string.go", generated("strategies", func(b *bytes.Buffer) {
		kindString[pb.Strategy](b, "Kind", "k", "Serial", "GoroutinePerTask", "Pool", "Semaphore", "Pipeline")
	}))
	golden.CheckPath(t, "../../workload/kind_string.go", generated("workload", func(b *bytes.Buffer) {
		kindString[pb.Workload](b, "Kind", "k", "CPU", "IO", "Mixed", "Counter", "Transfer")
		kindString[pb.Sync](b, "Sync", "s", "SyncMutex", "SyncAtomic", "SyncSharded", "SyncChannel", "SyncNone")
		kindString[pb.LockOrder](b, "LockOrder", "o", "LockOrdered", "LockTry")
	}))
}
