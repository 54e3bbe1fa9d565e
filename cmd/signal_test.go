package cmd

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"

	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/term"
)

func TestRelaySignals(t *testing.T) {
	for _, tt := range []struct {
		name       string
		tty        bool
		second     os.Signal
		wantCode   int
		wantStderr string
	}{
		{"second Ctrl-C on a terminal", true, os.Interrupt, 130, "\r\033[K\033[?25h"},
		{"SIGTERM after Ctrl-C in a log", false, syscall.SIGTERM, 143, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, _, errOut := term.ForTest()
			streams.ErrTTY = tt.tty
			streams.Undo = &term.Undo{}
			undone := false
			streams.Undo.Add(func() { undone = true })
			ctx, cancel := context.WithCancelCause(t.Context())
			sigs := make(chan os.Signal)
			exited := make(chan int, 1)
			go relaySignals(sigs, cancel, streams, func(code int) { exited <- code })

			sigs <- os.Interrupt
			<-ctx.Done()
			var se *exitcode.SignalError
			if cause := context.Cause(ctx); !errors.As(cause, &se) || se.Signal != os.Interrupt {
				t.Fatalf("first signal: cause %v, want the signal", cause)
			}
			select {
			case code := <-exited:
				t.Fatalf("the first signal exited with %d; want the run to end in order", code)
			default:
			}

			if undone {
				t.Fatal("the first signal put the terminal back; the run must do that itself")
			}
			sigs <- tt.second
			if code := <-exited; code != tt.wantCode {
				t.Errorf("second signal: exit %d, want %d", code, tt.wantCode)
			}
			if !undone {
				t.Error("the second signal exited without putting the terminal back")
			}
			if got := errOut.String(); got != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", got, tt.wantStderr)
			}
		})
	}
}
