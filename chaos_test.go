package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/fakehub"
)

// The chaos tests run the real hubctl against fake hubs that misbehave in
// every way the fake hub can, and check that each command ends as README.md
// says: the exit status, the requests sent, a clean stdout, the outage lines
// on stderr, and the token nowhere in the output.

const (
	chaosID    = "t-chaos"
	chaosToken = "test-token-not-real"

	// chaosResult is the human form of the completed answer that ends every
	// case the client recovers from.
	chaosResult = "t-chaos  completed  1.1s\n  https://cdn.example/out.png\n"

	// chaosParallel bounds the hubctl processes running at once. Most of a
	// case's time is spent in back-off, so many can share a small machine.
	chaosParallel = 16
)

// outage says which outage lines 'wait' and 'watch' must print on stderr.
type outage int

const (
	noOutage  outage = iota // neither line
	recovered               // one "API unreachable" line, then one "API reachable again"
	lasting                 // one "API unreachable" line and no recovery
)

// chaosWant is how one command must end against a fault.
type chaosWant struct {
	code     int
	requests int // polls of the task the hub must have answered, exactly

	// stdout is the exact human stdout. The status on its first line is the
	// status of the result --json prints; empty stdout means no result.
	stdout string

	// stderr is a regexp that the one "hubctl: " line a failure prints must
	// match; a run that exits 0 must print no such line.
	stderr string

	outage   outage
	warnings int // "warning:" lines on stderr
}

// chaosCase is one kind of fault, played against get, wait and watch.
type chaosCase struct {
	name string

	// lead gives wait and watch one pending answer before the steps, so
	// that the fault hits a wait under way; get sees the steps alone.
	lead bool

	// steps returns the task's timeline after the lead. It runs just before
	// hubctl starts, so times in it are fresh; other is the URL of the
	// second hub, for cases that have one.
	steps func(other string) []fakehub.Step

	args  []string // more flags for every command
	other bool     // start a second hub, on 127.0.0.2, that wants another token
	debug bool     // also run each command with --debug

	get  chaosWant
	wait chaosWant // watch must end as wait does

	// check, if set, makes more assertions on a finished run.
	check func(t *testing.T, r *chaosRun)
}

// chaosRun is one run of hubctl against a hub of its own.
type chaosRun struct {
	c       chaosCase
	command string // get, wait or watch
	variant string // human, json or debug
	hub     *fakehub.Server
	other   *fakehub.Server // nil unless c.other
	home    string

	steps  []fakehub.Step
	args   []string
	code   int
	stdout string
	stderr string
	took   time.Duration
	err    error // a failure to set up or run hubctl at all
}

func (r *chaosRun) want() chaosWant {
	if r.command == "get" {
		return r.c.get
	}
	return r.c.wait
}

func chaosCompleted() fakehub.Step {
	return fakehub.Step{Status: "completed", ElapsedMS: fakehub.Int64(1100),
		Data: fakehub.Raw(`{"images":[{"url":"https://cdn.example/out.png"}]}`)}
}

// faultThenCompleted returns a timeline that answers with f for n polls and
// then completes.
func faultThenCompleted(n int, f fakehub.Fault) func(string) []fakehub.Step {
	return func(string) []fakehub.Step {
		fault := f
		return []fakehub.Step{{Polls: n, Fault: &fault}, chaosCompleted()}
	}
}

// forever returns a timeline that always answers with st.
func forever(st fakehub.Step) func(string) []fakehub.Step {
	return func(string) []fakehub.Step { return []fakehub.Step{st} }
}

// recovers is a case whose fault lasts n polls and is retried: get sends n
// more requests than the one that succeeds, and wait and watch say once
// that the API is unreachable and once that it is back.
func recovers(name string, n int, steps func(string) []fakehub.Step, args ...string) chaosCase {
	return chaosCase{
		name:  name,
		lead:  true,
		steps: steps,
		args:  args,
		get:   chaosWant{code: 0, requests: n + 1, stdout: chaosResult},
		wait:  chaosWant{code: 0, requests: n + 2, stdout: chaosResult, outage: recovered},
	}
}

