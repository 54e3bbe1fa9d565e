package hub

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxIDLength is the longest task id CheckID accepts, in bytes.
const MaxIDLength = 256

// ErrInvalidID is wrapped by every error CheckID returns.
var ErrInvalidID = errors.New("invalid task id")

// CheckID reports whether id can name a task. The Hub treats ids as opaque
// strings, so CheckID refuses only what cannot travel safely as one path
// segment: the empty string, "." and "..", more than MaxIDLength bytes,
// invalid UTF-8, and the characters / ? # % or any space or control
// character.
func CheckID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalidID)
	case id == "." || id == "..":
		return fmt.Errorf("%w %q: not a name", ErrInvalidID, id)
	case len(id) > MaxIDLength:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidID, MaxIDLength)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w %q: not UTF-8", ErrInvalidID, id)
	}

	for _, r := range id {
		switch {
		case r == '/' || r == '?' || r == '#' || r == '%':
			return fmt.Errorf("%w %q: contains %q", ErrInvalidID, id, r)
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return fmt.Errorf("%w %q: contains a space or control character", ErrInvalidID, id)
		}
	}
	return nil
}
