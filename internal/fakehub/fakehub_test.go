package fakehub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

const testToken = "s3cret-token"

// response is what a test request got back.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// testClient sends requests to one Server with its own connections, so a
// test's connection counts are its own.
type testClient struct {
	t     *testing.T
	srv   *Server
	http  *http.Client
	token string
}

func newTestClient(t *testing.T, srv *Server) *testClient {
	t.Helper()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &testClient{
		t:   t,
		srv: srv,
		http: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		token: testToken,
	}
}

func taskPath(id string) string {
	return "/hub/v1/tasks/" + url.PathEscape(id)
}

// do sends a request and fails the test if no HTTP response comes back.
func (c *testClient) do(method, path, auth, body string) response {
	c.t.Helper()

	resp, err := c.try(context.Background(), method, path, auth, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()

	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

func (c *testClient) try(ctx context.Context, method, path, auth, body string) (
	*http.Response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.srv.URL()+path, rd)
	if err != nil {
		return nil, err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("User-Agent", "fakehub-test/1")
	return c.http.Do(req)
}

// poll GETs the task id with the client's token.
func (c *testClient) poll(id string) response {
	c.t.Helper()
	return c.do("GET", taskPath(id), "Bearer "+c.token, "")
}

// taskBody is the part of a task body the tests look at.
type taskBody struct {
	TaskID    string          `json:"task_id"`
	Status    string          `json:"status"`
	Ready     bool            `json:"ready"`
	ElapsedMS *int64          `json:"elapsed_ms"`
	Data      json.RawMessage `json:"data"`
}

func decodeTask(t *testing.T, r response) taskBody {
	t.Helper()

	if r.code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.code, r.body)
	}
	var b taskBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("decode task body %s: %v", r.body, err)
	}
	return b
}

func messageOf(t *testing.T, r response) string {
	t.Helper()

	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var m struct{ Message string }
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode error body %s: %v", r.body, err)
	}
	return m.Message
}

func oneTask(id string, steps ...Step) Scenario {
	return Scenario{Token: testToken, Tasks: []Task{{ID: id, Steps: steps}}}
}

func TestPollDrivenProgression(t *testing.T) {
	srv := StartForTest(t, oneTask("t1",
		Step{Polls: 2, Status: "pending"},
		Step{Polls: 1, Status: "processing"},
		Step{Status: "completed", Data: Raw(`{"images":[{"url":"https://x.example/a.png"}]}`)},
	), Options{Clock: clockwork.NewFakeClock()})
	c := newTestClient(t, srv)

	want := []struct {
		status string
		ready  bool
		data   bool
	}{
		{"pending", false, false},
		{"pending", false, false},
		{"processing", false, false},
		{"completed", true, true},
		{"completed", true, true},
	}
	for i, w := range want {
		got := decodeTask(t, c.poll("t1"))
		if got.TaskID != "t1" || got.Status != w.status || got.Ready != w.ready {
			t.Errorf("poll %d = %+v, want status %q ready %v", i, got, w.status, w.ready)
		}
		if (got.Data != nil) != w.data {
			t.Errorf("poll %d: data = %s, want present %v", i, got.Data, w.data)
		}
	}

	if n := srv.Requests("t1"); n != len(want) {
		t.Errorf("Requests = %d, want %d", n, len(want))
	}
}

func TestTimeDrivenProgression(t *testing.T) {
	clock := clockwork.NewFakeClock()
	start := clock.Now()
	srv := StartForTest(t, oneTask("t1",
		Step{For: Duration(time.Second), Status: "pending"},
		Step{For: Duration(2 * time.Second), Status: "processing"},
		Step{Status: "completed"},
	), Options{Clock: clock})
	c := newTestClient(t, srv)

	tests := []struct {
		advance time.Duration
		status  string
		elapsed int64
		final   bool
	}{
		{0, "pending", 0, false},
		{999 * time.Millisecond, "pending", 999, false},
		{time.Millisecond, "processing", 1000, false},
		{1999 * time.Millisecond, "processing", 2999, false},
		{time.Millisecond, "completed", 3000, true},
		{time.Hour, "completed", 3000, true}, // a finished task's time stops
	}
	for _, tt := range tests {
		clock.Advance(tt.advance)

		got := decodeTask(t, c.poll("t1"))
		if got.Status != tt.status || got.ElapsedMS == nil || *got.ElapsedMS != tt.elapsed {
			t.Errorf("at %v: status %q elapsed %v, want %q %d",
				clock.Since(start), got.Status, got.ElapsedMS, tt.status, tt.elapsed)
		}

		at, final := srv.FinalAt("t1")
		if final != tt.final || (final && !at.Equal(start.Add(3*time.Second))) {
			t.Errorf("at %v: FinalAt = %v, %v; want start+3s, %v",
				clock.Since(start), at, final, tt.final)
		}
	}
}

