//go:build unix

// Command bench measures hubctl against the fake hub on loopback and
// prints a Markdown table of the figures beside their targets and the
// baselines users have today: curl for one fetch, and shell loops that poll
// with curl and jq every 1 and every 5 seconds.
//
// It runs the built hubctl binary named by -hubctl, starts every server it
// needs in-process on 127.0.0.1, and stops everything it started before it
// exits. 'make bench' builds hubctl and runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hubctl/hubctl/internal/fakehub"
)

const token = "bench-token-not-real"

func main() {
	hubctl := flag.String("hubctl", "bin/hubctl", "the hubctl `binary` to measure")
	quick := flag.Bool("quick", false, "shorter task durations and fewer runs, for a smoke test")
	flag.Parse()

	b, err := newBench(*hubctl, *quick)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
	defer os.RemoveAll(b.dir)

	if err := b.run(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// bench holds what every measurement shares.
type bench struct {
	hubctl string
	dir    string // scratch space, removed at the end
	quick  bool
	log    io.Writer
}

func newBench(hubctl string, quick bool) (*bench, error) {
	abs, err := filepath.Abs(hubctl)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("hubctl binary: %w (run make build first)", err)
	}
	for _, tool := range []string{"curl", "jq", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("the baselines need %s: %w", tool, err)
		}
	}

	dir, err := os.MkdirTemp("", "hubctl-bench-")
	if err != nil {
		return nil, err
	}
	return &bench{hubctl: abs, dir: dir, quick: quick, log: os.Stderr}, nil
}

// row is one line of the result table.
type row struct {
	figure, hubctl, baseline, target string
	met                              bool
}

func (b *bench) run(w io.Writer) error {
	started := time.Now()
	var rows []row

	fmt.Fprintln(b.log, "bench: single fetch and start-up…")
	r, err := b.singleFetch()
	if err != nil {
		return err
	}
	rows = append(rows, r...)

	fmt.Fprintln(b.log, "bench: detection lag and requests for one task (about two minutes)…")
	r, err = b.lag()
	if err != nil {
		return err
	}
	rows = append(rows, r...)

	fmt.Fprintln(b.log, "bench: 1,000 tasks, without and with a rate limit (about two minutes)…")
	r, err = b.many()
	if err != nil {
		return err
	}
	rows = append(rows, r...)

	fmt.Fprintf(w, "Measured %s on %d cores (%s/%s, %s) in %s.\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH,
		runtime.Version(), time.Since(started).Round(time.Second))
	fmt.Fprintln(w, "| figure | hubctl | baseline | target | met |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, r := range rows {
		met := "yes"
		if !r.met {
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.figure, r.hubctl, r.baseline, r.target, met)
	}
	return nil
}

// measured is one finished process.
type measured struct {
	wall   time.Duration
	cpu    time.Duration
	maxRSS int64 // bytes
	code   int
	stdout []byte
	end    time.Time
}

// measure runs a command to its end and records its wall time, CPU time
// and peak memory.
func measure(ctx context.Context, env []string, stdin io.Reader, name string, args ...string) (measured, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Stdin = stdin
	var out strings.Builder
	cmd.Stdout = &out

	start := time.Now()
	err := cmd.Run()
	m := measured{wall: time.Since(start), end: time.Now(), stdout: []byte(out.String())}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && cmd.ProcessState != nil {
		m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		m.maxRSS = ru.Maxrss * 1024
	}
	if ee, ok := err.(*exec.ExitError); ok {
		m.code, err = ee.ExitCode(), nil
	}
	return m, err
}

// env returns a clean environment for hubctl against hub, with its own
// state directory.
func (b *bench) env(hub *fakehub.Server, state string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + b.dir,
		"XDG_STATE_HOME=" + state,
		"XDG_CONFIG_HOME=" + filepath.Join(b.dir, "config"),
		"HUBCTL_BASE_URL=" + hub.URL(),
		"HUBCTL_TOKEN=" + token,
		"TOKEN=" + token,
		"HUB=" + hub.URL(),
	}
}

func startHub(s fakehub.Scenario) (*fakehub.Server, error) {
	s.Token = token
	hub, err := fakehub.New(s, fakehub.Options{})
	if err != nil {
		return nil, err
	}
	return hub, hub.Start()
}

