//go:build linux

package cmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
	"golang.org/x/sys/unix"
)

// syncBuffer is a bytes.Buffer safe to write from one goroutine while
// another reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConfigSetTokenFromTerminalDoesNotEcho types a token on a
// pseudo-terminal, as a person pastes it, and checks that the terminal
// never showed it and that the file holds it.
func TestConfigSetTokenFromTerminalDoesNotEcho(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()

	var screen syncBuffer
	go io.Copy(&screen, ptmx) // ends when the terminal closes

	env := isolatedEnv(t)
	var stderr syncBuffer
	streams := &term.Streams{
		In: tty, InTTY: true, Out: io.Discard, Err: &stderr,
		Getenv: func(name string) string { return env[name] },
	}
	done := make(chan int)
	go func() {
		done <- Run(context.Background(), &Deps{Streams: streams, Clock: clockwork.NewRealClock()},
			[]string{"config", "set", "token", "-"})
	}()

	// Type only once the terminal has stopped echoing: what is typed
	// before that is echoed whatever hubctl does.
	deadline := time.Now().Add(10 * time.Second)
	for {
		termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if termios.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal still echoes after 10s; stderr: %q", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	const secret = "sk-typed-secret-0123456789"
	if _, err := ptmx.Write([]byte(secret + "\n")); err != nil {
		t.Fatal(err)
	}

	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("hubctl config set token - did not return after the token was typed")
	}

	if strings.Contains(screen.String(), secret) {
		t.Errorf("the terminal echoed the token: %q", screen.String())
	}
	if !strings.Contains(stderr.String(), "API token (input hidden): ") {
		t.Errorf("no prompt on stderr: %q", stderr.String())
	}
	if strings.Contains(stderr.String(), secret) {
		t.Errorf("stderr shows the token: %q", stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(env["XDG_CONFIG_HOME"], "hubctl", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "token: "+secret+"\n" {
		t.Errorf("config file holds %q", b)
	}
}
