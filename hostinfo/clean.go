package hostinfo

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// MaxStringRunes is the longest a string from another host is kept, in
// runes: longer than any host name (253), CPU model or version string.
const MaxStringRunes = 256

// Clean returns s, a string from another host, made safe to store and
// show: every rune that is not printable (control characters, terminal
// escapes, invalid UTF-8) becomes its escape as text (`\x1b`, `\n`,
// `\u200b`); a result past MaxStringRunes is cut there and ends in "…";
// and one that starts with '=', '+', '-' or '@', which a spreadsheet would
// run as a formula, gets a "'" in front. Clean(Clean(s)) == Clean(s).
func Clean(s string) string {
	var b strings.Builder
	runes := 0
	for i, r := range s {
		var piece string
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
			piece = fmt.Sprintf(`\x%02x`, s[i])
		case unicode.IsPrint(r):
			piece = string(r)
		case r < 0x80:
			piece = escapeASCII(r)
		default:
			piece = fmt.Sprintf(`\u%04x`, r)
		}
		if runes+utf8.RuneCountInString(piece) > MaxStringRunes {
			b.WriteString("…")
			break
		}
		b.WriteString(piece)
		runes += utf8.RuneCountInString(piece)
	}
	out := b.String()
	if out != "" && strings.ContainsRune("=+-@", rune(out[0])) {
		out = "'" + out
	}
	return out
}

// isInvalidAt reports whether the byte at s[i] starts no valid rune.
func isInvalidAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && size <= 1
}

// escapeASCII returns the Go escape of a non-printable ASCII rune.
func escapeASCII(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	return fmt.Sprintf(`\x%02x`, r)
}

// CleanMessage applies Clean to every string field of m, its nested
// messages, lists and maps, in place: call it on a message from another
// host (an Info response) as it arrives, before anything stores or shows it.
func CleanMessage(m proto.Message) {
	cleanMessage(m.ProtoReflect())
}

func cleanMessage(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				if fd.Kind() == protoreflect.StringKind {
					l.Set(i, protoreflect.ValueOfString(Clean(l.Get(i).String())))
				} else if fd.Message() != nil {
					cleanMessage(l.Get(i).Message())
				}
			}
		case fd.IsMap():
			// Map keys from another host are rare in Info; values are
			// cleaned, keys left as they are.
			mv := v.Map()
			mv.Range(func(k protoreflect.MapKey, e protoreflect.Value) bool {
				if fd.MapValue().Kind() == protoreflect.StringKind {
					mv.Set(k, protoreflect.ValueOfString(Clean(e.String())))
				} else if fd.MapValue().Message() != nil {
					cleanMessage(e.Message())
				}
				return true
			})
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString(Clean(v.String())))
		case fd.Message() != nil:
			cleanMessage(v.Message())
		}
		return true
	})
}