func TestFinalAtWithoutPolling(t *testing.T) {
	clock := clockwork.NewFakeClock()
	start := clock.Now()
	srv := StartForTest(t, oneTask("t1",
		Step{For: Duration(5 * time.Second), Status: "processing"},
		Step{Status: "failed", ErrorCode: Raw(`"E42"`)},
	), Options{Clock: clock})

	if _, ok := srv.FinalAt("t1"); ok {
		t.Error("FinalAt reports final before the final step began")
	}
	clock.Advance(7 * time.Second)
	if at, ok := srv.FinalAt("t1"); !ok || !at.Equal(start.Add(5*time.Second)) {
		t.Errorf("FinalAt = %v, %v; want start+5s, true", at, ok)
	}
	if _, ok := srv.FinalAt("nope"); ok {
		t.Error("FinalAt reports final for an unknown task")
	}
}

func TestFinalAtPollDriven(t *testing.T) {
	clock := clockwork.NewFakeClock()
	srv := StartForTest(t, oneTask("t1",
		Step{Polls: 1, Status: "processing"},
		Step{Polls: 1, Status: "completed", Fault: &Fault{Code: 503}},
		Step{Status: "completed"},
	), Options{Clock: clock})
	c := newTestClient(t, srv)

	c.poll("t1")
	clock.Advance(time.Second)
	if r := c.poll("t1"); r.code != http.StatusServiceUnavailable {
		t.Fatalf("second poll status = %d, want 503", r.code)
	}
	if _, ok := srv.FinalAt("t1"); ok {
		t.Fatal("FinalAt reports final after a fault answer")
	}

	clock.Advance(2 * time.Second)
	want := clock.Now()
	c.poll("t1")
	clock.Advance(time.Second)
	c.poll("t1")
	if at, ok := srv.FinalAt("t1"); !ok || !at.Equal(want) {
		t.Errorf("FinalAt = %v, %v; want %v, true", at, ok, want)
	}
}

func TestAuthorization(t *testing.T) {
	tests := []struct {
		name     string
		token    string // scenario token
		auth     string
		want     int
		authOK   bool
		authSent bool
	}{
		{"right token", testToken, "Bearer " + testToken, 200, true, true},
		{"scheme is case-insensitive", testToken, "bearer " + testToken, 200, true, true},
		{"wrong token", testToken, "Bearer nope", 401, false, true},
		{"token prefix", testToken, "Bearer " + testToken[:4], 401, false, true},
		{"basic scheme", testToken, "Basic " + testToken, 401, false, true},
		{"bare token", testToken, testToken, 401, false, true},
		{"no header", testToken, "", 401, false, false},
		{"any token accepted", "", "Bearer whatever", 200, true, true},
		{"empty bearer refused", "", "Bearer ", 401, false, true},
		{"no header refused", "", "", 401, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := oneTask("t1", Step{Status: "completed"})
			s.Token = tt.token
			srv := StartForTest(t, s, Options{})
			c := newTestClient(t, srv)

			r := c.do("GET", taskPath("t1"), tt.auth, "")
			if r.code != tt.want {
				t.Fatalf("status = %d, want %d; body %s", r.code, tt.want, r.body)
			}
			if r.code == 401 {
				if msg := messageOf(t, r); msg != "Unauthorized - Invalid API key" {
					t.Errorf("message = %q", msg)
				}
			}

			log := srv.Log()
			if len(log) != 1 {
				t.Fatalf("Log has %d entries, want 1", len(log))
			}
			if log[0].Authorized != tt.authOK || log[0].AuthHeaderPresent != tt.authSent {
				t.Errorf("Log = %+v, want Authorized %v AuthHeaderPresent %v",
					log[0], tt.authOK, tt.authSent)
			}
		})
	}
}

func TestUnauthorizedPollsDoNotAdvanceTimeline(t *testing.T) {
	srv := StartForTest(t, oneTask("t1",
		Step{Polls: 1, Status: "pending"},
		Step{Status: "completed"},
	), Options{})
	c := newTestClient(t, srv)

	c.do("GET", taskPath("t1"), "Bearer wrong", "")
	if got := decodeTask(t, c.poll("t1")); got.Status != "pending" {
		t.Errorf("status after a 401 = %q, want pending", got.Status)
	}
	if n := srv.Requests("t1"); n != 2 {
		t.Errorf("Requests = %d, want 2", n)
	}
}

func TestNotFound(t *testing.T) {
	srv := StartForTest(t, oneTask("t1", Step{Status: "completed"}), Options{})
	c := newTestClient(t, srv)
	auth := "Bearer " + testToken

	tests := []struct {
		method, path, msg string
	}{
		{"GET", taskPath("t2"), "task not found"},
		{"GET", taskPath("T1"), "task not found"},
		{"GET", "/hub/v1/tasks/t1/extra", "not found"},
		{"GET", "/hub/v1/tasks/", "not found"},
		{"GET", "/hub/v1/image", "not found"},
		{"DELETE", taskPath("t1"), "not found"},
		{"POST", "/hub/v1/speech", "not found"},
		{"GET", "/", "not found"},
	}
	for _, tt := range tests {
		r := c.do(tt.method, tt.path, auth, "")
		if r.code != http.StatusNotFound {
			t.Errorf("%s %s: status = %d, want 404", tt.method, tt.path, r.code)
			continue
		}
		if msg := messageOf(t, r); msg != tt.msg {
			t.Errorf("%s %s: message = %q, want %q", tt.method, tt.path, msg, tt.msg)
		}
	}
	if n := srv.Requests("t2"); n != 1 {
		t.Errorf("Requests(unknown id) = %d, want 1", n)
	}
	if n := srv.TotalRequests(); n != len(tests) {
		t.Errorf("TotalRequests = %d, want %d", n, len(tests))
	}
}

