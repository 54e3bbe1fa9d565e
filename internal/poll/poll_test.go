package poll

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
)

// script is a fake Fetcher: each task answers from its list of steps, one
// per poll, and repeats the last step forever. Steps are written as
// "status", "status!" (ready), "err:CODE" or "err:CODE:RETRY-AFTER-SECONDS",
// "net" (a transport error) or "bad" (an unusable answer).
type script struct {
	mu       sync.Mutex
	steps    map[string][]string
	polls    map[string]int
	times    map[string][]time.Duration
	start    time.Time
	inflight int
	peak     int
	sequence []string      // "id@time" of every poll, in the order sent
	block    chan struct{} // when set, every fetch waits for it
}

func newScript(steps map[string][]string) *script {
	return &script{
		steps: steps,
		polls: map[string]int{},
		times: map[string][]time.Duration{},
		start: time.Now(),
	}
}

func (s *script) Fetch(ctx context.Context, id string) (*hub.Task, error) {
	s.mu.Lock()
	n := s.polls[id]
	s.polls[id]++
	s.times[id] = append(s.times[id], time.Since(s.start))
	s.sequence = append(s.sequence, fmt.Sprintf("%s@%v", id, time.Since(s.start)))
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	steps := s.steps[id]
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()
	if s.block != nil {
		select {
		case <-s.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}

	step := steps[min(n, len(steps)-1)]
	var code, retry int
	switch {
	case step == "net":
		return nil, &hub.TransportError{Err: errors.New("connection refused")}
	case step == "bad":
		return nil, &hub.BadAnswerError{ContentType: "text/html", Err: hub.ErrNotTask}
	case len(step) > 4 && step[:4] == "err:":
		fmt.Sscanf(step[4:], "%d:%d", &code, &retry)
		e := &hub.StatusError{Code: code}
		if retry > 0 {
			e.RetryAfter, e.HasRetryAfter = time.Duration(retry)*time.Second, true
		}
		return nil, e
	}

	ready := step[len(step)-1] == '!'
	if ready {
		step = step[:len(step)-1]
	}
	return &hub.Task{ID: id, Status: step, Ready: ready}, nil
}

func (s *script) count(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls[id]
}

// fixedRand makes jitter and back-off deterministic: the full back-off, the
// middle of the schedule's jitter band.
func fixedRand() float64 { return 0.5 }

// collect returns an Observe function that records events, and the record.
func collect() (func(Event), *[]Event) {
	var events []Event
	return func(e Event) { events = append(events, e) }, &events
}

func kinds(events []Event, k EventKind) []Event {
	var out []Event
	for _, e := range events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

func TestWaitPollsUntilFinishedOnTheSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{
			"a": {"pending", "processing", "processing", "completed!"},
		})
		observe, events := collect()

		results, err := Wait(t.Context(), s, []string{"a"}, Options{Rand: fixedRand, Observe: observe})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}

		if got := results[0].Task.Status; got != "completed" {
			t.Errorf("final status = %q, want completed", got)
		}
		// Every second, shortened by the jitter fixedRand gives: 0.925.
		want := []time.Duration{0, 925 * time.Millisecond, 1850 * time.Millisecond, 2775 * time.Millisecond}
		if !slices.Equal(s.times["a"], want) {
			t.Errorf("polls at %v, want %v", s.times["a"], want)
		}

		var statuses []string
		for _, e := range kinds(*events, EventStatus) {
			statuses = append(statuses, e.Previous+">"+e.Task.Status)
		}
		wantStatuses := []string{">pending", "pending>processing", "processing>completed"}
		if !slices.Equal(statuses, wantStatuses) {
			t.Errorf("status events = %v, want %v", statuses, wantStatuses)
		}
		if n := len(kinds(*events, EventFinished)); n != 1 {
			t.Errorf("%d finished events, want 1", n)
		}
	})
}