// singleFetch times 'hubctl get --json' against curl in pairs, and
// 'hubctl --version' against a hello-world Go program built the same way.
func (b *bench) singleFetch() ([]row, error) {
	data := json.RawMessage(`{"images":[{"url":"https://files.example/a.png"}]}`)
	hub, err := startHub(fakehub.Scenario{Tasks: []fakehub.Task{
		{ID: "hub-one", Steps: []fakehub.Step{{Status: "completed", Data: data}}},
	}})
	if err != nil {
		return nil, err
	}
	defer hub.Close()

	ctx := context.Background()
	env := b.env(hub, filepath.Join(b.dir, "state-fetch"))
	hello, err := b.buildHello()
	if err != nil {
		return nil, err
	}

	runs := 41
	if b.quick {
		runs = 11
	}
	var ours, curl, ratios, version, helloTimes []float64
	var rss []float64
	for i := range runs {
		m, err := measure(ctx, env, nil, b.hubctl, "get", "hub-one", "--json")
		if err != nil || m.code != 0 {
			return nil, fmt.Errorf("hubctl get: exit %d, %v", m.code, err)
		}
		c, err := measure(ctx, env, nil, "curl", "-s", "-H", "Authorization: Bearer "+token,
			hub.URL()+"/hub/v1/tasks/hub-one")
		if err != nil || c.code != 0 {
			return nil, fmt.Errorf("curl: exit %d, %v", c.code, err)
		}
		v, err := measure(ctx, env, nil, b.hubctl, "--version")
		if err != nil {
			return nil, err
		}
		h, err := measure(ctx, env, nil, hello)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			continue // warm the page cache
		}
		ours, curl = append(ours, ms(m.wall)), append(curl, ms(c.wall))
		ratios = append(ratios, ms(m.wall)/ms(c.wall))
		version, helloTimes = append(version, ms(v.wall)), append(helloTimes, ms(h.wall))
		rss = append(rss, float64(m.maxRSS)/(1<<20))
	}

	fetchRatio := median(ours) / median(curl)
	startRatio := median(version) / median(helloTimes)
	return []row{
		{"single fetch, `get --json` wall time (median / p95)",
			fmt.Sprintf("%.1f / %.1f ms", median(ours), p95(ours)),
			fmt.Sprintf("curl: %.1f / %.1f ms", median(curl), p95(curl)),
			"≤ 0.8× curl", fetchRatio <= 0.8},
		{"single fetch, ratio to curl (median of pairs)", fmt.Sprintf("%.2f×", median(ratios)),
			"", "≤ 0.8", median(ratios) <= 0.8},
		{"single fetch, peak memory (max)", fmt.Sprintf("%.1f MiB", slices.Max(rss)), "",
			"≤ 20 MiB", slices.Max(rss) <= 20},
		{"`hubctl --version` wall time (median)", fmt.Sprintf("%.1f ms (%.2f×)", median(version), startRatio),
			fmt.Sprintf("hello world: %.1f ms", median(helloTimes)), "≤ 1.5× hello world", startRatio <= 1.5},
	}, nil
}

// buildHello builds a hello-world Go program the way 'make build' builds
// hubctl.
func (b *bench) buildHello() (string, error) {
	src := filepath.Join(b.dir, "hello")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	main := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(main), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644); err != nil {
		return "", err
	}

	out := filepath.Join(b.dir, "hello-bin")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building hello world: %v: %s", err, msg)
	}
	return out, nil
}

// loop is the shell loop users write today, at a fixed interval.
const loop = `while :; do
  s=$(curl -s -H "Authorization: Bearer $TOKEN" "$HUB/hub/v1/tasks/$1" | jq -r .status)
  case "$s" in completed|failed|timeout|cancelled) break;; esac
  sleep "$2"
done`

// method is one way of waiting for a task.
type method struct {
	name    string
	history bool
	args    func(id string) (string, []string)
}