func TestEscapedTaskIDs(t *testing.T) {
	ids := []string{"a b", "x/y", "100%", "q?x=1#f", "ünï", "hub-1234"}
	s := Scenario{Token: testToken}
	for _, id := range ids {
		s.Tasks = append(s.Tasks, Task{ID: id, Steps: []Step{{Status: "processing"}}})
	}
	srv := StartForTest(t, s, Options{})
	c := newTestClient(t, srv)

	for _, id := range ids {
		got := decodeTask(t, c.poll(id))
		if got.TaskID != id {
			t.Errorf("poll %q: task_id = %q", id, got.TaskID)
		}
		if n := srv.Requests(id); n != 1 {
			t.Errorf("Requests(%q) = %d, want 1", id, n)
		}
	}

	log := srv.Log()
	if len(log) != len(ids) {
		t.Fatalf("Log has %d entries, want %d", len(log), len(ids))
	}
	if log[1].TaskID != "x/y" || log[1].Path != "/hub/v1/tasks/x%2Fy" {
		t.Errorf("Log[1] = TaskID %q Path %q, want x/y and the escaped path",
			log[1].TaskID, log[1].Path)
	}
}

func TestBuiltBody(t *testing.T) {
	tests := []struct {
		name string
		task Task
		want string
	}{
		{
			name: "pending has no data or error fields",
			task: Task{ID: "t", Steps: []Step{{Status: "pending", ElapsedMS: Int64(0)}}},
			want: `{"task_id":"t","status":"pending","ready":false,"elapsed_ms":0}`,
		},
		{
			name: "failed with numeric error code echoes model and capability",
			task: Task{ID: "t", Model: "veo-3", Capability: "video", Steps: []Step{{
				Status: "failed", ElapsedMS: Int64(9100),
				ErrorCode: Raw(`500`), ErrorMessage: "upstream failed",
			}}},
			want: `{"task_id":"t","status":"failed","ready":true,"elapsed_ms":9100,` +
				`"model":"veo-3","capability":"video","error_code":500,` +
				`"error_message":"upstream failed"}`,
		},
		{
			name: "string error code and explicit ready",
			task: Task{ID: "t", Steps: []Step{{
				Status: "timeout", Ready: Bool(false), ElapsedMS: Int64(1), ErrorCode: Raw(`"E_TIMEOUT"`),
			}}},
			want: `{"task_id":"t","status":"timeout","ready":false,"elapsed_ms":1,"error_code":"E_TIMEOUT"}`,
		},
		{
			name: "extra replaces built fields and appends sorted",
			task: Task{ID: "t", Steps: []Step{{
				Status: "completed", Data: Raw(`{ "text" : "hi" }`),
				Extra: map[string]json.RawMessage{
					"zeta": Raw(`1`), "elapsed_ms": Raw(`null`), "alpha": Raw(`[true]`),
				},
			}}},
			want: `{"task_id":"t","status":"completed","ready":true,"elapsed_ms":null,` +
				`"data":{"text":"hi"},"alpha":[true],"zeta":1}`,
		},
		{
			name: "verbatim body keeps big numbers",
			task: Task{ID: "t", Steps: []Step{{
				Status: "completed",
				Body:   String(`{"task_id":"t","ready":true,"elapsed_ms":123456789012345678901234567890}`),
			}}},
			want: `{"task_id":"t","ready":true,"elapsed_ms":123456789012345678901234567890}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := StartForTest(t, Scenario{Token: testToken, Tasks: []Task{tt.task}}, Options{})
			c := newTestClient(t, srv)

			r := c.poll("t")
			if r.code != 200 || string(r.body) != tt.want {
				t.Errorf("got %d %s\nwant 200 %s", r.code, r.body, tt.want)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	const target = "http://127.0.0.1:1/hub/v1/tasks/t"
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, r response)
	}{
		{
			name:  "429 with retry-after",
			fault: Fault{Code: 429, RetryAfter: "7", Message: "slow down"},
			check: func(t *testing.T, r response) {
				if r.code != 429 || r.header.Get("Retry-After") != "7" {
					t.Errorf("got %d Retry-After %q, want 429 and 7", r.code, r.header.Get("Retry-After"))
				}
				if msg := messageOf(t, r); msg != "slow down" {
					t.Errorf("message = %q", msg)
				}
			},
		},
		{
			name:  "503 message defaults to status text",
			fault: Fault{Code: 503},
			check: func(t *testing.T, r response) {
				if r.code != 503 || r.header.Get("Retry-After") != "" {
					t.Errorf("got %d Retry-After %q, want 503 and none", r.code, r.header.Get("Retry-After"))
				}
				if msg := messageOf(t, r); msg != "Service Unavailable" {
					t.Errorf("message = %q", msg)
				}
			},
		},
		{
			name:  "html proxy page",
			fault: Fault{HTML: true},
			check: func(t *testing.T, r response) {
				ct := r.header.Get("Content-Type")
				if r.code != 200 || !strings.HasPrefix(ct, "text/html") {
					t.Errorf("got %d %q, want 200 text/html", r.code, ct)
				}
				if !bytes.Contains(r.body, []byte("<title>502 Bad Gateway</title>")) || json.Valid(r.body) {
					t.Errorf("body is not an HTML error page: %s", r.body)
				}
			},
		},
		{
			name:  "html page with its own status",
			fault: Fault{HTML: true, Code: 504, Message: "Gateway <Timeout>"},
			check: func(t *testing.T, r response) {
				if r.code != 504 || !bytes.Contains(r.body, []byte("Gateway &lt;Timeout&gt;")) {
					t.Errorf("got %d %s", r.code, r.body)
				}
			},
		},
		{
			name:  "truncate",
			fault: Fault{Truncate: true},
			check: func(t *testing.T, r response) {
				full := `{"task_id":"t","status":"processing","ready":false,"elapsed_ms":0}`
				if r.code != 200 || string(r.body) != full[:len(full)/2] {
					t.Errorf("got %d %q, want 200 %q", r.code, r.body, full[:len(full)/2])
				}
				if json.Valid(r.body) {
					t.Error("truncated body is valid JSON")
				}
			},
		},
		{
			name:  "huge body",
			fault: Fault{HugeBytes: 3<<20 + 7},
			check: func(t *testing.T, r response) {
				if r.code != 200 || len(r.body) != 3<<20+7 {
					t.Errorf("got %d with %d bytes, want 200 with %d", r.code, len(r.body), 3<<20+7)
				}
				if r.header.Get("Content-Length") != fmt.Sprint(3<<20+7) || !json.Valid(r.body) {
					t.Errorf("Content-Length %q, valid JSON %v",
						r.header.Get("Content-Length"), json.Valid(r.body))
				}
			},
		},
		{
			name:  "huge body smaller than its frame",
			fault: Fault{HugeBytes: 10},
			check: func(t *testing.T, r response) {
				if r.code != 200 || string(r.body) != `{"task_id"` {
					t.Errorf("got %d %q", r.code, r.body)
				}
			},
		},
		{
			name:  "redirect",
			fault: Fault{RedirectTo: target},
			check: func(t *testing.T, r response) {
				if r.code != 302 || r.header.Get("Location") != target {
					t.Errorf("got %d Location %q, want 302 %q", r.code, r.header.Get("Location"), target)
				}
			},
		},
		{
			name:  "content type only",
			fault: Fault{ContentType: "text/plain"},
			check: func(t *testing.T, r response) {
				if r.code != 200 || r.header.Get("Content-Type") != "text/plain" || !json.Valid(r.body) {
					t.Errorf("got %d %q %s", r.code, r.header.Get("Content-Type"), r.body)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fault
			srv := StartForTest(t, oneTask("t",
				Step{Polls: 1, Status: "processing", ElapsedMS: Int64(0), Fault: &f},
				Step{Status: "completed"},
			), Options{})
			c := newTestClient(t, srv)

			tt.check(t, c.poll("t"))

			if got := decodeTask(t, c.poll("t")); got.Status != "completed" {
				t.Errorf("poll after the fault: status %q, want completed", got.Status)
			}
		})
	}
}

func TestResetFault(t *testing.T) {
	s := oneTask("t", Step{Status: "processing", Fault: &Fault{Reset: true}})
	srv := StartForTest(t, s, Options{})
	c := newTestClient(t, srv)

	resp, err := c.try(context.Background(), "GET", taskPath("t"), "Bearer "+testToken, "")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d, want a connection error", resp.StatusCode)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("client error = %v, want ECONNRESET", err)
	}

	if n := srv.Requests("t"); n < 1 {
		t.Errorf("Requests = %d, want at least 1", n)
	}
	for _, r := range srv.Log() {
		if r.Status != 0 {
			t.Errorf("logged status %d for a reset, want 0", r.Status)
		}
	}
}

func TestStallEndsWhenClientCancels(t *testing.T) {
	s := oneTask("t", Step{Status: "processing", Fault: &Fault{Stall: true}})
	srv := StartForTest(t, s, Options{})
	c := newTestClient(t, srv)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp, err := c.try(ctx, "GET", taskPath("t"), "Bearer "+testToken, "")
	if err != nil {
		t.Fatalf("headers did not arrive: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("got %d %q, want 200 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	done := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(resp.Body)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("body read error = %v, want context.Canceled", err)
	}

	// Close waits for the stalled handler, which must notice the client left.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	log := srv.Log()
	if len(log) != 1 || log[0].Status != 200 {
		t.Errorf("Log = %+v, want one request with status 200", log)
	}
}

func TestCloseReleasesStalledHandler(t *testing.T) {
	s := oneTask("t", Step{Status: "processing", Fault: &Fault{Stall: true}})
	srv := StartForTest(t, s, Options{})
	c := newTestClient(t, srv)

	resp, err := c.try(context.Background(), "GET", taskPath("t"), "Bearer "+testToken, "")
	if err != nil {
		t.Fatalf("headers did not arrive: %v", err)
	}
	defer resp.Body.Close()

	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("reading a stalled body after Close succeeded, want an error")
	}
}

func TestDelayFollowsClock(t *testing.T) {
	clock := clockwork.NewFakeClock()
	srv := StartForTest(t, oneTask("t",
		Step{Status: "completed", Fault: &Fault{Delay: Duration(30 * time.Second)}},
	), Options{Clock: clock})
	c := newTestClient(t, srv)

	got := make(chan response, 1)
	go func() { got <- c.poll("t") }()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatalf("handler never waited on the clock: %v", err)
	}
	select {
	case r := <-got:
		t.Fatalf("answer %d came before the clock advanced", r.code)
	default:
	}

	clock.Advance(30 * time.Second)
	if b := decodeTask(t, <-got); b.Status != "completed" {
		t.Errorf("status = %q, want completed", b.Status)
	}
}

func TestRateLimit(t *testing.T) {
	// A poll is an advance of the fake clock, then a request; retry is the
	// Retry-After header expected on a 429.
	type poll struct {
		advance time.Duration
		code    int
		retry   string
	}
	tests := []struct {
		name  string
		rate  float64
		polls []poll
	}{
		{"burst of two, then two per second", 2, []poll{
			{0, 200, ""}, {0, 200, ""}, {0, 429, "1"},
			{500 * time.Millisecond, 200, ""}, {0, 429, "1"},
			{10 * time.Second, 200, ""}, {0, 200, ""}, {0, 429, "1"},
		}},
		{"fractional rate rounds the wait up", 0.4, []poll{
			{0, 200, ""}, {0, 429, "3"},
			{2 * time.Second, 429, "1"},
			{time.Second, 200, ""}, {0, 429, "3"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := clockwork.NewFakeClock()
			s := oneTask("t", Step{Status: "processing"})
			s.RateLimit = tt.rate
			srv := StartForTest(t, s, Options{Clock: clock})
			c := newTestClient(t, srv)

			for i, p := range tt.polls {
				clock.Advance(p.advance)

				r := c.poll("t")
				if r.code != p.code || r.header.Get("Retry-After") != p.retry {
					t.Errorf("poll %d = %d Retry-After %q, want %d %q",
						i, r.code, r.header.Get("Retry-After"), p.code, p.retry)
				}
			}
			if n := srv.Requests("t"); n != len(tt.polls) {
				t.Errorf("Requests = %d, want %d", n, len(tt.polls))
			}
		})
	}
}

func TestRateLimitedPollsDoNotAdvanceTimeline(t *testing.T) {
	clock := clockwork.NewFakeClock()
	s := oneTask("t", Step{Polls: 1, Status: "pending"}, Step{Status: "completed"})
	s.RateLimit = 1
	srv := StartForTest(t, s, Options{Clock: clock})
	c := newTestClient(t, srv)

	if b := decodeTask(t, c.poll("t")); b.Status != "pending" {
		t.Fatalf("first poll status = %q", b.Status)
	}
	if r := c.poll("t"); r.code != 429 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("second poll = %d Retry-After %q, want 429 and 1", r.code, r.header.Get("Retry-After"))
	}
	clock.Advance(time.Second)
	if b := decodeTask(t, c.poll("t")); b.Status != "completed" {
		t.Errorf("third poll status = %q, want completed", b.Status)
	}
	if n := srv.Requests("t"); n != 3 {
		t.Errorf("Requests = %d, want 3", n)
	}
}

func TestRequestLog(t *testing.T) {
	clock := clockwork.NewFakeClock()
	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	srv := StartForTest(t, Scenario{Token: testToken, Tasks: []Task{
		{ID: "a", Steps: []Step{{Status: "pending"}}},
		{ID: "b", Steps: []Step{{Status: "completed"}}},
	}}, Options{Clock: clock, Logf: logf})
	c := newTestClient(t, srv)

	c.poll("a")
	clock.Advance(time.Second)
	c.poll("a")
	c.poll("b")
	c.do("GET", taskPath("a"), "", "")
	c.do("GET", "/elsewhere", "", "")

	got := []int{srv.Requests("a"), srv.Requests("b"), srv.Requests("c")}
	if fmt.Sprint(got) != "[3 1 0]" {
		t.Errorf("Requests(a, b, c) = %v, want [3 1 0]", got)
	}
	if n := srv.TotalRequests(); n != 5 {
		t.Errorf("TotalRequests = %d, want 5", n)
	}

	log := srv.Log()
	if len(log) != 5 {
		t.Fatalf("Log has %d entries, want 5", len(log))
	}
	ok := func(id string) Request {
		return Request{Method: "GET", Path: "/hub/v1/tasks/" + id, TaskID: id, Status: 200,
			Authorized: true, AuthHeaderPresent: true}
	}
	want := []Request{
		ok("a"),
		ok("a"),
		ok("b"),
		{Method: "GET", Path: "/hub/v1/tasks/a", TaskID: "a", Status: 401},
		{Method: "GET", Path: "/elsewhere", Status: 404},
	}
	for i, w := range want {
		got := log[i]
		if got.UserAgent != "fakehub-test/1" {
			t.Errorf("Log[%d].UserAgent = %q", i, got.UserAgent)
		}
		got.Time, got.UserAgent = time.Time{}, ""
		if got != w {
			t.Errorf("Log[%d] = %+v\nwant %+v", i, got, w)
		}
	}
	if d := log[1].Time.Sub(log[0].Time); d != time.Second {
		t.Errorf("Log times differ by %v, want 1s of fake clock", d)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 5 {
		t.Errorf("Logf got %d lines, want 5", len(lines))
	}
	for _, l := range lines {
		if strings.Contains(l, testToken) {
			t.Errorf("log line leaks the token: %q", l)
		}
	}
}

func TestMaxOpenConns(t *testing.T) {
	clock := clockwork.NewFakeClock()
	srv := StartForTest(t, oneTask("t",
		Step{Status: "completed", Fault: &Fault{Delay: Duration(time.Second)}},
	), Options{Clock: clock})
	c := newTestClient(t, srv)

	const n = 3
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Go(func() { codes <- c.poll("t").code })
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, n); err != nil {
		t.Fatalf("%d handlers never waited together: %v", n, err)
	}
	if open := srv.OpenConns(); open != n {
		t.Errorf("OpenConns = %d with %d requests in flight, want %d", open, n, n)
	}

	clock.Advance(time.Second)
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != 200 {
			t.Errorf("status = %d, want 200", code)
		}
	}
	if got := srv.MaxOpenConns(); got != n {
		t.Errorf("MaxOpenConns = %d, want %d", got, n)
	}
}

func TestSubmit(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC))
	srv := StartForTest(t, Scenario{Token: testToken, Tasks: []Task{{
		ID: "tpl", Capability: "image",
		Steps: []Step{{Polls: 1, Status: "processing"}, {Status: "failed", ErrorCode: Raw(`1`)}},
	}}}, Options{Clock: clock})
	c := newTestClient(t, srv)
	auth := "Bearer " + testToken

	clock.Advance(1500 * time.Millisecond)
	r := c.do("POST", "/hub/v1/video", auth, `{"model":"veo-3.1-fast","input":{"prompt":"a cat"}}`)
	want := `{"task_id":"hub-00000000-0000-4000-8000-000000000001","status":"pending",` +
		`"capability":"video","model":"veo-3.1-fast","vendor":"Google","mode":"text-to-video",` +
		`"created_at":"2026-05-18T09:00:01.500Z"}`
	if r.code != 200 || string(r.body) != want {
		t.Fatalf("submit = %d %s\nwant 200 %s", r.code, r.body, want)
	}

	id := "hub-00000000-0000-4000-8000-000000000001"
	if b := decodeTask(t, c.poll(id)); b.Status != "pending" {
		t.Errorf("new video task status = %q, want pending", b.Status)
	}
	clock.Advance(3 * time.Second)
	b := decodeTask(t, c.poll(id))
	var data struct{ Video struct{ URL string } }
	json.Unmarshal(b.Data, &data)
	if b.Status != "completed" || !strings.HasPrefix(data.Video.URL, "https://") {
		t.Errorf("video task after 3s = %q with data %s, want completed with video.url", b.Status, b.Data)
	}

	r = c.do("POST", "/hub/v1/image", auth, `{"model":"nano-banana-edit","input":{}}`)
	var sub struct {
		TaskID string `json:"task_id"`
		Mode   string `json:"mode"`
	}
	json.Unmarshal(r.body, &sub)
	if sub.TaskID != "hub-00000000-0000-4000-8000-000000000002" || sub.Mode != "image-to-image" {
		t.Errorf("image submit = %s", r.body)
	}
	decodeTask(t, c.poll(sub.TaskID))
	if b := decodeTask(t, c.poll(sub.TaskID)); b.Status != "failed" {
		t.Errorf("image task follows template: second poll status %q, want failed", b.Status)
	}

	errs := []struct {
		path, auth, body string
		code             int
	}{
		{"/hub/v1/video", "", `{"model":"m","input":{}}`, 401},
		{"/hub/v1/video", auth, `{"input":{}}`, 400},
		{"/hub/v1/video", auth, `{"model":"m","input":"x"}`, 400},
		{"/hub/v1/video", auth, `{"model":`, 400},
		{"/hub/v1/tasks", auth, `{"model":"m","input":{}}`, 404},
	}
	for _, e := range errs {
		if r := c.do("POST", e.path, e.auth, e.body); r.code != e.code {
			t.Errorf("POST %s %s = %d, want %d", e.path, e.body, r.code, e.code)
		}
	}
}

func TestAddTask(t *testing.T) {
	clock := clockwork.NewFakeClock()
	srv := StartForTest(t, Scenario{Token: testToken}, Options{Clock: clock})
	c := newTestClient(t, srv)

	clock.Advance(time.Minute)
	late := Task{ID: "late", Steps: []Step{
		{For: Duration(2 * time.Second), Status: "pending"},
		{Status: "completed"},
	}}
	if err := srv.AddTask(late); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddTask(late); err == nil {
		t.Error("AddTask accepted a duplicate id")
	}
	if err := srv.AddTask(Task{ID: "empty"}); err == nil {
		t.Error("AddTask accepted a task without steps")
	}

	if b := decodeTask(t, c.poll("late")); b.Status != "pending" || *b.ElapsedMS != 0 {
		t.Errorf("task added at runtime = %+v, want pending with its own clock", b)
	}
	clock.Advance(2 * time.Second)
	if b := decodeTask(t, c.poll("late")); b.Status != "completed" {
		t.Errorf("status = %q, want completed", b.Status)
	}
}

func TestNewRejectsInvalidScenarios(t *testing.T) {
	done := Step{Status: "completed"}
	second := Duration(time.Second)
	task := func(steps ...Step) Scenario { return oneTask("a", steps...) }
	fault := func(f Fault) Scenario { return task(Step{Fault: &f}) }

	tests := []struct {
		name string
		s    Scenario
		want string
	}{
		{"no steps", Scenario{Tasks: []Task{{ID: "a"}}}, "no steps"},
		{"empty id", Scenario{Tasks: []Task{{Steps: []Step{done}}}}, "empty id"},
		{"duplicate id", Scenario{Tasks: []Task{
			{ID: "a", Steps: []Step{done}},
			{ID: "a", Steps: []Step{done}},
		}}, "duplicate"},
		{"negative rate", Scenario{RateLimit: -1}, "rate_limit"},
		{"mixed kinds", task(
			Step{Polls: 1, Status: "p"}, Step{For: second, Status: "p"}, done,
		), "mixes"},
		{"polls and for", task(Step{Polls: 1, For: second, Status: "p"}, done), "both"},
		{"unreachable step", task(Step{Status: "p"}, done), "never reached"},
		{"empty status", task(Step{}), "status is empty"},
		{"bad data", task(Step{Status: "completed", Data: Raw("{")}), "data"},
		{"bad extra", task(Step{
			Status: "completed", Extra: map[string]json.RawMessage{"x": Raw("nope")},
		}), "extra"},
		{"empty fault", task(Step{Status: "p", Fault: &Fault{}}), "sets nothing"},
		{"two fault kinds", fault(Fault{Reset: true, Stall: true}), "more than one"},
		{"code out of range", fault(Fault{Code: 99}), "outside"},
		{"retry-after without code", fault(Fault{Stall: true, RetryAfter: "1"}), "retry_after"},
		{"relative redirect", fault(Fault{RedirectTo: "/elsewhere"}), "absolute"},
		{"content type with reset", fault(Fault{Reset: true, ContentType: "text/plain"}), "content_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.s, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNewRefusesNonLoopbackAddresses(t *testing.T) {
	tests := []struct {
		addr, want string
	}{
		{":0", "not a loopback"},
		{"0.0.0.0:0", "not a loopback"},
		{"[::]:0", "not a loopback"},
		{"192.0.2.1:80", "not a loopback"},
		{"example.com:80", "not a loopback"},
		{"127.0.0.1", "invalid address"},
	}
	for _, tt := range tests {
		_, err := New(Scenario{}, Options{Addr: tt.addr})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New with Addr %q: error = %v, want it to contain %q", tt.addr, err, tt.want)
		}
	}
}

func TestLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0", "127.0.0.2:0"} {
		t.Run(addr, func(t *testing.T) {
			srv, err := New(Scenario{}, Options{Addr: addr})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer srv.Close()

			if err := srv.Start(); err != nil {
				t.Skipf("this host cannot listen on %s: %v", addr, err)
			}
			u, err := url.Parse(srv.URL())
			if err != nil || u.Scheme != "http" || u.Port() == "" || u.Port() == "0" {
				t.Errorf("URL = %q, want http://host:port", srv.URL())
			}
			if err := srv.Start(); err == nil {
				t.Error("second Start succeeded")
			}
		})
	}
}

func TestRedirectToSecondServer(t *testing.T) {
	second, err := New(oneTask("t", Step{Status: "completed"}), Options{Addr: "127.0.0.2:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(); err != nil {
		t.Skipf("this host cannot listen on 127.0.0.2: %v", err)
	}
	defer second.Close()

	first := StartForTest(t, oneTask("t",
		Step{Status: "processing", Fault: &Fault{RedirectTo: second.URL() + taskPath("t")}},
	), Options{})
	c := newTestClient(t, first)
	c.http.CheckRedirect = nil

	r := c.do("GET", taskPath("t"), "Bearer "+testToken, "")
	if r.code != 401 {
		t.Errorf("status = %d, want 401 from the second server", r.code)
	}
	log := second.Log()
	if len(log) != 1 || log[0].AuthHeaderPresent {
		t.Errorf("second server log = %+v, want one request without Authorization", log)
	}
}

func TestCloseBeforeStart(t *testing.T) {
	srv, err := New(Scenario{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if srv.URL() != "" {
		t.Errorf("URL before Start = %q, want empty", srv.URL())
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := srv.Start(); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func TestLoadScenario(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	good := write("good.json", `{
	  "token": "tok",
	  "rate_limit": 5,
	  "tasks": [
	    {"id": "t1", "model": "nano-banana", "capability": "image", "steps": [
	      {"for": "1.5s", "status": "pending"},
	      {"for": "250ms", "status": "processing", "fault": {"code": 503, "retry_after": "2"}},
	      {"status": "completed", "data": {"images": [{"url": "https://x.example/1.png"}]}}
	    ]},
	    {"id": "t2", "steps": [
	      {"polls": 2, "status": "processing", "extra": {"progress": 0.5}},
	      {"polls": 1, "fault": {"delay": "2s", "stall": true}},
	      {"status": "failed", "ready": true, "error_code": 42, "error_message": "boom"}
	    ]}
	  ]
	}`)
	s, err := LoadScenario(good)
	if err != nil {
		t.Fatalf("LoadScenario: %v", err)
	}
	if s.Token != "tok" || s.RateLimit != 5 || len(s.Tasks) != 2 {
		t.Fatalf("scenario = %+v", s)
	}
	if d := time.Duration(s.Tasks[0].Steps[0].For); d != 1500*time.Millisecond {
		t.Errorf("for = %v, want 1.5s", d)
	}
	f := s.Tasks[1].Steps[1].Fault
	if f == nil || !f.Stall || time.Duration(f.Delay) != 2*time.Second {
		t.Errorf("fault = %+v", f)
	}
	if string(s.Tasks[1].Steps[2].ErrorCode) != "42" {
		t.Errorf("error_code = %s", s.Tasks[1].Steps[2].ErrorCode)
	}

	bad := []struct{ name, content, want string }{
		{"unknown field", `{"tasks": [{"id": "t", "stpes": []}]}`, "stpes"},
		{"numeric duration", `{"tasks": [{"id": "t", "steps": [{"for": 5, "status": "p"}, {"status": "completed"}]}]}`, "duration"},
		{"bad duration", `{"tasks": [{"id": "t", "steps": [{"for": "5 parsecs", "status": "p"}, {"status": "completed"}]}]}`, "duration"},
		{"invalid scenario", `{"tasks": [{"id": "t", "steps": []}]}`, "no steps"},
		{"trailing data", `{} {}`, "after the top-level value"},
	}
	for _, b := range bad {
		_, err := LoadScenario(write(b.name+".json", b.content))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error = %v, want it to contain %q", b.name, err, b.want)
		}
	}
	if _, err := LoadScenario(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error = %v, want os.ErrNotExist", err)
	}
}

func TestDurationRoundTrip(t *testing.T) {
	b, err := json.Marshal(Step{For: Duration(1500 * time.Millisecond), Status: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"for":"1.5s"`)) {
		t.Errorf("encoded step = %s, want for as \"1.5s\"", b)
	}

	var st Step
	if err := json.Unmarshal(b, &st); err != nil || time.Duration(st.For) != 1500*time.Millisecond {
		t.Errorf("decoded for = %v, %v", time.Duration(st.For), err)
	}
}

func TestDemoScenario(t *testing.T) {
	clock := clockwork.NewFakeClock()
	srv := StartForTest(t, DemoScenario(), Options{Clock: clock})
	c := newTestClient(t, srv)
	c.token = "demo-token"

	tests := []struct {
		at           time.Duration
		image, video string
	}{
		{0, "pending", "pending"},
		{time.Second, "processing", "pending"},
		{2 * time.Second, "processing", "processing"},
		{4 * time.Second, "completed", "processing"},
		{9 * time.Second, "completed", "completed"},
	}
	var elapsed time.Duration
	for _, tt := range tests {
		clock.Advance(tt.at - elapsed)
		elapsed = tt.at

		img := decodeTask(t, c.poll("hub-demo-image-0001"))
		vid := decodeTask(t, c.poll("hub-demo-video-0002"))
		if img.Status != tt.image || vid.Status != tt.video {
			t.Errorf("at %v: image %q video %q, want %q %q",
				tt.at, img.Status, vid.Status, tt.image, tt.video)
		}
	}

	img := decodeTask(t, c.poll("hub-demo-image-0001"))
	var data struct {
		Images []struct{ URL string }
	}
	if err := json.Unmarshal(img.Data, &data); err != nil || len(data.Images) == 0 ||
		!strings.HasPrefix(data.Images[0].URL, "https://") {
		t.Errorf("image data = %s, want images[0].url as an https URL", img.Data)
	}
}

// TestFaultDelayEndsOnClose checks that a handler waiting on a fake clock
// that never advances does not keep Close from returning.
func TestFaultDelayEndsOnClose(t *testing.T) {
	clock := clockwork.NewFakeClock()
	srv, err := New(oneTask("t", Step{Status: "completed", Fault: &Fault{Delay: Duration(time.Hour)}}),
		Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, srv)

	errc := make(chan error, 1)
	go func() {
		resp, err := c.try(context.Background(), "GET", taskPath("t"), "Bearer "+testToken, "")
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("got status %d", resp.StatusCode)
		}
		errc <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Error("delayed request answered after Close")
	}
}

// A poll-driven task answers pending twice, then completed, whatever the
// time between polls.
func Example() {
	srv, err := New(Scenario{
		Token: "tok",
		Tasks: []Task{{
			ID: "hub-1",
			Steps: []Step{
				{Polls: 2, Status: "pending", ElapsedMS: Int64(0)},
				{Status: "completed", ElapsedMS: Int64(4200), Data: Raw(`{"text":"hi"}`)},
			},
		}},
	}, Options{})
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	for range 3 {
		req, _ := http.NewRequest("GET", srv.URL()+"/hub/v1/tasks/hub-1", nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	fmt.Println(srv.Requests("hub-1"), "polls")

	// Output:
	// 200 {"task_id":"hub-1","status":"pending","ready":false,"elapsed_ms":0}
	// 200 {"task_id":"hub-1","status":"pending","ready":false,"elapsed_ms":0}
	// 200 {"task_id":"hub-1","status":"completed","ready":true,"elapsed_ms":4200,"data":{"text":"hi"}}
	// 3 polls
}
