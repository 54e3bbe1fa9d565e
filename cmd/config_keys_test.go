package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
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
		{"Ctrl-D after some input cancels", "fake-token\x04", "", exitcode.Usage},
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

// TestPipedInputEndsOnASignal cancels the run, as a signal does, while
// hubctl reads a token or task ids from a pipe whose writer never
// finishes: it must stop at once with the signal's status and write
// nothing.
func TestPipedInputEndsOnASignal(t *testing.T) {
	for _, args := range [][]string{
		{"config", "set", "token", "-"},
		{"get", "t1", "--token-file", "-"},
		{"wait", "-"},
	} {
		env := isolatedEnv(t)
		env["HUBCTL_BASE_URL"] = "http://127.0.0.1:9"
		if args[0] == "wait" {
			env["HUBCTL_TOKEN"] = "test-token-not-real"
		}
		pr, pw := io.Pipe()
		go pw.Write([]byte("partial")) // the rest never comes

		streams, _, out, errOut := term.ForTest()
		streams.In = pr
		streams.Getenv = func(name string) string { return env[name] }
		ctx, cancel := context.WithCancelCause(t.Context())
		done := make(chan int, 1)
		go func() {
			done <- Run(ctx, &Deps{Streams: streams, Clock: clockwork.NewRealClock()}, args)
		}()
		cancel(&exitcode.SignalError{Signal: os.Interrupt})

		var code int
		select {
		case code = <-done:
		case <-time.After(20 * time.Second): // bounds a hang; times nothing
			t.Fatalf("%q still reads the pipe 20s after the signal", args)
		}
		if code != exitcode.Interrupted || out.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q; want %d and nothing; stderr %q",
				args, code, out.String(), exitcode.Interrupted, errOut.String())
		}
		if _, err := os.Stat(filepath.Join(env["XDG_CONFIG_HOME"], "hubctl", "config.yaml")); !os.IsNotExist(err) {
			t.Errorf("%q: a config file was written (%v)", args, err)
		}
		pw.Close()
	}
}
