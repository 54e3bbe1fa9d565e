// Package fakehub is a Hub API server for tests, demos and benchmarks.
//
// A Server listens on a loopback address and plays a Scenario. It answers
//
//   - GET /hub/v1/tasks/{task_id} with the current step of the task's
//     timeline, which can also inject faults such as 429s, connection
//     resets, stalls or truncated bodies;
//   - POST /hub/v1/{image,video,audio,transcribe} by creating a task and
//     answering the documented submit body;
//   - anything else with 404.
//
// Errors have the body {"message": "..."}: 401 "Unauthorized - Invalid API
// key" for a missing or wrong bearer token, 404 "task not found" for an
// unknown task. The server records every request so tests can assert what a
// client sent. Go tests start one with StartForTest; `make demo` runs
// cmd/fakehub. The product never imports this package.
package fakehub

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Options configures a Server. The zero Options is valid.
type Options struct {
	// Clock drives time-driven steps, elapsed_ms, Fault.Delay, the rate
	// limiter and the times the server records. Nil means the real clock.
	Clock clockwork.Clock

	// Addr is the address to listen on. It must be a loopback address or
	// localhost; the default is "127.0.0.1:0", a free port.
	Addr string

	// Logf, if set, receives one line per request. The token is never
	// passed to it.
	Logf func(format string, args ...any)
}

// A Request is the server's record of one request it received.
type Request struct {
	Time   time.Time // arrival, on the server's clock
	Method string
	Path   string // escaped path, as sent on the wire

	// TaskID is the unescaped ID of the task the request asked for, or of
	// the task it created, and empty for other requests.
	TaskID string

	// Status is the HTTP status sent, or 0 if none was: the connection was
	// reset, or the client went away during a delay.
	Status int

	Authorized        bool // the bearer token was accepted
	AuthHeaderPresent bool
	UserAgent         string
}

// A Server is a fake Hub. Create one with New, then call Start. All its
// methods are safe for concurrent use.
type Server struct {
	clock clockwork.Clock
	addr  string
	logf  func(format string, args ...any)
	token string
	rate  float64
	mux   *http.ServeMux

	// done is closed by Close to release handlers that wait.
	done chan struct{}

	// handlers counts running handlers; Add is only called under mu while
	// closed is false, so Close can Wait for them safely.
	handlers sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	srv       *http.Server
	ln        net.Listener
	serveDone chan struct{}
	started   time.Time

	tasks     map[string]*taskState
	order     []string // task IDs in the order they were added
	submitted int      // tasks created by POST, for their IDs

	requests map[string]int // GETs per requested task ID
	total    int
	log      []Request

	open, maxOpen int

	tokens   float64 // rate limiter bucket
	tokensAt time.Time
}

// New returns a Server for s that is not yet listening. It reports an error
// if s is invalid or opts.Addr is not a loopback address.
func New(s Scenario, opts Options) (*Server, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("invalid scenario: %w", err)
	}

	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}

	clock := opts.Clock
	if clock == nil {
		clock = clockwork.NewRealClock()
	}

	srv := &Server{
		clock:    clock,
		addr:     addr,
		logf:     opts.Logf,
		token:    s.Token,
		rate:     s.RateLimit,
		done:     make(chan struct{}),
		tasks:    make(map[string]*taskState),
		requests: make(map[string]int),
	}
	for _, t := range s.Tasks {
		srv.addLocked(t, false)
	}

	srv.mux = http.NewServeMux()
	srv.mux.HandleFunc("GET /hub/v1/tasks/{task_id}", srv.wrap(srv.handleTask))
	srv.mux.HandleFunc("POST /hub/v1/{capability}", srv.wrap(srv.handleSubmit))
	srv.mux.HandleFunc("/", srv.wrap(srv.handleNotFound))
	return srv, nil
}

// checkLoopback reports an error unless addr's host is localhost or a
// loopback IP address. An empty host would listen on every interface.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}

	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.WithZone("").IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address", addr)
	}
	return nil
}

// Start listens on the configured address and serves in a goroutine. The
// clocks of the tasks added so far start now, so time-driven tasks progress
// whether or not anyone polls them. Start may be called only once.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.closed {
		return errors.New("server is closed")
	}
	if s.srv != nil {
		return errors.New("server already started")
	}

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		ln.Close()
		return fmt.Errorf("address %q resolved to non-loopback %s", s.addr, ln.Addr())
	}

	now := s.clock.Now()
	s.started = now
	for _, ts := range s.tasks {
		ts.start = now
	}
	s.tokens = max(1, s.rate)
	s.tokensAt = now

	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.mux,
		ConnState:         s.connState,
		ReadHeaderTimeout: 10 * time.Second,
	}
	s.serveDone = make(chan struct{})
	go s.serve(s.srv, ln, s.serveDone)
	return nil
}

func (s *Server) serve(srv *http.Server, ln net.Listener, done chan struct{}) {
	defer close(done)

	err := srv.Serve(ln)
	if err != nil && !errors.Is(err, http.ErrServerClosed) && s.logf != nil {
		s.logf("fakehub: serve: %v", err)
	}
}