func TestWaitFinalStatusWithoutReadyFinishes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"failed"}, "b": {"canceled"}})

		results, err := Wait(t.Context(), s, []string{"a", "b"}, Options{})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if s.count("a") != 1 || s.count("b") != 1 {
			t.Errorf("polls = %d, %d; want 1 each", s.count("a"), s.count("b"))
		}
		if results[1].Task.State() != hub.StateCancelled {
			t.Errorf("b state = %v, want cancelled", results[1].Task.State())
		}
	})
}

func TestWaitFixedInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"pending", "pending", "completed!"}})

		if _, err := Wait(t.Context(), s, []string{"a"}, Options{Interval: 250 * time.Millisecond}); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond}
		if !slices.Equal(s.times["a"], want) {
			t.Errorf("polls at %v, want %v", s.times["a"], want)
		}
	})
}

func TestWaitTimeoutCancelsAndListsRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"completed!"}, "b": {"processing"}})
		start := time.Now()

		results, err := Wait(t.Context(), s, []string{"a", "b"}, Options{
			Interval: time.Second, Timeout: 10 * time.Second,
		})

		var inc *Incomplete
		if !errors.As(err, &inc) || !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want *Incomplete wrapping ErrTimeout", err)
		}
		if !slices.Equal(inc.Running, []string{"b"}) {
			t.Errorf("running = %v, want [b]", inc.Running)
		}
		if got := time.Since(start); got != 10*time.Second {
			t.Errorf("returned after %v, want exactly the 10s timeout", got)
		}
		if n := s.count("b"); n != 10 {
			t.Errorf("b polled %d times, want 10 (at 0s..9s)", n)
		}
		if results[0].Task == nil || results[0].Task.Status != "completed" {
			t.Errorf("a result = %+v, want completed", results[0])
		}
	})
}

func TestWaitTimeoutCancelsRequestInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"completed!"}})
		s.block = make(chan struct{}) // never answers
		start := time.Now()

		_, err := Wait(t.Context(), s, []string{"a"}, Options{Timeout: 3 * time.Second})
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("returned after %v, want 3s", got)
		}
		if s.inflight != 0 {
			t.Errorf("%d fetches still in flight after Wait returned", s.inflight)
		}
	})
}

func TestWaitCancelReturnsCause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"processing"}})
		ctx, cancel := context.WithCancelCause(t.Context())
		cause := errors.New("interrupted")
		time.AfterFunc(1500*time.Millisecond, func() { cancel(cause) })

		_, err := Wait(ctx, s, []string{"a"}, Options{Interval: time.Second})
		var inc *Incomplete
		if !errors.As(err, &inc) || !errors.Is(err, cause) {
			t.Fatalf("err = %v, want *Incomplete wrapping the cause", err)
		}
		if s.count("a") != 2 {
			t.Errorf("polled %d times, want 2", s.count("a"))
		}
	})
}

func TestWaitBoundsRequestsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		steps := map[string][]string{}
		var ids []string
		for i := range 20 {
			id := fmt.Sprintf("t%02d", i)
			ids = append(ids, id)
			steps[id] = []string{"completed!"}
		}
		s := newScript(steps)
		s.block = make(chan struct{})
		go func() {
			synctest.Wait()
			close(s.block)
		}()

		if _, err := Wait(t.Context(), s, ids, Options{Concurrency: 3}); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if s.peak != 3 {
			t.Errorf("peak in flight = %d, want 3", s.peak)
		}
	})
}

func TestWaitPollsTasksDueSoonestFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{
			"a": {"pending", "completed!"},
			"b": {"err:503", "completed!"},
			"c": {"pending", "pending", "completed!"},
		})

		_, err := Wait(t.Context(), s, []string{"a", "b", "c"}, Options{
			Interval: time.Second, Concurrency: 1, Rand: fixedRand,
			Backoff: hub.Backoff{Base: 300 * time.Millisecond, Cap: time.Second},
		})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}

		// One request at a time: first polls in the order given, then b's
		// retry (due at 0.3s) before a and c (due at 1s), a before c
		// because it was due first.
		want := []string{"a@0s", "b@0s", "c@0s", "b@300ms", "a@1s", "c@1s", "c@2s"}
		if !slices.Equal(s.sequence, want) {
			t.Errorf("polls = %v, want %v", s.sequence, want)
		}
	})
}

