package term

import (
	"fmt"
	"strings"
	"unicode"
)

// Sanitize makes text from the server safe to show on a terminal: control
// characters (escape, carriage return, newline, C1 codes and the like) and
// the invisible characters that reorder or hide text (bidirectional
// overrides, zero-width marks) are replaced by their \u escapes, so that a
// server can neither move the cursor, retitle the window, write the
// clipboard, nor make one line look like another.
func Sanitize(s string) string {
	if !needsSanitizing(s) {
		return s
	}

	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsSanitizing(s string) bool {
	for _, r := range s {
		if unsafeRune(r) {
			return true
		}
	}
	return false
}

// unsafeRune reports whether r may change how a terminal shows what
// follows it.
func unsafeRune(r rune) bool {
	switch {
	case r == unicode.ReplacementChar:
		return false
	case unicode.IsControl(r):
		return true
	case unicode.Is(unicode.Cf, r): // format: bidi controls, zero-width joiners
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return false
}
