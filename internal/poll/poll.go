package poll

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/jonboulle/clockwork"
)

// Fetcher fetches a task once, as hub.Client.Fetch does.
type Fetcher interface {
	Fetch(ctx context.Context, id string) (*hub.Task, error)
}

// ErrTimeout is the cause of an *Incomplete when the wait's own time limit
// passed.
var ErrTimeout = errors.New("timed out")

// Incomplete is returned by Wait when it stopped before every task had
// finished: its time limit passed (Err is ErrTimeout), or its context was
// cancelled (Err is the context's cause).
type Incomplete struct {
	Running []string // the tasks still unfinished, in the order given
	Reason  string   // why it stopped early, beyond Err; may be empty
	Err     error
}

func (e *Incomplete) Error() string {
	s := e.Err.Error()
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func (e *Incomplete) Unwrap() error { return e.Err }

// Options configures Wait. The zero value is usable.
type Options struct {
	// Clock times the polls; nil means the real clock.
	Clock clockwork.Clock

	// Interval is a fixed time between polls of a task; 0 means the
	// default schedule, NextDelay.
	Interval time.Duration

	// Estimates returns what history says of tasks of a model ("" when
	// the answers name none); nil means nothing is known.
	Estimates func(model string) Estimate

	// MaxRate caps the requests per second over all tasks; 0 means no
	// cap beyond what 429 answers teach.
	MaxRate float64

	// Timeout bounds the whole wait, retries included; 0 means no limit.
	Timeout time.Duration

	// Concurrency bounds the requests in flight; 0 means 4.
	Concurrency int

	// Backoff spaces the retries of a task after a transient failure.
	// Its zero value means hub.DefaultBackoff with full jitter.
	Backoff hub.Backoff

	// MaxBadAnswers is how many unusable answers in a row a task may get
	// before it ends with the last one's error; 0 means 3.
	MaxBadAnswers int

	// Heartbeat, when positive, is how long Wait may go without an event
	// before it sends an EventHeartbeat.
	Heartbeat time.Duration

	// Rand returns numbers in [0, 1) for jitter; nil means math/rand.
	Rand func() float64

	// Observe receives every event, one at a time, from the goroutine
	// that called Wait; nil means none. It must not block for long.
	Observe func(Event)

	// Logger receives a debug record of every retry; nil means none.
	Logger *slog.Logger
}

// EventKind tells what an Event reports.
type EventKind int

// The kinds of event.
const (
	// EventStatus reports a task's first status or a change of it.
	EventStatus EventKind = iota

	// EventUnknownStatus reports, once per task, a status this program
	// does not know on a task that is not ready.
	EventUnknownStatus

	// EventFinished reports that a task finished, or ended with an error
	// (Err) that more polls would not cure.
	EventFinished

	// EventOutage reports the first transient failure after a success (or
	// at the start); EventRecovered, the first success after an outage.
	EventOutage
	EventRecovered

	// EventHeartbeat reports that nothing changed for Options.Heartbeat.
	EventHeartbeat
)

// Event is one thing that happened during a wait.
type Event struct {
	Kind     EventKind
	Time     time.Time
	ID       string
	Task     *hub.Task // the latest answer; nil for outages and heartbeats
	Previous string    // the status before this one; "" on a task's first
	Err      error     // the failure, for EventOutage and a failed EventFinished

	Running int           // how many tasks are unfinished after this event
	Elapsed time.Duration // time since Wait started
}

// Result is how one task's wait ended: with its final answer, or with an
// error that more polls would not cure.
type Result struct {
	ID   string
	Task *hub.Task
	Err  error
}

// tracked is the scheduler's record of one task.
type tracked struct {
	id       string
	order    int // position in the caller's list
	due      time.Time
	index    int // position in the queue; -1 when not queued
	polls    int
	failures int // transient failures in a row
	bad      int // unusable answers in a row
	warned   bool
	born     time.Time // when the task started, from its elapsed_ms if known
	task     *hub.Task
	err      error
	done     bool
}

// queue orders the tasks waiting for their next poll, soonest due first.
type queue []*tracked

func (q queue) Len() int { return len(q) }

func (q queue) Less(i, j int) bool {
	if q[i].due.Equal(q[j].due) {
		return q[i].order < q[j].order
	}
	return q[i].due.Before(q[j].due)
}

func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}

func (q *queue) Push(x any) {
	t := x.(*tracked)
	t.index = len(*q)
	*q = append(*q, t)
}

func (q *queue) Pop() any {
	old := *q
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	t.index = -1
	return t
}

// answer is what one poll brought back.
type answer struct {
	t    *tracked
	task *hub.Task
	err  error
}

// waiter holds the state of one call to Wait.
type waiter struct {
	opts    Options
	fetcher Fetcher
	clock   clockwork.Clock

	start     time.Time
	deadline  time.Time // zero when there is no limit
	lastEvent time.Time
	paused    time.Time // no poll starts before this, after a 429
	outage    bool
	rate      *RateController
	rateWake  time.Time // when the rate lets the next poll go; zero if now

	tasks    []*tracked
	queue    queue
	running  int
	inflight int
	answers  chan answer
}

