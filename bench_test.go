package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hubctl/hubctl/cmd"
	"github.com/hubctl/hubctl/internal/fakehub"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
)

// runInProcess runs hubctl with args in this process, as Main would, with
// its streams in buffers, and returns its exit status.
func runInProcess(b *testing.B, env map[string]string, stdin string, args ...string) int {
	streams, in, _, _ := term.ForTest()
	in.WriteString(stdin)
	streams.Getenv = func(k string) string { return env[k] }
	for k, v := range env {
		b.Setenv(k, v)
	}
	return cmd.Run(context.Background(), &cmd.Deps{Streams: streams, Clock: clockwork.NewRealClock()}, args)
}

// BenchmarkGet measures one 'hubctl get --json' in process: the command
// tree, settings, one request and the output. Run it with -cpuprofile or
// -memprofile to see where a single fetch spends.
func BenchmarkGet(b *testing.B) {
	hub := fakehub.StartForTest(b, fakehub.Scenario{Token: "test-token-not-real", Tasks: []fakehub.Task{
		{ID: "t1", Steps: []fakehub.Step{completedStep("https://cdn.example/t1.png")}},
	}}, fakehub.Options{Logf: func(string, ...any) {}})
	env := map[string]string{"HUBCTL_BASE_URL": hub.URL(), "HUBCTL_TOKEN": "test-token-not-real",
		"HOME": b.TempDir()}

	b.ReportAllocs()
	for b.Loop() {
		if code := runInProcess(b, env, "", "get", "t1", "--json"); code != 0 {
			b.Fatalf("exit status %d", code)
		}
	}
}

// BenchmarkWait1000 measures 'hubctl wait' on 1,000 tasks that each finish
// after two polls, at a fixed 10ms interval: the cost per poll of the
// scheduler, the client and the decoder.
func BenchmarkWait1000(b *testing.B) {
	var tasks []fakehub.Task
	var ids []string
	for i := range 1000 {
		id := fmt.Sprintf("t-%04d", i)
		ids = append(ids, id)
		tasks = append(tasks, fakehub.Task{ID: id, Steps: pollSteps(2, completedStep("https://cdn.example/"+id+".png"))})
	}
	env := map[string]string{"HUBCTL_TOKEN": "test-token-not-real", "HOME": b.TempDir()}

	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		hub := fakehub.StartForTest(b, fakehub.Scenario{Token: "test-token-not-real", Tasks: tasks},
			fakehub.Options{Logf: func(string, ...any) {}})
		env["HUBCTL_BASE_URL"] = hub.URL()
		b.StartTimer()

		code := runInProcess(b, env, strings.Join(ids, "\n"), "wait", "-", "--json", "--interval", "10ms", "--max-rate", "0",
			"--no-history")
		if code != 0 {
			b.Fatalf("exit status %d", code)
		}
		b.StopTimer()
		hub.Close()
		b.StartTimer()
	}
}