// URL returns the server's base URL, such as "http://127.0.0.1:43121", with
// no trailing slash. It returns "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close closes the listener and every connection, releases handlers that
// stall or delay, and waits for all handlers to return. Closing a closed or
// never started Server does nothing.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv, serveDone := s.srv, s.serveDone
	s.mu.Unlock()

	// Close the connections before releasing waiting handlers, so that none
	// of them can still finish its response.
	var err error
	if srv != nil {
		err = srv.Close()
	}
	close(s.done)
	if srv == nil {
		return nil
	}

	<-serveDone
	s.handlers.Wait()
	if err != nil {
		return fmt.Errorf("failed to close server: %w", err)
	}
	return nil
}

// AddTask adds t to the running or not yet started server. The clock of a
// task added after Start starts when it is added. It reports an error if t
// is invalid or its ID is taken.
func (s *Server) AddTask(t Task) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("invalid task: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	if _, ok := s.tasks[t.ID]; ok {
		return fmt.Errorf("task %q already exists", t.ID)
	}
	s.addLocked(t, false)
	return nil
}

// addLocked adds a valid task with a fresh ID. Its clock starts now if the
// server has started. The caller holds mu, or is New.
func (s *Server) addLocked(t Task, submitted bool) *taskState {
	ts := &taskState{task: t, submitted: submitted}
	for _, st := range t.Steps[:len(t.Steps)-1] {
		ts.pollDriven = ts.pollDriven || st.Polls > 0
	}
	if s.srv != nil {
		ts.start = s.clock.Now()
	}

	s.tasks[t.ID] = ts
	s.order = append(s.order, t.ID)
	return ts
}

// Requests returns the number of GET requests received for taskID, whatever
// their outcome, including 401, 404 and 429 answers.
func (s *Server) Requests(taskID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.requests[taskID]
}

// TotalRequests returns the number of requests received on any path.
func (s *Server) TotalRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.total
}

// Log returns a copy of the records of the requests answered so far, in the
// order their handlers finished. A stalled request appears once it ends.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()

	return append([]Request(nil), s.log...)
}

// OpenConns returns the number of TCP connections open now.
func (s *Server) OpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.open
}

// MaxOpenConns returns the largest number of TCP connections that were open
// at the same time.
func (s *Server) MaxOpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.maxOpen
}

func (s *Server) connState(_ net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()

	switch state {
	case http.StateNew:
		s.open++
		s.maxOpen = max(s.maxOpen, s.open)
	case http.StateHijacked, http.StateClosed:
		s.open--
	}
}

// FinalAt returns the time, on the server's clock, at which the answer for
// taskID first became final: ready, or with a terminal status. For a
// time-driven task that is when its first final step began, polled or not;
// for a poll-driven task it is when the first final answer was chosen. It
// reports false if the task is unknown or not final yet.
func (s *Server) FinalAt(taskID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	ts, ok := s.tasks[taskID]
	if !ok {
		return time.Time{}, false
	}
	return ts.finalAt(s.clock.Now())
}

// allow takes a token from the rate limiter's bucket. If none is left it
// reports how long until one is. The caller holds mu.
func (s *Server) allow(now time.Time) (bool, time.Duration) {
	if s.rate <= 0 {
		return true, 0
	}

	burst := max(1, s.rate)
	if d := now.Sub(s.tokensAt); d > 0 {
		s.tokens = min(burst, s.tokens+d.Seconds()*s.rate)
	}
	s.tokensAt = now

	if s.tokens >= 1 {
		s.tokens--
		return true, 0
	}
	return false, time.Duration((1 - s.tokens) / s.rate * float64(time.Second))
}

// taskState is a task and its progress along its timeline.
type taskState struct {
	task       Task
	submitted  bool // created by POST, so never a template
	pollDriven bool

	start time.Time // zero until the server starts
	polls int       // answers chosen so far, faults included

	// finalSeen and finalTime record the first final answer of a
	// poll-driven task.
	finalSeen bool
	finalTime time.Time
}

// current returns the index of the step that answers now.
func (ts *taskState) current(now time.Time) int {
	steps := ts.task.Steps
	last := len(steps) - 1

	if ts.pollDriven {
		end := 0
		for i, st := range steps[:last] {
			end += st.Polls
			if ts.polls < end {
				return i
			}
		}
		return last
	}

	elapsed := now.Sub(ts.start)
	var end time.Duration
	for i, st := range steps[:last] {
		end += time.Duration(st.For)
		if elapsed < end {
			return i
		}
	}
	return last
}

func (ts *taskState) finalAt(now time.Time) (time.Time, bool) {
	if ts.pollDriven {
		return ts.finalTime, ts.finalSeen
	}
	if ts.start.IsZero() {
		return time.Time{}, false
	}

	at := ts.start
	for _, st := range ts.task.Steps {
		if st.final() {
			return at, !now.Before(at)
		}
		at = at.Add(time.Duration(st.For))
	}
	return time.Time{}, false
}