// fails is a case whose answer ends every command at once with code, after
// one request, and with an error line matching msg.
func fails(name string, code int, f fakehub.Fault, msg string) chaosCase {
	return chaosCase{
		name:  name,
		steps: forever(fakehub.Step{Fault: &f}),
		get:   chaosWant{code: code, requests: 1, stderr: msg},
		wait:  chaosWant{code: code, requests: 1, stderr: msg},
	}
}

func chaosCases() []chaosCase {
	code := func(c int) fakehub.Fault { return fakehub.Fault{Code: c} }
	unusable := `^hubctl: task t-chaos: 3 unusable answers in a row: unusable answer \(text/html`

	cases := []chaosCase{
		recovers("429-retry-after-seconds", 1,
			faultThenCompleted(1, fakehub.Fault{Code: 429, RetryAfter: "1"})),
		recovers("429-retry-after-date", 1, func(string) []fakehub.Step {
			// A whole second one to two seconds ahead: HTTP dates have no
			// fractions, and the wait must still be there when the 429 is.
			at := time.Now().Add(2 * time.Second).Truncate(time.Second)
			f := fakehub.Fault{Code: 429, RetryAfter: at.UTC().Format(http.TimeFormat)}
			return []fakehub.Step{{Polls: 1, Fault: &f}, chaosCompleted()}
		}),
		recovers("503-without-retry-after", 1, faultThenCompleted(1, code(503))),
		recovers("500", 1, faultThenCompleted(1, code(500))),
		recovers("502", 1, faultThenCompleted(1, code(502))),
		recovers("504", 1, faultThenCompleted(1, code(504))),
		recovers("408", 1, faultThenCompleted(1, code(408))),

		// Two resets: net/http sends a GET again by itself, once, when a
		// reused connection is reset before any answer, so a single reset
		// on a kept-alive connection never reaches hubctl.
		recovers("connection-reset", 2, faultThenCompleted(2, fakehub.Fault{Reset: true})),

		recovers("stall", 1, faultThenCompleted(1, fakehub.Fault{Stall: true}),
			"--request-timeout", "400ms"),
		recovers("html-page-once", 1, faultThenCompleted(1, fakehub.Fault{HTML: true})),
		recovers("truncated-json", 1, func(string) []fakehub.Step {
			st := chaosCompleted()
			st.Polls, st.Fault = 1, &fakehub.Fault{Truncate: true}
			return []fakehub.Step{st, chaosCompleted()}
		}),

		{
			name: "slow",
			lead: true,
			steps: func(string) []fakehub.Step {
				st := chaosCompleted()
				st.Fault = &fakehub.Fault{Delay: fakehub.Duration(200 * time.Millisecond)}
				return []fakehub.Step{st}
			},
			args: []string{"--request-timeout", "2s"},
			get:  chaosWant{code: 0, requests: 1, stdout: chaosResult},
			wait: chaosWant{code: 0, requests: 2, stdout: chaosResult},
			check: func(t *testing.T, r *chaosRun) {
				if r.took < 200*time.Millisecond {
					t.Errorf("hubctl took %v, less than the 200ms the answer was delayed", r.took)
				}
			},
		},
		{
			// The page echoes the token, which must not reach stderr.
			name: "html-page-always",
			lead: true,
			steps: forever(fakehub.Step{Fault: &fakehub.Fault{HTML: true,
				Message: "proxy refused Bearer " + chaosToken}}),
			get: chaosWant{code: 8, requests: 5,
				stderr: `^hubctl: task t-chaos: unusable answer \(text/html.*; check --base-url`},
			wait: chaosWant{code: 8, requests: 4, stderr: unusable, outage: lasting},
		},
		{
			name:  "huge-body",
			lead:  true,
			steps: forever(fakehub.Step{Fault: &fakehub.Fault{HugeBytes: 1 << 20}}),
			args:  []string{"--max-body", "4096"},
			get: chaosWant{code: 8, requests: 1,
				stderr: `^hubctl: task t-chaos: answer body larger than the 4096-byte limit`},
			wait: chaosWant{code: 8, requests: 2,
				stderr: `^hubctl: task t-chaos: answer body larger than the 4096-byte limit`},
		},
		{
			// The hub redirects to another host, which wants a token:
			// net/http must not have forwarded hubctl's there.
			name: "redirect-to-other-host",
			lead: true,
			steps: func(other string) []fakehub.Step {
				f := fakehub.Fault{RedirectTo: other + "/hub/v1/tasks/" + chaosID}
				return []fakehub.Step{{Fault: &f}}
			},
			other: true,
			debug: true,
			get:   chaosWant{code: 7, requests: 1, stderr: `HTTP 401 Unauthorized`},
			wait:  chaosWant{code: 7, requests: 2, stderr: `HTTP 401 Unauthorized`},
			check: func(t *testing.T, r *chaosRun) {
				if !slices.ContainsFunc(r.hub.Log(), func(req fakehub.Request) bool {
					return req.Status == http.StatusFound
				}) {
					t.Errorf("the hub never redirected: %+v", r.hub.Log())
				}
				log := r.other.Log()
				if len(log) != 1 {
					t.Errorf("the other hub got %d requests, want 1: %+v", len(log), log)
				}
				for _, req := range log {
					if req.AuthHeaderPresent {
						t.Errorf("the other hub got an Authorization header: %+v", req)
					}
				}
			},
		},
		{
			name: "unknown-status-then-completed",
			steps: func(string) []fakehub.Step {
				return []fakehub.Step{
					{Polls: 1, Status: "queued_for_gpu", ElapsedMS: fakehub.Int64(100)},
					chaosCompleted(),
				}
			},
			get: chaosWant{code: 0, requests: 1,
				stdout: "t-chaos  queued_for_gpu (unknown status)  100ms\n"},
			wait: chaosWant{code: 0, requests: 2, stdout: chaosResult, warnings: 1},
		},
		{
			name: "unknown-status-ready",
			lead: true,
			steps: forever(fakehub.Step{Status: "archived", Ready: fakehub.Bool(true),
				ElapsedMS: fakehub.Int64(2200)}),
			get: chaosWant{code: 0, requests: 1,
				stdout: "t-chaos  archived (unknown status)  2.2s\n"},
			wait: chaosWant{code: 1, requests: 2,
				stdout: "t-chaos  archived (unknown status)  2.2s\n",
				stderr: `^hubctl: task t-chaos finished with a status hubctl does not know: "archived"$`},
		},
		{
			name: "failed-not-ready",
			steps: forever(fakehub.Step{Status: "failed", Ready: fakehub.Bool(false),
				ErrorCode: fakehub.Raw(`"E_POLICY"`), ErrorMessage: "prompt rejected",
				ElapsedMS: fakehub.Int64(2000)}),
			get: chaosWant{code: 0, requests: 1,
				stdout: "t-chaos  failed  2s\n  error E_POLICY: prompt rejected\n"},
			wait: chaosWant{code: 3, requests: 1,
				stdout: "t-chaos  failed  2s\n  error E_POLICY: prompt rejected\n",
				stderr: `^hubctl: task t-chaos failed \(error E_POLICY: prompt rejected\)$`},
		},
		fails("400", 1, fakehub.Fault{Code: 400, Message: "model nano-banana takes no seed"},
			`^hubctl: task t-chaos: HTTP 400 Bad Request: model nano-banana takes no seed$`),
		fails("401", 7, code(401), `HTTP 401 Unauthorized.*; check the token`),
		fails("403", 7, code(403), `HTTP 403 Forbidden.*; check the token`),
		fails("404", 6, fakehub.Fault{Code: 404, Message: "task not found"},
			`^hubctl: task t-chaos: HTTP 404 Not Found: task not found; check the task id`),
	}

	// The cases built by recovers get their extras here.
	for i := range cases {
		switch c := &cases[i]; {
		case strings.HasPrefix(c.name, "429-"):
			c.check = checkRetryAfterHonoured
		case c.name == "503-without-retry-after":
			c.debug = true
		}
	}
	return cases
}

