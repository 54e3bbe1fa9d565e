package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
)

// run runs hubctl in-process with only the environment variables in env,
// stdin as its standard input, and returns what it wrote and its exit
// status.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()

	streams, in, out, errOut := term.ForTest()
	in.WriteString(stdin)
	streams.Getenv = func(name string) string { return env[name] }
	code = Run(context.Background(), &Deps{Streams: streams, Clock: clockwork.NewRealClock()}, args)
	return out.String(), errOut.String(), code
}

// isolatedEnv returns an environment whose home, config and state
// directories are in a fresh temporary directory.
func isolatedEnv(t *testing.T) map[string]string {
	home := t.TempDir()
	return map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": home + "/.config",
		"XDG_STATE_HOME":  home + "/.local/state",
	}
}

// mustRun runs hubctl and fails the test unless it exits 0.
func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()

	stdout, stderr, code := run(t, env, "", args...)
	if code != 0 {
		t.Fatalf("hubctl %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}
