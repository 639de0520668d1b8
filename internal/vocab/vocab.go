// Package vocab is the one source of the enum words stored in flags, matrix
// files and CSV rows (serial, goroutine-per-task, cpu, mutex, …): each word
// is derived from the proto descriptor of its enum value, and each enum has
// one table mapping it to the kind the strategies and workload packages use.
//
// A word is the value's name without the enum's prefix (its UNSPECIFIED
// value's name less UNSPECIFIED), lower-cased, with '_' turned into '-':
// STRATEGY_GOROUTINE_PER_TASK is "goroutine-per-task". The UNSPECIFIED
// value has no word.
//
// vocab imports the generated protobuf package and so gRPC; strategies and
// workload must not import it. Their String methods are generated from these
// words instead (see TestKindStrings, which rewrites them with -update).
package vocab

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/stratbench/stratbench/proto/stratbench/v1"
)

// Enum is a generated protobuf enum type such as pb.Strategy.
type Enum interface {
	~int32
	protoreflect.Enum
	String() string
}

// words holds, per enum of the proto file, its words indexed by number; ""
// marks a number without a word. Enums with gaps in their numbers are not
// supported: init panics on one, as that is a mistake in the .proto.
var words = map[protoreflect.FullName][]string{}

func init() {
	enums := pb.File_stratbench_v1_stratbench_proto.Enums()
	for i := range enums.Len() {
		e := enums.Get(i)
		vals := e.Values()
		ws := make([]string, vals.Len())
		for j := range vals.Len() {
			v := vals.Get(j)
			if int(v.Number()) != j {
				panic(fmt.Sprintf("vocab: enum %s: value %s has number %d, want %d", e.FullName(), v.Name(), v.Number(), j))
			}
			ws[j] = Word(v)
		}
		words[e.FullName()] = ws
	}
}

// Word returns the word of v, or "" for its enum's UNSPECIFIED value.
func Word(v protoreflect.EnumValueDescriptor) string {
	prefix := strings.TrimSuffix(string(v.Parent().(protoreflect.EnumDescriptor).Values().ByNumber(0).Name()), "UNSPECIFIED")
	if v.Number() == 0 {
		return ""
	}
	w := strings.TrimPrefix(string(v.Name()), prefix)
	return strings.ReplaceAll(strings.ToLower(w), "_", "-")
}

func table[E Enum]() []string {
	var zero E
	return words[zero.Descriptor().FullName()]
}

// Words returns the words of E in number order, without the UNSPECIFIED
// value. The slice is shared: callers must not modify it.
func Words[E Enum]() []string {
	ws := table[E]()
	if len(ws) == 0 {
		return nil
	}
	return ws[1:]
}

// Name returns the word of e, such as "goroutine-per-task", or the enum's
// own name (e.String(), such as "STRATEGY_UNSPECIFIED") for a value without
// a word.
func Name[E Enum](e E) string {
	ws := table[E]()
	if i := int(e); i > 0 && i < len(ws) {
		return ws[i]
	}
	return e.String()
}

// Column returns the word of e, or "" for UNSPECIFIED: the form of a CSV
// column of an enum that only some workloads use (sync, lock_order,
// error_policy). A value without a word gives the enum's own name.
func Column[E Enum](e E) string {
	if e == 0 {
		return ""
	}
	return Name(e)
}

// Parse returns the value of E whose word is s. The error names what ("lock
// order") and lists the words.
func Parse[E Enum](what, s string) (E, error) {
	i, err := ParseWord(what, s, table[E]())
	return E(i), err
}

// ParseWord returns the index of s in words, a vocabulary that is not a
// proto enum's (such as a load's "closed" and "open"), where "" marks an
// index without a word. The error names what and lists the words.
func ParseWord(what, s string, words []string) (int, error) {
	for i, w := range words {
		if w != "" && w == s {
			return i, nil
		}
	}
	var valid []string
	for _, w := range words {
		if w != "" {
			valid = append(valid, w)
		}
	}
	return 0, fmt.Errorf("unknown %s %q: want one of %s", what, s, strings.Join(valid, ", "))
}
