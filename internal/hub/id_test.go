package hub

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckIDAcceptsOpaqueIDs(t *testing.T) {
	tests := []struct {
		name string
		id   string
	}{
		{"hub uuid", "hub-0b7c5d2e-1111-2222-3333-444455556666"},
		{"plain uuid", "0b7c5d2e-1111-2222-3333-444455556666"},
		{"ms prefix", "ms-abc_DEF.123"},
		{"unicode letters", "задача-ü-任务"},
		{"path-safe punctuation", "a:b@c+d=e,f;g~h!i$j&k'l(m)n*o"},
		{"dots inside", "..."},
		{"one byte", "x"},
		{"exactly MaxIDLength bytes", strings.Repeat("a", MaxIDLength)},
		{"MaxIDLength bytes of two-byte runes", strings.Repeat("ü", MaxIDLength/2)},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckID(tt.id); err != nil {
				t.Errorf("CheckID(%q) = %v, want nil", tt.id, err)
			}
		})
	}
}

func TestCheckIDRefusesUnsafeIDs(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		wantMsg string
	}{
		{"empty", "", "invalid task id: empty"},
		{"dot", ".", `invalid task id ".": not a name`},
		{"dot dot", "..", `invalid task id "..": not a name`},
		{"257 bytes", strings.Repeat("a", MaxIDLength+1), "invalid task id: longer than 256 bytes"},
		{"257 bytes ending in a two-byte rune", strings.Repeat("a", MaxIDLength-1) + "ü",
			"invalid task id: longer than 256 bytes"},
		{"slash", "hub-1/../2", `invalid task id "hub-1/../2": contains '/'`},
		{"question mark", "hub-1?x=1", `invalid task id "hub-1?x=1": contains '?'`},
		{"hash", "hub-1#frag", `invalid task id "hub-1#frag": contains '#'`},
		{"percent", "hub-%2F", `invalid task id "hub-%2F": contains '%'`},
		{"space", "hub 1", `invalid task id "hub 1": contains a space or control character`},
		{"tab", "hub\t1", `invalid task id "hub\t1": contains a space or control character`},
		{"newline", "hub-1\n", `invalid task id "hub-1\n": contains a space or control character`},
		{"carriage return", "hub-1\r", `invalid task id "hub-1\r": contains a space or control character`},
		{"NUL", "hub\x001", `invalid task id "hub\x001": contains a space or control character`},
		{"DEL", "hub\x7f1", `invalid task id "hub\x7f1": contains a space or control character`},
		{"C1 control", "hub\u00851", `invalid task id "hub\u00851": contains a space or control character`},
		{"no-break space", "hub\u00a01", `invalid task id "hub\u00a01": contains a space or control character`},
		{"invalid UTF-8", "hub-\xff", `invalid task id "hub-\xff": not UTF-8`},
		{"truncated UTF-8", "hub-\xc3", `invalid task id "hub-\xc3": not UTF-8`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckID(tt.id)
			if err == nil {
				t.Fatalf("CheckID(%q) = nil, want an error", tt.id)
			}
			if !errors.Is(err, ErrInvalidID) {
				t.Errorf("CheckID(%q) = %v, which does not wrap ErrInvalidID", tt.id, err)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("CheckID(%q) error = %q, want %q", tt.id, err.Error(), tt.wantMsg)
			}
		})
	}
}