// lag measures, for tasks of several durations, how long after a task
// turned final each method noticed, and how many requests it spent.
func (b *bench) lag() ([]row, error) {
	durations := []time.Duration{5 * time.Second, 30 * time.Second, 120 * time.Second}
	reps := 7
	if b.quick {
		durations, reps = []time.Duration{3 * time.Second, 8 * time.Second}, 3
	}

	methods := []method{
		{"hubctl, no history", false, func(id string) (string, []string) {
			return b.hubctl, []string{"wait", id, "--json", "--no-history", "--progress", "none"}
		}},
		{"hubctl, with history", true, func(id string) (string, []string) {
			return b.hubctl, []string{"wait", id, "--json", "--progress", "none"}
		}},
		{"loop every 1 s", false, func(id string) (string, []string) {
			return "sh", []string{"-c", loop, "loop", id, "1"}
		}},
		{"loop every 5 s", false, func(id string) (string, []string) {
			return "sh", []string{"-c", loop, "loop", id, "5"}
		}},
	}

	hub, err := startHub(fakehub.Scenario{})
	if err != nil {
		return nil, err
	}
	defer hub.Close()

	rng := rand.New(rand.NewPCG(1, 2))
	type result struct {
		method   int
		duration time.Duration
		lag      float64
		requests int
		err      error
	}
	results := make(chan result)
	var wg sync.WaitGroup
	for _, d := range durations {
		model := "bench-" + d.String()
		state, err := b.seedHistory(model, d, rng)
		if err != nil {
			return nil, err
		}

		for mi, m := range methods {
			for rep := range reps {
				id := fmt.Sprintf("lag-%s-%d-%d", d, mi, rep)
				actual := spread(d, rng)
				if err := hub.AddTask(fakehub.Task{ID: id, Model: model, Steps: []fakehub.Step{
					{For: fakehub.Duration(min(time.Second, actual/4)), Status: "pending"},
					{For: fakehub.Duration(actual - min(time.Second, actual/4)), Status: "processing"},
					{Status: "completed", Data: json.RawMessage(`{"video":{"url":"https://files.example/v.mp4"}}`)},
				}}); err != nil {
					return nil, err
				}

				offset := time.Duration(rng.Float64() * float64(time.Second))
				envState := filepath.Join(b.dir, "state-empty")
				if m.history {
					envState = state
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(offset)
					name, args := m.args(id)
					run, err := measure(context.Background(), b.env(hub, envState), nil, name, args...)
					if err == nil && run.code != 0 {
						err = fmt.Errorf("%s on %s: exit %d", m.name, id, run.code)
					}
					final, ok := hub.FinalAt(id)
					if err == nil && !ok {
						err = fmt.Errorf("%s on %s: task never turned final", m.name, id)
					}
					results <- result{mi, d, run.end.Sub(final).Seconds(), hub.Requests(id), err}
				}()
			}
		}
	}
	go func() { wg.Wait(); close(results) }()

	type key struct {
		method   int
		duration time.Duration
	}
	lags, reqs := map[key][]float64{}, map[key][]float64{}
	for r := range results {
		if r.err != nil {
			return nil, r.err
		}
		k := key{r.method, r.duration}
		lags[k] = append(lags[k], r.lag)
		reqs[k] = append(reqs[k], float64(r.requests))
	}

	var rows []row
	for _, d := range durations {
		get := func(mi int) (lag, req float64) {
			k := key{mi, d}
			return median(lags[k]), median(reqs[k])
		}
		noLag, noReq := get(0)
		hLag, hReq := get(1)
		l1Lag, l1Req := get(2)
		l5Lag, l5Req := get(3)
		rows = append(rows,
			row{fmt.Sprintf("%s task, no history: median lag / requests", d),
				fmt.Sprintf("%.2f s / %.0f", noLag, noReq),
				fmt.Sprintf("1 s loop: %.2f s / %.0f", l1Lag, l1Req),
				"lag ≤ 1 s, requests ≤ ½ of the 1 s loop", noLag <= 1 && noReq <= l1Req/2},
			row{fmt.Sprintf("%s task, with history: median lag / requests", d),
				fmt.Sprintf("%.2f s / %.0f", hLag, hReq),
				fmt.Sprintf("5 s loop: %.2f s / %.0f", l5Lag, l5Req),
				"lag ≤ 0.5 s, requests ≤ the 5 s loop", hLag <= 0.5 && hReq <= l5Req})
	}
	return rows, nil
}

// spread draws a task's duration around d, with a standard deviation of 5%.
func spread(d time.Duration, rng *rand.Rand) time.Duration {
	return time.Duration(float64(d) * (1 + 0.05*rng.NormFloat64()))
}

// seedHistory writes a duration record, as hubctl keeps it, with sixteen
// past durations of model drawn around d, and returns its state directory.
func (b *bench) seedHistory(model string, d time.Duration, rng *rand.Rand) (string, error) {
	state := filepath.Join(b.dir, "state-"+model)
	var samples []int64
	for range 16 {
		samples = append(samples, spread(d, rng).Milliseconds())
	}
	record := map[string]any{
		"version": 1,
		"models":  map[string]any{model: map[string]any{"samples_ms": samples, "updated": time.Now().UTC()}},
	}
	b2, err := json.Marshal(record)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(state, "hubctl"), 0o700); err != nil {
		return "", err
	}
	return state, os.WriteFile(filepath.Join(state, "hubctl", "durations.json"), b2, 0o600)
}

