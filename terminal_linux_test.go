package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/fakehub"
	"golang.org/x/sys/unix"
)

// echoOn reports whether the terminal behind ptmx echoes what is typed.
func echoOn(t *testing.T, ptmx *os.File) bool {
	t.Helper()
	tios, err := unix.IoctlGetTermios(int(ptmx.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("reading the terminal's settings: %v", err)
	}
	return tios.Lflag&unix.ECHO != 0
}

// waitForEchoOff waits until the terminal behind ptmx stops echoing, as
// it does once hubctl reads a hidden token, or fails after ten seconds.
func waitForEchoOff(t *testing.T, ptmx *os.File) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if !echoOn(t, ptmx) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the token prompt never turned echo off")
}

func TestInterruptedTokenPromptRestoresEcho(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{}, fakehub.Options{Logf: func(string, ...any) {}})
	config := filepath.Join(t.TempDir(), "config.yaml")

	run := startTerminal(t, hub, []string{"HUBCTL_CONFIG=" + config}, true, "config", "set", "token", "-")
	run.waitFor(t, "API token (input hidden): ")
	waitForEchoOff(t, run.ptmx)

	if err := run.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code, screen := run.exit(t)

	if code != 130 {
		t.Errorf("exit status %d after SIGINT at the token prompt, want 130; terminal: %q", code, screen)
	}
	if !echoOn(t, run.ptmx) {
		t.Error("echo is still off after an interrupted token prompt")
	}
	if _, err := os.Stat(config); !os.IsNotExist(err) {
		t.Errorf("an interrupted prompt wrote the config file (%v)", err)
	}
	if strings.Contains(screen, "test-token-not-real") || run.stdout.Len() != 0 {
		t.Errorf("terminal %q, stdout %q: want neither to show anything but the prompt", screen, run.stdout.String())
	}
}

func TestTokenFileDashRefusesATerminal(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{}, fakehub.Options{Logf: func(string, ...any) {}})

	for path, want := range map[string]string{
		"-": "hubctl: --token-file -: standard input is a terminal; pipe the token in, " +
			"or store it once with: hubctl config set token -\r\n",
		"/dev/stdin": "hubctl: reading token from /dev/stdin (--token-file): a terminal, which would show " +
			"the token as it is typed; pipe it in, or store it once with: hubctl config set token -\r\n",
	} {
		run := startTerminal(t, hub, nil, true, "get", "t1", "--token-file", path)
		code, screen := run.exit(t)

		if code != 2 || screen != want {
			t.Errorf("--token-file %s: exit %d, terminal %q; want 2 and %q", path, code, screen, want)
		}
	}
	if n := hub.TotalRequests(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestTokenPromptKeys(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{}, fakehub.Options{Logf: func(string, ...any) {}})

	for _, tt := range []struct {
		key     string
		want    int
		message string
	}{
		{"\x03", 130, "hubctl: interrupted\r\n"},
		{"\x04", 2, "hubctl: no token entered\r\n"},
	} {
		config := filepath.Join(t.TempDir(), "config.yaml")
		run := startTerminal(t, hub, []string{"HUBCTL_CONFIG=" + config}, true, "config", "set", "token", "-")
		run.waitFor(t, "API token (input hidden): ")
		waitForEchoOff(t, run.ptmx)
		if _, err := run.ptmx.WriteString(tt.key); err != nil {
			t.Fatal(err)
		}
		code, screen := run.exit(t)

		if code != tt.want || !strings.HasSuffix(screen, tt.message) {
			t.Errorf("key %q: exit %d, terminal %q; want %d and %q", tt.key, code, screen, tt.want, tt.message)
		}
		if !echoOn(t, run.ptmx) {
			t.Errorf("key %q: echo is still off", tt.key)
		}
		if _, err := os.Stat(config); !os.IsNotExist(err) {
			t.Errorf("key %q: the config file was written (%v)", tt.key, err)
		}
	}
}

func TestIDsFromATerminalAreRefused(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{}, fakehub.Options{Logf: func(string, ...any) {}})

	for _, command := range []string{"get", "wait", "watch"} {
		run := startTerminal(t, hub, nil, true, command, "-")
		code, screen := run.exit(t)

		want := "hubctl: - reads task ids from standard input, which is a terminal; " +
			"pipe them in, as in: hubctl " + command + " - < ids.txt\r\n"
		if code != 2 || screen != want {
			t.Errorf("%s: exit %d, terminal %q; want 2 and %q", command, code, screen, want)
		}
	}
}

func TestGetSaysOnATerminalThatItRetries(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{Token: "test-token-not-real", Tasks: []fakehub.Task{
		{ID: "t-busy", Steps: []fakehub.Step{{Fault: &fakehub.Fault{Code: 503, RetryAfter: "0"}}}},
	}}, fakehub.Options{Logf: func(string, ...any) {}})

	run := startOnTerminal(t, hub, nil, "get", "t-busy")
	code, screen := run.exit(t)

	want := "hubctl: task t-busy: HTTP 503 Service Unavailable; retrying, at most 5 attempts within 30s\r\n" +
		"hubctl: task t-busy: HTTP 503 Service Unavailable: Service Unavailable; " +
		"check --base-url and the network, or try again later\r\n"
	if code != 8 || screen != want {
		t.Errorf("exit %d, terminal %q; want 8 and %q", code, screen, want)
	}
	if n := hub.Requests("t-busy"); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
}