// TestChaos runs get, wait and watch against every fault, in the human
// form, with --json and, for some faults, with --debug. The runs share the
// machine and are checked once all have ended, each in its own subtest.
func TestChaos(t *testing.T) {
	t.Parallel()
	hubctl := hubctlPath(t)
	quiet := fakehub.Options{Logf: func(string, ...any) {}}

	var runs []*chaosRun
	for _, c := range chaosCases() {
		variants := []string{"human", "json"}
		if c.debug {
			variants = append(variants, "debug")
		}
		for _, command := range []string{"get", "wait", "watch"} {
			for _, variant := range variants {
				r := &chaosRun{c: c, command: command, variant: variant, home: t.TempDir()}
				r.hub = fakehub.StartForTest(t, fakehub.Scenario{Token: chaosToken}, quiet)
				if c.other {
					opts := quiet
					opts.Addr = "127.0.0.2:0"
					task := fakehub.Task{ID: chaosID, Steps: []fakehub.Step{chaosCompleted()}}
					r.other = fakehub.StartForTest(t, fakehub.Scenario{
						Token: "another-token",
						Tasks: []fakehub.Task{task},
					}, opts)
				}
				runs = append(runs, r)
			}
		}
	}

	start := time.Now()
	var wg sync.WaitGroup
	slots := make(chan struct{}, chaosParallel)
	for _, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			r.run(hubctl)
		}()
	}
	wg.Wait()
	t.Logf("%d runs of hubctl took %v", len(runs), time.Since(start).Round(time.Millisecond))

	for _, r := range runs {
		t.Run(r.c.name+"/"+r.command+"/"+r.variant, func(t *testing.T) {
			r.assert(t)
		})
	}
}

