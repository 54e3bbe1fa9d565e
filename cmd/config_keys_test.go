package cmd

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/hubctl/hubctl/internal/exitcode"
)

func TestReadKeys(t *testing.T) {
	for _, tt := range []struct {
		name, typed, want string
		wantCode          int // of the error; 0 for none
	}{
		{"Enter", "fake-token\r", "fake-token", 0},
		{"newline", "fake-token\n", "fake-token", 0},
		{"Backspace", "fake-tokenX\x7f\r", "fake-token", 0},
		{"Backspace over a wide character", "fake-é\x7ftoken\r", "fake-token", 0},
		{"Ctrl-U", "wrong\x15fake-token\r", "fake-token", 0},
		{"control keys ignored", "fake-\x01token\r", "fake-token", 0},
		{"arrow and function keys ignored", "fake-\x1b[Dto\x1bOPken\x1b[15~\r", "fake-token", 0},
		{"Ctrl-D ends a line", "fake-token\x04", "fake-token", 0},
		{"Ctrl-D on an empty line", "\x04", "", exitcode.Usage},
		{"Ctrl-C", "fake\x03", "", exitcode.Interrupted},
		{"end of input", "fake", "", exitcode.Error},
	} {
		got, err := readKeys(strings.NewReader(tt.typed))
		if string(got) != tt.want {
			t.Errorf("%s: read %q, want %q", tt.name, got, tt.want)
		}
		switch {
		case tt.wantCode == 0 && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantCode != 0 && (err == nil || exitcode.For(err) != tt.wantCode):
			t.Errorf("%s: error %v (exit %d), want exit %d", tt.name, err, exitcode.For(err), tt.wantCode)
		}
	}

	_, err := readKeys(strings.NewReader("\x03"))
	var se *exitcode.SignalError
	if !errors.As(err, &se) || se.Signal != os.Interrupt {
		t.Errorf("Ctrl-C gave %v, want an interrupt", err)
	}
}