func TestWaitRetriesTransientErrorsWithOneOutageLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{
			"a": {"pending", "err:502", "net", "err:503", "net", "processing", "completed!"},
		})
		observe, events := collect()

		_, err := Wait(t.Context(), s, []string{"a"}, Options{
			Interval: time.Second, Rand: fixedRand, Observe: observe,
			Backoff: hub.Backoff{Base: 500 * time.Millisecond, Cap: 30 * time.Second},
		})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}

		if n := len(kinds(*events, EventOutage)); n != 1 {
			t.Errorf("%d outage events, want 1", n)
		}
		if n := len(kinds(*events, EventRecovered)); n != 1 {
			t.Errorf("%d recovered events, want 1", n)
		}
		// Back-off without jitter: 0.5s, 1s, 2s, 4s after the errors.
		want := []time.Duration{0, 1 * time.Second, 1500 * time.Millisecond,
			2500 * time.Millisecond, 4500 * time.Millisecond, 8500 * time.Millisecond,
			9500 * time.Millisecond}
		if !slices.Equal(s.times["a"], want) {
			t.Errorf("polls at %v, want %v", s.times["a"], want)
		}
	})
}

func TestWait429DelaysEveryTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{
			"a": {"pending", "err:429:7", "completed!"},
			"b": {"pending", "pending", "completed!"},
		})

		_, err := Wait(t.Context(), s, []string{"a", "b"}, Options{Interval: time.Second, Concurrency: 1})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		// With one request at a time, a's poll at 1s goes first and gets a
		// 429 asking for 7s; b's poll, due at 1s too, is held back with it.
		// The 429 also halved the rate to 1 request a second, and b's
		// answer at 8s raised it to 2: a goes half a second after b.
		wantA := []time.Duration{0, time.Second, 8500 * time.Millisecond}
		wantB := []time.Duration{0, 8 * time.Second, 9 * time.Second}
		if !slices.Equal(s.times["a"], wantA) || !slices.Equal(s.times["b"], wantB) {
			t.Errorf("polls of a at %v, b at %v; want %v and %v", s.times["a"], s.times["b"], wantA, wantB)
		}
	})
}

func TestWaitRetryAfterPastDeadlineStopsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"err:503:120"}})
		start := time.Now()

		_, err := Wait(t.Context(), s, []string{"a"}, Options{Timeout: 30 * time.Second})
		var inc *Incomplete
		if !errors.As(err, &inc) || !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want a timeout", err)
		}
		if time.Since(start) != 0 {
			t.Errorf("returned after %v, want at once", time.Since(start))
		}
		if inc.Reason == "" {
			t.Error("no reason given for stopping early")
		}
	})
}

func TestWaitEndsOnAuthFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"err:401"}, "b": {"processing"}})

		_, err := Wait(t.Context(), s, []string{"a", "b"}, Options{Concurrency: 1})
		var se *hub.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusUnauthorized {
			t.Fatalf("err = %v, want the 401", err)
		}
		if n := s.count("a"); n != 1 {
			t.Errorf("a polled %d times, want 1", n)
		}
	})
}

func TestWaitPermanentErrorEndsOnlyItsTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"err:404"}, "b": {"pending", "completed!"}})

		results, err := Wait(t.Context(), s, []string{"a", "b"}, Options{})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		var se *hub.StatusError
		if !errors.As(results[0].Err, &se) || se.Code != http.StatusNotFound {
			t.Errorf("a err = %v, want 404", results[0].Err)
		}
		if s.count("a") != 1 {
			t.Errorf("a polled %d times, want 1", s.count("a"))
		}
		if results[1].Task.Status != "completed" {
			t.Errorf("b = %+v, want completed", results[1])
		}
	})
}

func TestWaitGivesUpAfterUnusableAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"bad"}})

		results, err := Wait(t.Context(), s, []string{"a"}, Options{MaxBadAnswers: 3})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		var bad *hub.BadAnswerError
		if !errors.As(results[0].Err, &bad) {
			t.Errorf("err = %v, want a *hub.BadAnswerError", results[0].Err)
		}
		if s.count("a") != 3 {
			t.Errorf("polled %d times, want 3", s.count("a"))
		}
	})
}

func TestWaitWarnsOnceOnUnknownStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"queued", "queued", "queued", "weird!"}})
		observe, events := collect()

		results, err := Wait(t.Context(), s, []string{"a"}, Options{Observe: observe})
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if n := len(kinds(*events, EventUnknownStatus)); n != 1 {
			t.Errorf("%d unknown-status warnings, want 1", n)
		}
		if results[0].Task.State() != hub.StateUnknown || !results[0].Task.Finished() {
			t.Errorf("result = %+v, want a finished task with an unknown status", results[0].Task)
		}
	})
}

func TestWaitHeartbeatWhenNothingChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"processing"}})
		observe, events := collect()

		_, _ = Wait(t.Context(), s, []string{"a"}, Options{
			Interval: 5 * time.Second, Timeout: 35 * time.Second, Heartbeat: 10 * time.Second,
			Observe: observe,
		})

		var at []time.Duration
		for _, e := range kinds(*events, EventHeartbeat) {
			at = append(at, e.Elapsed)
		}
		want := []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second}
		if !slices.Equal(at, want) {
			t.Errorf("heartbeats at %v, want %v", at, want)
		}
	})
}

func TestNextDelay(t *testing.T) {
	sec, ms := time.Second, time.Millisecond
	none := Estimate{}
	// Most tasks finish between 100s and 130s, the middle ones between
	// 110s and 120s.
	est := Estimate{Known: true, Lo: 100 * sec, MidLo: 110 * sec, MidHi: 120 * sec, Hi: 130 * sec}
	// Tasks that always take 5s.
	exact := Estimate{Known: true, Lo: 4750 * ms, MidLo: 4750 * ms, MidHi: 5250 * ms, Hi: 5250 * ms}
	// Tasks that take 5s to 6s, and 5s to a little more.
	wide := Estimate{Known: true, Lo: 4750 * ms, MidLo: 4750 * ms, MidHi: 6250 * ms, Hi: 6250 * ms}
	narrow := Estimate{Known: true, Lo: 4750 * ms, MidLo: 4950 * ms, MidHi: 6350 * ms, Hi: 6500 * ms}

	tests := []struct {
		name   string
		age    time.Duration
		est    Estimate
		jitter float64
		want   time.Duration
	}{
		{"young task, no history", 0, none, 0.999999, 999 * ms},
		{"young task, shortest jitter", 3 * sec, none, 0, 850 * ms},
		{"no longer young", 4 * sec, none, 0, 1700 * ms},
		{"older task, no history", 10 * sec, none, 0.999999, 1998 * ms},
		{"old task never waits past the cap", time.Hour, none, 0.999999, 1998 * ms},
		{"long before the window: 30s at most", 0, est, 0.5, 30 * sec},
		{"just before the window: straight to it", 90 * sec, est, 0.5, 10 * sec},
		{"early tail: half of it, at most 3s", 100 * sec, est, 1 - 1e-9, 2997 * ms},
		{"early tail: up to the middle", 109 * sec, est, 1 - 1e-9, 999 * ms},
		{"early tail: no closer than a dense poll", 109500 * ms, est, 1 - 1e-9, 699300 * time.Microsecond},
		{"middle: every 0.7s", 110 * sec, est, 1 - 1e-9, 699300 * time.Microsecond},
		{"late tail: at most 3s", 125 * sec, est, 0, 2550 * ms},
		{"after the window: as without history", 200 * sec, est, 0, 1700 * ms},
		{"exact history: three quarters into the narrow middle", 300 * ms, exact, 0.5, 4825 * ms},
		{"middle of 1.4s: three quarters into it", 300 * ms, narrow, 0.5, 5700 * ms},
		{"short tail, middle wider than two gaps: jump to the middle", 300 * ms, wide, 0.5, 4450 * ms},
		{"exact history: dense polls", 4750 * ms, exact, 0, 595 * ms},
	}
	for _, tt := range tests {
		if got := NextDelay(tt.age, tt.est, tt.jitter); got != tt.want {
			t.Errorf("%s: NextDelay(%v, %+v, %v) = %v, want %v", tt.name, tt.age, tt.est, tt.jitter, got, tt.want)
		}
	}
}