// run adds the case's task to the hub and runs hubctl once against it.
func (r *chaosRun) run(hubctl string) {
	var otherURL string
	if r.other != nil {
		otherURL = r.other.URL()
	}
	if r.c.lead && r.command != "get" {
		pending := fakehub.Step{Polls: 1, Status: "pending", ElapsedMS: fakehub.Int64(100)}
		r.steps = append(r.steps, pending)
	}
	r.steps = append(r.steps, r.c.steps(otherURL)...)
	if err := r.hub.AddTask(fakehub.Task{ID: chaosID, Steps: r.steps}); err != nil {
		r.err = err
		return
	}

	r.args = []string{r.command, chaosID}
	if r.command != "get" {
		// The time limit only keeps a broken hubctl from hanging the test.
		r.args = append(r.args, "--interval", "20ms", "--timeout", "20s")
	}
	r.args = append(r.args, r.c.args...)
	switch r.variant {
	case "json":
		r.args = append(r.args, "--json")
	case "debug":
		r.args = append(r.args, "--debug")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, hubctl, r.args...)
	cmd.Env = []string{
		"HOME=" + r.home,
		"HUBCTL_BASE_URL=" + r.hub.URL(),
		"HUBCTL_TOKEN=" + chaosToken,
		"PATH=" + os.Getenv("PATH"),
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	began := time.Now()
	err := cmd.Run()
	r.took = time.Since(began)
	r.stdout, r.stderr = stdout.String(), stderr.String()

	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.err = fmt.Errorf("hubctl did not end within 45s")
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		r.err = err
	}
}

// errorLine matches the line a failure prints on stderr.
var errorLine = regexp.MustCompile(`(?m)^hubctl: .*$`)

func (r *chaosRun) assert(t *testing.T) {
	want := r.want()
	if r.err != nil {
		t.Fatalf("hubctl %s: %v", strings.Join(r.args, " "), r.err)
	}
	t.Logf("hubctl %s: exit %d after %v\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "),
		r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)

	if strings.Contains(r.stderr, "WARNING: DATA RACE") {
		t.Errorf("the race detector reported a data race in hubctl")
	}
	if r.code != want.code {
		t.Errorf("exit status %d, want %d", r.code, want.code)
	}
	if got := r.hub.Requests(chaosID); got != want.requests {
		t.Errorf("the hub answered %d polls of the task, want %d", got, want.requests)
	}

	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		if strings.Contains(out, chaosToken) {
			t.Errorf("%s holds the token", name)
		}
		if escapes.MatchString(out) {
			t.Errorf("%s, a pipe, holds escape codes or carriage returns: %q", name, out)
		}
	}

	r.assertStdout(t, want)
	r.assertStderr(t, want)
	if r.c.check != nil {
		r.c.check(t, r)
	}
}