// Wait polls every task in ids until each has finished, and returns their
// results in the order of ids. The first poll of each task is sent at once.
//
// Transient failures (see hub.IsTransient) never end the wait; they are
// retried with back-off, and a 429 delays every task, not just the one that
// got it. An authentication failure (HTTP 401 or 403) ends the wait at once
// with that error. Other failures end only their own task, in its Result.
// When the time limit passes or ctx is cancelled, Wait cancels the requests
// in flight and returns the results so far with an *Incomplete error.
func Wait(ctx context.Context, f Fetcher, ids []string, opts Options) ([]Result, error) {
	w := newWaiter(f, ids, opts)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(context.Canceled)

	err := w.run(ctx, cancel)
	cancel(context.Canceled)
	for w.inflight > 0 {
		<-w.answers
		w.inflight--
	}

	results := make([]Result, len(w.tasks))
	for i, t := range w.tasks {
		results[i] = Result{ID: t.id, Task: t.task, Err: t.err}
	}
	return results, err
}

func newWaiter(f Fetcher, ids []string, opts Options) *waiter {
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Backoff.Base <= 0 || opts.Backoff.Cap <= 0 {
		opts.Backoff = hub.DefaultBackoff
		opts.Backoff.Rand = opts.Rand
		if opts.Backoff.Rand == nil {
			opts.Backoff.Rand = rand.Float64
		}
	}
	if opts.MaxBadAnswers <= 0 {
		opts.MaxBadAnswers = 3
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	if opts.Estimates == nil {
		opts.Estimates = func(string) Estimate { return Estimate{} }
	}

	w := &waiter{
		opts:    opts,
		fetcher: f,
		clock:   opts.Clock,
		start:   opts.Clock.Now(),
		answers: make(chan answer, opts.Concurrency),
		rate:    NewRateController(opts.MaxRate),
	}
	w.lastEvent = w.start
	if opts.Timeout > 0 {
		w.deadline = w.start.Add(opts.Timeout)
	}

	for i, id := range ids {
		t := &tracked{id: id, order: i, due: w.start, born: w.start}
		w.tasks = append(w.tasks, t)
		heap.Push(&w.queue, t)
	}
	w.running = len(w.tasks)
	return w
}

// run is the scheduler loop. It returns when every task is done, or with
// the error that stopped it early.
func (w *waiter) run(ctx context.Context, cancel context.CancelCauseFunc) error {
	for w.running > 0 {
		now := w.clock.Now()
		if !w.deadline.IsZero() && !now.Before(w.deadline) {
			return w.incomplete(ErrTimeout, "")
		}
		w.dispatch(ctx, now)

		timer := w.clock.NewTimer(w.nextWake(now).Sub(now))
		select {
		case a := <-w.answers:
			timer.Stop()
			w.inflight--
			if a.err != nil && ctx.Err() != nil {
				return w.incomplete(context.Cause(ctx), "")
			}
			if err := w.handle(a); err != nil {
				return err
			}
		case <-timer.Chan():
			w.maybeHeartbeat()
		case <-ctx.Done():
			timer.Stop()
			return w.incomplete(context.Cause(ctx), "")
		}
	}
	return nil
}

// dispatch starts polls of the tasks that are due, up to the bound.
func (w *waiter) dispatch(ctx context.Context, now time.Time) {
	if now.Before(w.paused) {
		return
	}

	w.rateWake = time.Time{}
	batch := 0 // polls the rate has allowed and not yet sent
	for w.inflight < w.opts.Concurrency && w.queue.Len() > 0 && !w.queue[0].due.After(now) {
		if batch == 0 {
			batch = min(w.opts.Concurrency-w.inflight, w.queue.Len())
			if next := w.rate.Next(now, batch); next.After(now) {
				w.rateWake = next
				return
			}
		}
		batch--
		w.rate.Sent(now)

		t := heap.Pop(&w.queue).(*tracked)
		w.inflight++
		t.polls++
		go func() {
			task, err := w.fetcher.Fetch(ctx, t.id)
			w.answers <- answer{t: t, task: task, err: err}
		}()
	}
}

// nextWake returns when the loop must look again if no answer comes: the
// next due poll, the next heartbeat, or the deadline, whichever is first.
func (w *waiter) nextWake(now time.Time) time.Time {
	wake := now.Add(time.Hour)
	if w.inflight < w.opts.Concurrency && w.queue.Len() > 0 {
		wake = w.queue[0].due
		if w.paused.After(wake) {
			wake = w.paused
		}
		if w.rateWake.After(wake) {
			wake = w.rateWake
		}
	}
	if w.opts.Heartbeat > 0 {
		if hb := w.lastEvent.Add(w.opts.Heartbeat); hb.Before(wake) {
			wake = hb
		}
	}
	if !w.deadline.IsZero() && w.deadline.Before(wake) {
		wake = w.deadline
	}
	return wake
}

// handle records one answer and schedules the task's next poll.
func (w *waiter) handle(a answer) error {
	t, now := a.t, w.clock.Now()
	if a.err != nil {
		return w.handleError(t, a.err, now)
	}

	t.failures, t.bad = 0, 0
	w.rate.Succeeded(now)
	if a.task.HasElapsed {
		t.born = now.Add(-time.Duration(a.task.ElapsedMS) * time.Millisecond)
	}
	if w.outage {
		w.outage = false
		w.emit(Event{Kind: EventRecovered, ID: t.id, Task: a.task})
	}

	first, previous := t.task == nil, ""
	if !first {
		previous = t.task.Status
	}
	t.task = a.task
	if first || a.task.Status != previous {
		w.emit(Event{Kind: EventStatus, ID: t.id, Task: a.task, Previous: previous})
	}

	if a.task.Finished() {
		w.finish(t, nil)
		return nil
	}

	if a.task.State() == hub.StateUnknown && !t.warned {
		t.warned = true
		w.emit(Event{Kind: EventUnknownStatus, ID: t.id, Task: a.task})
	}
	w.schedule(t, now, w.pollDelay(t, now))
	return nil
}

// handleError decides what a failed poll means for its task and the wait.
func (w *waiter) handleError(t *tracked, err error, now time.Time) error {
	var se *hub.StatusError
	isStatus := errors.As(err, &se)
	switch {
	case isStatus && (se.Code == http.StatusUnauthorized || se.Code == http.StatusForbidden):
		t.err = err
		return fmt.Errorf("task %s: %w", t.id, err)

	case !hub.IsTransient(err):
		w.finish(t, err)
		return nil
	}

	var bad *hub.BadAnswerError
	if errors.As(err, &bad) {
		t.bad++
		if t.bad >= w.opts.MaxBadAnswers {
			w.finish(t, fmt.Errorf("%d unusable answers in a row: %w", t.bad, err))
			return nil
		}
	}

	if !w.outage {
		w.outage = true
		w.emit(Event{Kind: EventOutage, ID: t.id, Err: err})
	}

	wait := w.opts.Backoff.RetryDelay(err, t.failures)
	t.failures++
	if !w.deadline.IsZero() && now.Add(wait).After(w.deadline) {
		if _, asked := hub.RetryAfter(err); asked {
			reason := fmt.Sprintf("the server asked to retry after %s, past the --timeout limit", wait)
			return w.incomplete(ErrTimeout, reason)
		}
	}
	if isStatus && se.Code == http.StatusTooManyRequests {
		// The first 429 of a burst holds every task back for as long as
		// it asks; the rest of the burst answered requests already sent
		// and delay only their own task.
		if w.rate.Throttled(now) && now.Add(wait).After(w.paused) {
			w.paused = now.Add(wait)
		}
	} else {
		w.rate.Succeeded(now)
	}
	w.opts.Logger.Debug("retrying", "task", t.id, "attempt", t.polls+1, "wait", wait,
		"reason", err.Error())
	w.schedule(t, now, wait)
	return nil
}

// pollDelay returns the wait before the next poll of a running task.
func (w *waiter) pollDelay(t *tracked, now time.Time) time.Duration {
	if w.opts.Interval > 0 {
		return w.opts.Interval
	}
	return NextDelay(now.Sub(t.born), w.opts.Estimates(t.task.Model), w.opts.Rand())
}

func (w *waiter) schedule(t *tracked, now time.Time, wait time.Duration) {
	t.due = now.Add(wait)
	heap.Push(&w.queue, t)
}

func (w *waiter) finish(t *tracked, err error) {
	t.done, t.err = true, err
	w.running--
	w.emit(Event{Kind: EventFinished, ID: t.id, Task: t.task, Err: err})
}

// maybeHeartbeat sends a heartbeat when nothing was reported for a while.
func (w *waiter) maybeHeartbeat() {
	if w.opts.Heartbeat <= 0 {
		return
	}
	if w.clock.Since(w.lastEvent) >= w.opts.Heartbeat {
		w.emit(Event{Kind: EventHeartbeat})
	}
}

func (w *waiter) emit(e Event) {
	e.Time = w.clock.Now()
	e.Running = w.running
	e.Elapsed = e.Time.Sub(w.start)
	w.lastEvent = e.Time
	if w.opts.Observe != nil {
		w.opts.Observe(e)
	}
}

// incomplete builds the error for a wait that stopped early.
func (w *waiter) incomplete(err error, reason string) error {
	var running []string
	for _, t := range w.tasks {
		if !t.done {
			running = append(running, t.id)
		}
	}
	return &Incomplete{Running: running, Reason: reason, Err: err}
}