func TestEstimateFrom(t *testing.T) {
	ms := time.Millisecond
	s := func(secs ...float64) []time.Duration {
		var out []time.Duration
		for _, v := range secs {
			out = append(out, time.Duration(v*float64(time.Second)))
		}
		return out
	}
	tests := []struct {
		name    string
		samples []time.Duration
		want    Estimate
	}{
		{"too few", s(30, 31), Estimate{}},
		{"same each time: margin of 250ms", s(5, 5, 5),
			Estimate{Known: true, Lo: 4750 * ms, MidLo: 4750 * ms, MidHi: 5250 * ms, Hi: 5250 * ms}},
		// 21 samples 100s..200s: 5th percentile 105s, 15th 115s, 85th
		// 185s, 95th 195s; margin 3% of 150s.
		{"long tasks: margin of 3% of the median", s(100, 105, 110, 115, 120, 125, 130, 135, 140, 145,
			150, 155, 160, 165, 170, 175, 180, 185, 190, 195, 200),
			Estimate{Known: true, Lo: 100500 * ms, MidLo: 110500 * ms, MidHi: 189500 * ms, Hi: 199500 * ms}},
		{"order does not matter", s(7, 5, 6),
			Estimate{Known: true, Lo: 4750 * ms, MidLo: 4750 * ms, MidHi: 7250 * ms, Hi: 7250 * ms}},
	}
	for _, tt := range tests {
		if got := EstimateFrom(tt.samples, 3); got != tt.want {
			t.Errorf("%s: EstimateFrom = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestWaitPollsSparselyWithHistory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScript(map[string][]string{"a": {"processing"}})
		est := Estimate{Known: true, Lo: 60 * time.Second, MidLo: 61 * time.Second,
			MidHi: 62 * time.Second, Hi: 63 * time.Second}

		_, err := Wait(t.Context(), s, []string{"a"}, Options{
			Rand: fixedRand, Timeout: 64 * time.Second,
			Estimates: func(string) Estimate { return est },
		})
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want a timeout", err)
		}

		// Gaps of 30s until the window opens at 60s; 0.7s × 0.925 through
		// the window; then 2s × 0.925, which passes the time limit.
		ms := time.Millisecond
		us := time.Microsecond
		want := []time.Duration{0, 30 * time.Second, 60 * time.Second,
			60647500 * us, 61295 * ms, 61942500 * us, 62590 * ms, 63237500 * us}
		if got := s.times["a"]; !slices.Equal(got, want) {
			t.Errorf("polls at %v, want %v", got, want)
		}
	})
}

// TestNextDelayBounds checks, over many ages and estimates, that no wait is
// shorter than the densest polling (which once let the scheduler spin) or
// longer than the sparsest.
func TestNextDelayBounds(t *testing.T) {
	floor := MinDenseDelay * 850 / 1000
	for i := range 20000 {
		lo := time.Duration(i%97) * 137 * time.Millisecond
		est := Estimate{Known: i%5 != 0, Lo: lo, MidLo: lo + time.Duration(i%7)*time.Millisecond,
			MidHi: lo + time.Duration(i%11)*time.Second, Hi: lo + time.Duration(i%13)*time.Second}
		age := time.Duration(i) * 7919 * time.Microsecond
		d := NextDelay(age, est, float64(i%100)/100)
		if d < floor || d > MaxSparseDelay {
			t.Fatalf("NextDelay(%v, %+v) = %v, want between %v and %v", age, est, d, floor, MaxSparseDelay)
		}
	}
}