// assertStdout checks that stdout holds the result and nothing else: the
// exact human form, or JSON lines that are the server's object (get, wait)
// or events (watch).
func (r *chaosRun) assertStdout(t *testing.T, want chaosWant) {
	if r.variant != "json" {
		if r.stdout != want.stdout {
			t.Errorf("stdout = %q, want %q", r.stdout, want.stdout)
		}
		return
	}

	status := ""
	if want.stdout != "" {
		status = strings.Fields(want.stdout)[1]
	}
	if r.stdout != "" && !strings.HasSuffix(r.stdout, "\n") {
		t.Errorf("stdout does not end with a newline: %q", r.stdout)
	}

	var objects []map[string]any
	for line := range strings.Lines(r.stdout) {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Errorf("stdout line is not a JSON object: %q: %v", line, err)
			continue
		}
		if obj["task_id"] != chaosID {
			t.Errorf("stdout line is not about %s: %q", chaosID, line)
		}
		objects = append(objects, obj)
	}

	if r.command != "watch" {
		switch {
		case status == "" && len(objects) != 0:
			t.Errorf("stdout holds %d results, want none", len(objects))
		case status != "" && len(objects) != 1:
			t.Errorf("stdout holds %d results, want 1", len(objects))
		case status != "" && objects[0]["status"] != status:
			t.Errorf("the result's status is %v, want %q", objects[0]["status"], status)
		}
		return
	}

	// watch --json: a stream of events, whose last is the task's verdict.
	for _, ev := range objects {
		if _, ok := ev["time"].(string); !ok {
			t.Errorf("event without a time: %v", ev)
		}
	}
	switch {
	case status != "" && (len(objects) == 0 || objects[len(objects)-1]["status"] != status):
		t.Errorf("the last event is not the %q verdict: %q", status, r.stdout)
	case status == "" && slices.Contains([]int{1, 6, 8}, want.code) &&
		(len(objects) == 0 || objects[len(objects)-1]["error"] == nil):
		t.Errorf("the last event does not carry the task's error: %q", r.stdout)
	}
}

// assertStderr checks the error line, and for wait and watch the outage
// and warning lines of the plain log, which stderr gets as a pipe.
func (r *chaosRun) assertStderr(t *testing.T, want chaosWant) {
	errs := errorLine.FindAllString(r.stderr, -1)
	switch {
	case want.code == 0 && len(errs) != 0:
		t.Errorf("exit 0 but stderr has error lines: %q", errs)
	case want.code != 0 && len(errs) != 1:
		t.Errorf("stderr has %d error lines, want 1: %q", len(errs), errs)
	case want.stderr != "" && !regexp.MustCompile(want.stderr).MatchString(errs[0]):
		t.Errorf("error line %q does not match %q", errs[0], want.stderr)
	}

	if r.variant == "debug" {
		if !strings.Contains(r.stderr, "level=DEBUG") {
			t.Errorf("--debug wrote no trace to stderr")
		}
		return
	}
	if r.command == "get" {
		if want.code == 0 && r.stderr != "" {
			t.Errorf("get succeeded but wrote to stderr: %q", r.stderr)
		}
		return
	}

	down := countLines(r.stderr, `^\S+ API unreachable: .+, retrying until --timeout; check --base-url if it lasts$`)
	up := countLines(r.stderr, `^\S+ API reachable again$`)
	wantDown, wantUp := 0, 0
	switch want.outage {
	case recovered:
		wantDown, wantUp = 1, 1
	case lasting:
		wantDown = 1
	}
	if down != wantDown || up != wantUp {
		t.Errorf("stderr has %d 'API unreachable' and %d 'API reachable again' lines, "+
			"want %d and %d", down, up, wantDown, wantUp)
	}
	if want.outage == recovered && strings.Index(r.stderr, "API reachable again") <
		strings.Index(r.stderr, "API unreachable") {
		t.Errorf("the API is reachable again before it was unreachable")
	}
	if n := countLines(r.stderr, `^\S+ warning: `); n != want.warnings {
		t.Errorf("stderr has %d warning lines, want %d", n, want.warnings)
	}
}

