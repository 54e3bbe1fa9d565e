package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/hubctl/hubctl/internal/fakehub"
)

// terminalRun is hubctl running with stderr on a pseudo-terminal and stdout
// on a pipe, as when a person runs it with stdout redirected.
type terminalRun struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer

	mu     sync.Mutex
	screen bytes.Buffer // everything written to the terminal
	done   chan struct{}
	ptmx   *os.File
}

// hubctlPath returns a path that runs this test binary as hubctl: TestMain
// hands control to hubctl when the program's name is hubctl.
func hubctlPath(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "hubctl")
	if err := os.Symlink(self, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// startOnTerminal starts hubctl with args against hub, stderr on a 100×30
// pseudo-terminal.
func startOnTerminal(t *testing.T, hub *fakehub.Server, env []string, args ...string) *terminalRun {
	t.Helper()
	return startTerminal(t, hub, env, false, args...)
}

// startTerminal is startOnTerminal, with stdin on the terminal too when
// stdin is true.
func startTerminal(t *testing.T, hub *fakehub.Server, env []string, stdin bool, args ...string) *terminalRun {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatal(err)
	}

	r := &terminalRun{done: make(chan struct{}), ptmx: ptmx}
	r.cmd = exec.Command(hubctlPath(t), args...)
	r.cmd.Env = append([]string{
		"HOME=" + t.TempDir(),
		"HUBCTL_BASE_URL=" + hub.URL(),
		"HUBCTL_TOKEN=test-token-not-real",
		"LANG=C.UTF-8",
		"TERM=xterm-256color",
		"PATH=" + os.Getenv("PATH"),
	}, env...)
	r.cmd.Stdout = &r.stdout
	r.cmd.Stderr = tty
	if stdin {
		r.cmd.Stdin = tty
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()

	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			r.mu.Lock()
			r.screen.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return r
}

// waitFor waits until the terminal has shown text, or fails the test
// after ten seconds.
func (r *terminalRun) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(r.output(), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("terminal never showed %q; it showed %q", text, r.output())
}

func (r *terminalRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.screen.String()
}

// exit waits for hubctl to end, killing it after 20 seconds, and returns
// its exit status and the terminal's output.
func (r *terminalRun) exit(t *testing.T) (int, string) {
	t.Helper()
	hung := time.AfterFunc(20*time.Second, func() { r.cmd.Process.Kill() })
	err := r.cmd.Wait()
	if !hung.Stop() {
		t.Errorf("hubctl was still running after 20s and was killed")
	}
	<-r.done

	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, r.output()
	case errors.As(err, &ee):
		return ee.ExitCode(), r.output()
	}
	t.Fatalf("hubctl: %v", err)
	return 0, ""
}

func pollSteps(pending int, final fakehub.Step) []fakehub.Step {
	return []fakehub.Step{{Polls: pending, Status: "pending", ElapsedMS: fakehub.Int64(1000)}, final}
}

func completedStep(url string) fakehub.Step {
	return fakehub.Step{Status: "completed", ElapsedMS: fakehub.Int64(4000),
		Data: fakehub.Raw(`{"images":[{"url":"` + url + `"}]}`)}
}

// escapes matches the escape codes and carriage returns that must never
// reach a pipe or a plain log.
var escapes = regexp.MustCompile("[\x1b\r]")

func TestWatchDrawsTableOnTerminalAndWritesEventsFile(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{Token: "test-token-not-real", Tasks: []fakehub.Task{
		{ID: "t-ok", Steps: pollSteps(2, completedStep("https://cdn.example/ok.png"))},
		{ID: "t-bad", Steps: pollSteps(3, fakehub.Step{Status: "failed", ErrorCode: fakehub.Raw(`"E1"`),
			ErrorMessage: "policy", ElapsedMS: fakehub.Int64(2000)})},
	}}, fakehub.Options{Logf: func(string, ...any) {}})
	events := filepath.Join(t.TempDir(), "events.ndjson")

	run := startOnTerminal(t, hub, nil, "watch", "t-ok", "t-bad", "--interval", "50ms",
		"--events-file", events)
	code, screen := run.exit(t)

	if code != 3 {
		t.Errorf("exit status %d, want 3 (t-bad failed)", code)
	}
	if !strings.HasPrefix(screen, "\x1b[?25l") || strings.LastIndex(screen, "\x1b[?25h") < strings.LastIndex(screen, "\x1b[?2026l") {
		t.Errorf("terminal output does not hide the cursor first and show it after the last frame: %q", screen)
	}
	last := screen[strings.LastIndex(screen, "\x1b[?2026h"):]
	for _, want := range []string{"0 running", "1 completed", "1 failed", "✓", "t-ok", "https://cdn.example/ok.png", "✗", "error E1: policy"} {
		if !strings.Contains(last, want) {
			t.Errorf("final frame lacks %q: %q", want, last)
		}
	}

	out := run.stdout.String()
	if escapes.MatchString(out) {
		t.Errorf("stdout, a pipe, holds escape codes: %q", out)
	}
	wantOut := "t-ok  completed  4s\n  https://cdn.example/ok.png\nt-bad  failed  2s\n  error E1: policy\n"
	if out != wantOut {
		t.Errorf("stdout = %q, want %q", out, wantOut)
	}

	b, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("events file has %d lines, want 4 (two per task): %q", len(lines), b)
	}
	for _, want := range []string{`"task_id":"t-ok","status":"pending"`, `"task_id":"t-bad","status":"pending"`,
		`"task_id":"t-ok","status":"completed","previous_status":"pending"`,
		`"task_id":"t-bad","status":"failed","previous_status":"pending"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("events file lacks %s: %s", want, b)
		}
	}
	if info, err := os.Stat(events); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("events file mode = %v, %v; want 0644", info.Mode().Perm(), err)
	}
}

func TestCIOnTerminalGivesPlainLog(t *testing.T) {
	for _, command := range []string{"wait", "watch"} {
		hub := fakehub.StartForTest(t, fakehub.Scenario{Token: "test-token-not-real", Tasks: []fakehub.Task{
			{ID: "t-ok", Steps: pollSteps(2, completedStep("https://cdn.example/ok.png"))},
		}}, fakehub.Options{Logf: func(string, ...any) {}})
		run := startOnTerminal(t, hub, []string{"CI=true"}, command, "t-ok", "--interval", "20ms")
		code, screen := run.exit(t)

		if code != 0 {
			t.Errorf("%s: exit status %d, want 0", command, code)
		}
		// A terminal turns each newline into CR LF; any other escape or CR
		// came from hubctl.
		plain := strings.ReplaceAll(screen, "\r\n", "\n")
		if escapes.MatchString(plain) {
			t.Errorf("%s: CI log holds escape codes or carriage returns: %q", command, screen)
		}
		lines := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\S+ t-ok (pending|pending → completed https://cdn.example/ok.png)$`)
		if n := len(lines.FindAllString(plain, -1)); n != 2 {
			t.Errorf("%s: %d status lines, want 2: %q", command, n, plain)
		}
	}
}

