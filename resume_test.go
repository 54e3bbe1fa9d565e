package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/hubctl/hubctl/internal/fakehub"
)

// TestResumeHintReadsBackInBash stops a wait on tasks whose ids and flags
// hold shell syntax and characters a terminal would act on, then has bash
// run the resume hint with a stand-in hubctl that prints its arguments: it
// must get back the same command, without the token.
func TestResumeHintReadsBackInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to run the resume hint")
	}
	ids := []string{"a;touch${IFS}PWNED", "$(id)", "-weird", "zero\u200bwidth", "`id`", "it's"}
	var tasks []fakehub.Task
	for _, id := range ids {
		tasks = append(tasks, fakehub.Task{ID: id, Steps: []fakehub.Step{{Status: "processing"}}})
	}
	hub := fakehub.StartForTest(t, fakehub.Scenario{Token: "test-token-not-real", Tasks: tasks},
		fakehub.Options{Logf: func(string, ...any) {}})

	flags := []string{"--progress", "none", "--template", "{{.task_id}}  x\u00a0y\u2028z", "--timeout", "300ms"}
	cmd := exec.Command(hubctlPath(t), slices.Concat([]string{"wait", "--token", "test-token-not-real"}, flags,
		[]string{"--"}, ids)...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "HUBCTL_BASE_URL=" + hub.URL(), "PATH=" + os.Getenv("PATH")}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 124 {
		t.Fatalf("hubctl: %v, want exit 124; stderr: %q", err, stderr.String())
	}

	_, hint, ok := strings.Cut(strings.TrimSuffix(stderr.String(), "\n"), "resume with: ")
	if !ok || strings.ContainsAny(hint, "\n\x1b") || strings.Contains(hint, "test-token-not-real") {
		t.Fatalf("stderr %q: want one line ending in a resume hint, without the token", stderr.String())
	}
	replay := exec.Command(bash, "-c", `hubctl() { printf '%s\0' "$@"; }; `+hint)
	replay.Env = []string{"LC_ALL=C"}
	replay.Dir = t.TempDir() // where a hint that ran code would leave files
	out, err := replay.Output()
	if err != nil {
		t.Fatalf("bash could not run the hint %q: %v", hint, err)
	}

	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	want := slices.Concat([]string{"wait"}, flags, []string{"--"}, ids)
	if !slices.Equal(got, want) {
		t.Errorf("the hint %q runs\n hubctl %q\nwant\n hubctl %q", hint, got, want)
	}
	if left, _ := os.ReadDir(replay.Dir); len(left) != 0 {
		t.Errorf("running the hint created %d files", len(left))
	}
}