// many waits for 1,000 tasks that finish spread over 60 seconds, once
// against an unlimited hub and once against one that allows 100 requests
// a second, both at the same time.
func (b *bench) many() ([]row, error) {
	n, spreadOver := 1000, 60*time.Second
	if b.quick {
		n, spreadOver = 200, 10*time.Second
	}

	type outcome struct {
		run  measured
		hub  *fakehub.Server
		ids  []string
		from time.Time
		err  error
	}
	start := func(limit float64) (*fakehub.Server, []string, error) {
		rng := rand.New(rand.NewPCG(3, 4))
		var tasks []fakehub.Task
		var ids []string
		for i := range n {
			id := fmt.Sprintf("many-%04d", i)
			at := time.Duration(rng.Float64() * float64(spreadOver))
			ids = append(ids, id)
			tasks = append(tasks, fakehub.Task{ID: id, Model: "bench-many", Steps: []fakehub.Step{
				{For: fakehub.Duration(at), Status: "processing"},
				{Status: "completed", Data: json.RawMessage(`{"images":[{"url":"https://files.example/i.png"}]}`)},
			}})
		}
		hub, err := startHub(fakehub.Scenario{Tasks: tasks, RateLimit: limit})
		return hub, ids, err
	}

	// One after the other, so that neither run's CPU time pays for the
	// other's.
	outcomes := make([]outcome, 2)
	for i, limit := range []float64{0, 100} {
		hub, ids, err := start(limit)
		if err != nil {
			return nil, err
		}
		defer hub.Close()

		from := time.Now()
		stdin := strings.NewReader(strings.Join(ids, "\n"))
		run, err := measure(context.Background(), b.env(hub, filepath.Join(b.dir, fmt.Sprintf("state-many-%d", i))),
			stdin, b.hubctl, "wait", "-", "--json", "--progress", "none", "--timeout", "10m")
		if err == nil && run.code != 0 {
			err = fmt.Errorf("wait on %d tasks: exit %d", n, run.code)
		}
		if err != nil {
			return nil, err
		}
		outcomes[i] = outcome{run, hub, ids, from, nil}
	}

	// Lag of a task: when its result line came out is not known, so take
	// the moment of the poll that found it final, which is when hubctl
	// printed it, give or take a millisecond.
	lagOf := func(o outcome) []float64 {
		found := map[string]time.Time{}
		for _, r := range o.hub.Log() {
			if _, done := found[r.TaskID]; done || r.Status != 200 {
				continue
			}
			if final, ok := o.hub.FinalAt(r.TaskID); ok && !r.Time.Before(final) {
				found[r.TaskID] = r.Time
			}
		}
		var lags []float64
		for _, id := range o.ids {
			final, _ := o.hub.FinalAt(id)
			lags = append(lags, found[id].Sub(final).Seconds())
		}
		return lags
	}

	free, limited := outcomes[0], outcomes[1]
	printed := strings.Count(string(free.run.stdout), "\n")
	var after, throttled int
	for _, r := range limited.hub.Log() {
		if r.Time.Sub(limited.from) < 10*time.Second {
			continue
		}
		after++
		if r.Status == 429 {
			throttled++
		}
	}
	share := 100 * float64(throttled) / float64(max(after, 1))
	freeLags, limitedLags := lagOf(free), lagOf(limited)
	nText := fmt.Sprintf("%d tasks", n)

	return []row{
		{nText + ": connections open at once (max)", fmt.Sprint(free.hub.MaxOpenConns()), "", "≤ 8 (--concurrency)",
			free.hub.MaxOpenConns() <= 8},
		{nText + ": peak memory", fmt.Sprintf("%.1f MiB", float64(free.run.maxRSS)/(1<<20)), "", "≤ 40 MiB",
			free.run.maxRSS <= 40<<20},
		{nText + ": CPU time (user + system)", fmt.Sprintf("%.2f s", free.run.cpu.Seconds()), "", "≤ 3 s",
			free.run.cpu <= 3*time.Second},
		{nText + ": results printed", fmt.Sprint(printed), "", fmt.Sprint(n), printed == n},
		{nText + ": requests in all / median lag", fmt.Sprintf("%d / %.2f s", free.hub.TotalRequests(), median(freeLags)),
			"", "(no target)", true},
		{nText + " at 100 req/s: 429 answers after the first 10 s", fmt.Sprintf("%.1f%% (%d of %d)", share, throttled, after),
			"", "≤ 2%", share <= 2},
		{nText + " at 100 req/s: median lag (p95)", fmt.Sprintf("%.2f s (%.2f s)", median(limitedLags), p95(limitedLags)),
			"uniform polling: 5 s", "≤ 6 s", median(limitedLags) <= 6},
	}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 { return quantile(xs, 0.5) }

func p95(xs []float64) float64 { return quantile(xs, 0.95) }

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}