func countLines(s, pattern string) int {
	return len(regexp.MustCompile("(?m)"+pattern).FindAllString(s, -1))
}

// checkRetryAfterHonoured checks that the poll after the 429 came no sooner
// than its Retry-After asked: that many seconds after the 429, or at the
// date it gave.
func checkRetryAfterHonoured(t *testing.T, r *chaosRun) {
	var retryAfter string
	for _, st := range r.steps {
		if st.Fault != nil && st.Fault.Code == http.StatusTooManyRequests {
			retryAfter = st.Fault.RetryAfter
		}
	}

	log := r.hub.Log()
	slices.SortFunc(log, func(a, b fakehub.Request) int { return a.Time.Compare(b.Time) })
	i := slices.IndexFunc(log, func(req fakehub.Request) bool {
		return req.Status == http.StatusTooManyRequests
	})
	if i < 0 || i == len(log)-1 {
		t.Fatalf("no poll after a 429 in the hub's log: %+v", log)
	}

	earliest, err := http.ParseTime(retryAfter)
	if secs, convErr := strconv.Atoi(retryAfter); convErr == nil {
		earliest, err = log[i].Time.Add(time.Duration(secs)*time.Second), nil
	}
	if err != nil {
		t.Fatalf("bad Retry-After %q in the scenario: %v", retryAfter, err)
	}
	if next := log[i+1].Time; next.Before(earliest) {
		t.Errorf("the poll after the 429 came at %v, %v before Retry-After %q allowed",
			next.Format(time.StampMilli), earliest.Sub(next), retryAfter)
	}
}

// TestChaosFlatResources waits for a task that answers 503 on every other
// poll, 30 times, and checks that the retries neither pile up connections
// nor print more than one outage line and one recovery line per outage.
func TestChaosFlatResources(t *testing.T) {
	t.Parallel()

	const outages = 30
	var steps []fakehub.Step
	for range outages {
		steps = append(steps,
			fakehub.Step{Polls: 1, Status: "pending", ElapsedMS: fakehub.Int64(100)},
			fakehub.Step{Polls: 1, Fault: &fakehub.Fault{Code: http.StatusServiceUnavailable}})
	}
	steps = append(steps, chaosCompleted())
	hub := fakehub.StartForTest(t, fakehub.Scenario{Token: chaosToken, Tasks: []fakehub.Task{
		{ID: chaosID, Steps: steps},
	}}, fakehub.Options{Logf: func(string, ...any) {}})

	cmd := exec.Command(hubctlPath(t), "wait", chaosID, "--interval", "10ms", "--timeout", "60s")
	cmd.Env = []string{
		"HOME=" + t.TempDir(),
		"HUBCTL_BASE_URL=" + hub.URL(),
		"HUBCTL_TOKEN=" + chaosToken,
		"PATH=" + os.Getenv("PATH"),
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("hubctl wait: %v; stderr:\n%s", err, stderr.String())
	}
	t.Logf("%d polls in %v over at most %d connections at once",
		hub.Requests(chaosID), time.Since(start).Round(time.Millisecond), hub.MaxOpenConns())

	if got, want := hub.Requests(chaosID), 2*outages+1; got != want {
		t.Errorf("the hub answered %d polls, want %d", got, want)
	}
	if stdout.String() != chaosResult {
		t.Errorf("stdout = %q, want %q", stdout.String(), chaosResult)
	}
	// One task is polled one request at a time over a kept-alive
	// connection; a second one may open while the first is closing.
	if got := hub.MaxOpenConns(); got > 2 {
		t.Errorf("the hub saw %d connections open at once, want at most 2 for one task", got)
	}
	down := countLines(stderr.String(), `^\S+ API unreachable: HTTP 503 .+, retrying until --timeout; check --base-url if it lasts$`)
	up := countLines(stderr.String(), `^\S+ API reachable again$`)
	if down != outages || up != outages {
		t.Errorf("stderr has %d 'API unreachable' and %d 'API reachable again' lines, want %d each",
			down, up, outages)
	}
}