func TestInterruptOnTerminalRestoresCursor(t *testing.T) {
	hub := fakehub.StartForTest(t, fakehub.Scenario{Token: "test-token-not-real", Tasks: []fakehub.Task{
		{ID: "t-slow", Steps: []fakehub.Step{{Status: "processing"}}},
	}}, fakehub.Options{Logf: func(string, ...any) {}})

	for _, tt := range []struct {
		command string
		signal  syscall.Signal
		want    int
	}{
		{"wait", syscall.SIGINT, 130},
		{"watch", syscall.SIGTERM, 143},
	} {
		run := startOnTerminal(t, hub, nil, tt.command, "t-slow", "--interval", "50ms", "--json")
		run.waitFor(t, "t-slow")

		sent := time.Now()
		if err := run.cmd.Process.Signal(tt.signal); err != nil {
			t.Fatal(err)
		}
		code, screen := run.exit(t)
		took := time.Since(sent)

		if code != tt.want {
			t.Errorf("%s: exit status %d after %v, want %d", tt.command, code, tt.signal, tt.want)
		}
		if hide, show := strings.LastIndex(screen, "\x1b[?25l"), strings.LastIndex(screen, "\x1b[?25h"); show < hide {
			t.Errorf("%s: cursor left hidden: %q", tt.command, screen)
		}
		if !strings.Contains(screen, "still running: t-slow; resume with: hubctl "+tt.command+" --interval 50ms --json t-slow") {
			t.Errorf("%s: no resume hint on the terminal: %q", tt.command, screen)
		}
		if tt.command == "wait" && run.stdout.Len() != 0 {
			t.Errorf("%s: stdout = %q, want nothing", tt.command, run.stdout.String())
		}
		if tt.command == "watch" {
			for _, line := range strings.SplitAfter(run.stdout.String(), "\n") {
				if line != "" && !strings.HasSuffix(line, "}\n") {
					t.Errorf("%s: half a JSON line on stdout: %q", tt.command, line)
				}
			}
		}
		t.Logf("%s: exited %v after the signal", tt.command, took.Round(time.Millisecond))
	}
}

// TestWatchManyTasksOnTerminal runs the live table over hundreds of tasks;
// under 'go test -race' the hubctl it runs is race-built too, so this is
// also the race detector's run of watch.
func TestWatchManyTasksOnTerminal(t *testing.T) {
	var tasks []fakehub.Task
	var ids []string
	for i := range 300 {
		id := fmt.Sprintf("t-%03d", i)
		ids = append(ids, id)
		tasks = append(tasks, fakehub.Task{ID: id, Steps: pollSteps(1+i%3, completedStep("https://cdn.example/"+id+".png"))})
	}
	hub := fakehub.StartForTest(t, fakehub.Scenario{Token: "test-token-not-real", Tasks: tasks},
		fakehub.Options{Logf: func(string, ...any) {}})
	events := filepath.Join(t.TempDir(), "events.ndjson")

	args := append([]string{"watch", "--interval", "10ms", "--concurrency", "8", "--max-rate", "0",
		"--events-file", events}, ids...)
	run := startOnTerminal(t, hub, nil, args...)
	code, screen := run.exit(t)

	if code != 0 {
		t.Fatalf("exit status %d, want 0; terminal: %q", code, screen[max(0, len(screen)-2000):])
	}
	last := screen[strings.LastIndex(screen, "\x1b[?2026h"):]
	if !strings.Contains(last, "0 running · 300 completed") {
		t.Errorf("final frame = %q, want every task completed", last)
	}
	if n := strings.Count(run.stdout.String(), "completed  4s\n"); n != 300 {
		t.Errorf("stdout has %d results, want 300", n)
	}
	if got := hub.MaxOpenConns(); got > 8 {
		t.Errorf("fake hub saw %d connections open at once, want at most 8", got)
	}
	b, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"status":"completed","previous_status":"pending"`); n != 300 {
		t.Errorf("events file has %d final events, want 300", n)
	}
}
