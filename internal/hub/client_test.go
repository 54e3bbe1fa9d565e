package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// testToken is distinctive enough that finding it in any text means it
// leaked there.
const testToken = "tok-S3CRET-8c1f0e"

// stubResponse is one canned answer of a stub server.
type stubResponse struct {
	status int
	header map[string]string
	body   string

	// serve, when set, answers instead of the fields above.
	serve func(w http.ResponseWriter, r *http.Request)
}

// stub is a Hub stand-in that answers its n-th request with its n-th
// response (the last one repeats) and records every request.
type stub struct {
	srv   *httptest.Server
	clock *clockwork.FakeClock
	start time.Time

	mu       sync.Mutex
	requests []*http.Request
	at       []time.Duration // fake time since start when each request came
}

func newStub(t *testing.T, clock *clockwork.FakeClock, responses ...stubResponse) *stub {
	t.Helper()

	s := &stub{clock: clock, start: clock.Now()}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, r.Clone(context.Background()))
		s.at = append(s.at, s.clock.Since(s.start))
		s.mu.Unlock()

		resp := responses[min(n, len(responses)-1)]
		if resp.serve != nil {
			resp.serve(w, r)
			return
		}
		for k, v := range resp.header {
			w.Header()[k] = []string{v}
		}
		w.WriteHeader(resp.status)
		fmt.Fprint(w, resp.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stub) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *stub) times() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.at...)
}

func (s *stub) request(i int) *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[i]
}

// newTestClient returns a client of baseURL with a fake clock and a
// back-off without jitter: waits of 1s, 2s, 4s, … up to a minute.
func newTestClient(t *testing.T, baseURL string, clock clockwork.Clock, edit func(*Options)) *Client {
	t.Helper()

	httpClient := NewHTTPClient(10*time.Second, 0)
	t.Cleanup(httpClient.CloseIdleConnections)
	opts := Options{
		BaseURL:   baseURL,
		Token:     testToken,
		UserAgent: "hubctl/test",
		HTTP:      httpClient,
		Clock:     clock,
		Backoff:   Backoff{Base: time.Second, Cap: time.Minute},
	}
	if edit != nil {
		edit(&opts)
	}

	c, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func newFakeClock() *clockwork.FakeClock {
	return clockwork.NewFakeClockAt(retryNow)
}

const pendingBody = `{"task_id":"hub-1","status":"pending","ready":false}`

var (
	jsonHeader = map[string]string{"Content-Type": "application/json"}
	htmlHeader = map[string]string{"Content-Type": "text/html"}
	textHeader = map[string]string{"Content-Type": "text/plain"}
)

func TestFetchSendsAuthAgentAndEscapedPath(t *testing.T) {
	tests := []struct {
		name        string
		base        string // appended to the server's URL
		id          string
		wantEscaped string
		wantRaw     string // r.URL.RawPath: set only when the default escaping differs
		wantPath    string
	}{
		{"hub id", "", "hub-0b7c5d2e",
			"/hub/v1/tasks/hub-0b7c5d2e", "", "/hub/v1/tasks/hub-0b7c5d2e"},
		{"colon and at sign", "", "a:b@c",
			"/hub/v1/tasks/a:b@c", "", "/hub/v1/tasks/a:b@c"},
		{"non-ASCII letter", "", "ü",
			"/hub/v1/tasks/%C3%BC", "", "/hub/v1/tasks/ü"},
		{"semicolon and comma", "", "a;b,c",
			"/hub/v1/tasks/a%3Bb%2Cc", "/hub/v1/tasks/a%3Bb%2Cc", "/hub/v1/tasks/a;b,c"},
		{"plus, equals, ampersand", "", "a+b=c&d",
			"/hub/v1/tasks/a+b=c&d", "", "/hub/v1/tasks/a+b=c&d"},
		{"base with path and slash", "/proxy/", "x",
			"/proxy/hub/v1/tasks/x", "", "/proxy/hub/v1/tasks/x"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			s := newStub(t, fc, stubResponse{status: 200, header: jsonHeader,
				body: `{"status":"processing","ready":false}`})
			c := newTestClient(t, s.srv.URL+tt.base, fc, nil)

			task, err := c.Fetch(context.Background(), tt.id)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if task.ID != tt.id || task.Status != "processing" {
				t.Errorf("task = %q %q, want the asked id %q and status processing",
					task.ID, task.Status, tt.id)
			}

			if n := s.count(); n != 1 {
				t.Fatalf("server got %d requests, want 1", n)
			}
			r := s.request(0)
			checks := []struct{ what, got, want string }{
				{"method", r.Method, http.MethodGet},
				{"Authorization", r.Header.Get("Authorization"), "Bearer " + testToken},
				{"User-Agent", r.Header.Get("User-Agent"), "hubctl/test"},
				{"Accept", r.Header.Get("Accept"), "application/json"},
				{"escaped path", r.URL.EscapedPath(), tt.wantEscaped},
				{"raw path", r.URL.RawPath, tt.wantRaw},
				{"path", r.URL.Path, tt.wantPath},
				{"query", r.URL.RawQuery, ""},
			}
			for _, ch := range checks {
				if ch.got != ch.want {
					t.Errorf("%s = %q, want %q", ch.what, ch.got, ch.want)
				}
			}
		})
	}
}

func TestFetchRefusesInvalidIDWithoutARequest(t *testing.T) {
	fc := newFakeClock()
	s := newStub(t, fc, stubResponse{status: 200, body: pendingBody})
	c := newTestClient(t, s.srv.URL, fc, nil)

	for _, id := range []string{"", "..", "a/b", "a?b", "a#b", "a%2Fb"} {
		_, err := c.Fetch(context.Background(), id)
		if !errors.Is(err, ErrInvalidID) {
			t.Errorf("Fetch(%q) error = %v, want ErrInvalidID", id, err)
		}
	}
	if n := s.count(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestFetchStatusErrors(t *testing.T) {
	tests := []struct {
		name          string
		resp          stubResponse
		wantCode      int
		wantMessage   string
		wantError     string
		wantTransient bool
		wantRetry     time.Duration
		wantHasRetry  bool
	}{
		{
			name:        "404 message",
			resp:        stubResponse{status: 404, header: jsonHeader, body: `{"message":"task not found"}`},
			wantCode:    404,
			wantMessage: "task not found",
			wantError:   "HTTP 404 Not Found: task not found",
		},
		{
			name: "404 nested error message",
			resp: stubResponse{status: 404, header: jsonHeader,
				body: `{"error":{"code":404,"message":"no such task"}}`},
			wantCode:    404,
			wantMessage: "no such task",
			wantError:   "HTTP 404 Not Found: no such task",
		},
		{
			name:        "404 error_message",
			resp:        stubResponse{status: 404, header: jsonHeader, body: `{"error_message":"task expired"}`},
			wantCode:    404,
			wantMessage: "task expired",
			wantError:   "HTTP 404 Not Found: task expired",
		},
		{
			name:        "404 error string",
			resp:        stubResponse{status: 404, header: jsonHeader, body: `{"error":"not_found"}`},
			wantCode:    404,
			wantMessage: "not_found",
			wantError:   "HTTP 404 Not Found: not_found",
		},
		{
			name:        "404 msg",
			resp:        stubResponse{status: 404, header: jsonHeader, body: `{"code":1,"msg":"missing"}`},
			wantCode:    404,
			wantMessage: "missing",
			wantError:   "HTTP 404 Not Found: missing",
		},
		{
			name: "404 message wins over error",
			resp: stubResponse{status: 404, header: jsonHeader,
				body: `{"error":"not_found","message":"task hub-1 not found"}`},
			wantCode:    404,
			wantMessage: "task hub-1 not found",
			wantError:   "HTTP 404 Not Found: task hub-1 not found",
		},
		{
			name: "404 plain text is quoted",
			resp: stubResponse{status: 404, header: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
				body: "no such task\n"},
			wantCode:    404,
			wantMessage: `"no such task\n"`,
			wantError:   `HTTP 404 Not Found: "no such task\n"`,
		},
		{
			name: "404 html has no message",
			resp: stubResponse{status: 404, header: htmlHeader,
				body: "<html><body>Not Found</body></html>"},
			wantCode:  404,
			wantError: "HTTP 404 Not Found",
		},
		{
			name:      "404 empty body",
			resp:      stubResponse{status: 404},
			wantCode:  404,
			wantError: "HTTP 404 Not Found",
		},
		{
			name: "long message is cut",
			resp: stubResponse{status: 400, header: jsonHeader,
				body: `{"message":"` + strings.Repeat("x", 400) + `"}`},
			wantCode:    400,
			wantMessage: strings.Repeat("x", 300) + "…",
			wantError:   "HTTP 400 Bad Request: " + strings.Repeat("x", 300) + "…",
		},
		{
			name: "long message is cut between runes",
			resp: stubResponse{status: 400, header: jsonHeader,
				body: `{"message":"a` + strings.Repeat("ü", 200) + `"}`},
			wantCode:    400,
			wantMessage: "a" + strings.Repeat("ü", 149) + "…",
			wantError:   "HTTP 400 Bad Request: a" + strings.Repeat("ü", 149) + "…",
		},
		{
			name: "401",
			resp: stubResponse{status: 401, header: jsonHeader,
				body: `{"message":"Unauthorized - Invalid API key"}`},
			wantCode:    401,
			wantMessage: "Unauthorized - Invalid API key",
			wantError:   "HTTP 401 Unauthorized: Unauthorized - Invalid API key",
		},
		{
			name: "429 retry-after seconds",
			resp: stubResponse{status: 429, header: map[string]string{"Retry-After": "7"},
				body: `{"message":"slow down"}`},
			wantCode:      429,
			wantMessage:   "slow down",
			wantError:     "HTTP 429 Too Many Requests: slow down",
			wantTransient: true,
			wantRetry:     7 * time.Second,
			wantHasRetry:  true,
		},
		{
			name: "429 retry-after date",
			resp: stubResponse{status: 429,
				header: map[string]string{"Retry-After": "Mon, 18 May 2026 09:01:30 GMT"}},
			wantCode:      429,
			wantError:     "HTTP 429 Too Many Requests",
			wantTransient: true,
			wantRetry:     90 * time.Second,
			wantHasRetry:  true,
		},
		{
			name:          "429 retry-after garbage",
			resp:          stubResponse{status: 429, header: map[string]string{"Retry-After": "later"}},
			wantCode:      429,
			wantError:     "HTTP 429 Too Many Requests",
			wantTransient: true,
		},
		{
			name:          "408",
			resp:          stubResponse{status: 408},
			wantCode:      408,
			wantError:     "HTTP 408 Request Timeout",
			wantTransient: true,
		},
		{
			name:          "500",
			resp:          stubResponse{status: 500, header: jsonHeader, body: `{"message":"boom"}`},
			wantCode:      500,
			wantMessage:   "boom",
			wantError:     "HTTP 500 Internal Server Error: boom",
			wantTransient: true,
		},
		{
			name:          "502",
			resp:          stubResponse{status: 502, header: htmlHeader, body: "<h1>502</h1>"},
			wantCode:      502,
			wantError:     "HTTP 502 Bad Gateway",
			wantTransient: true,
		},
		{
			name:          "503 with retry-after",
			resp:          stubResponse{status: 503, header: map[string]string{"Retry-After": "0"}},
			wantCode:      503,
			wantError:     "HTTP 503 Service Unavailable",
			wantTransient: true,
			wantRetry:     0,
			wantHasRetry:  true,
		},
		{
			name:          "504",
			resp:          stubResponse{status: 504},
			wantCode:      504,
			wantError:     "HTTP 504 Gateway Timeout",
			wantTransient: true,
		},
		{
			name:        "400",
			resp:        stubResponse{status: 400, header: jsonHeader, body: `{"message":"bad id"}`},
			wantCode:    400,
			wantMessage: "bad id",
			wantError:   "HTTP 400 Bad Request: bad id",
		},
		{
			name:      "403",
			resp:      stubResponse{status: 403},
			wantCode:  403,
			wantError: "HTTP 403 Forbidden",
		},
		{
			name:      "unnamed status",
			resp:      stubResponse{status: 599},
			wantCode:  599,
			wantError: "HTTP 599",
		},
		{
			name:      "3xx is not followed into success",
			resp:      stubResponse{status: 304},
			wantCode:  304,
			wantError: "HTTP 304 Not Modified",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			s := newStub(t, fc, tt.resp)
			c := newTestClient(t, s.srv.URL, fc, nil)

			task, err := c.Fetch(context.Background(), "hub-1")
			if task != nil {
				t.Errorf("task = %+v, want nil", task)
			}
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error = %T %v, want *StatusError", err, err)
			}
			if se.Code != tt.wantCode || se.Message != tt.wantMessage {
				t.Errorf("StatusError code %d message %q, want %d %q",
					se.Code, se.Message, tt.wantCode, tt.wantMessage)
			}
			if se.HasRetryAfter != tt.wantHasRetry || se.RetryAfter != tt.wantRetry {
				t.Errorf("Retry-After = %v (has %v), want %v (has %v)",
					se.RetryAfter, se.HasRetryAfter, tt.wantRetry, tt.wantHasRetry)
			}
			if got := err.Error(); got != tt.wantError {
				t.Errorf("Error() = %q, want %q", got, tt.wantError)
			}
			if got := IsTransient(err); got != tt.wantTransient {
				t.Errorf("IsTransient = %v, want %v", got, tt.wantTransient)
			}
			if n := s.count(); n != 1 {
				t.Errorf("server got %d requests, want 1", n)
			}
		})
	}
}

func TestFetchBadAnswer(t *testing.T) {
	tests := []struct {
		name      string
		resp      stubResponse
		wantType  string
		wantSnip  string
		wantError string
	}{
		{
			name: "html error page",
			resp: stubResponse{status: 200, header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
				body: "<html>\n<body>Bad\tGateway\x1b[31m</body></html>"},
			wantType: "text/html; charset=utf-8",
			wantSnip: `"<html>\n<body>Bad\tGateway\x1b[31m</body></html>"`,
			wantError: "unusable answer (text/html; charset=utf-8): answer is not a task object: got markup; " +
				`body starts "<html>\n<body>Bad\tGateway\x1b[31m</body></html>"`,
		},
		{
			name:     "json array without content type",
			resp:     stubResponse{status: 200, header: map[string]string{"Content-Type": ""}, body: `[1,2]`},
			wantType: "",
			wantSnip: `"[1,2]"`,
			wantError: "unusable answer (no content type): answer is not a task object: got a JSON array; " +
				`body starts "[1,2]"`,
		},
		{
			name:     "long body is cut",
			resp:     stubResponse{status: 200, header: jsonHeader, body: strings.Repeat("<", 250)},
			wantType: "application/json",
			wantSnip: `"` + strings.Repeat("<", 200) + `"…`,
			wantError: "unusable answer (application/json): answer is not a task object: got markup; " +
				`body starts "` + strings.Repeat("<", 200) + `"…`,
		},
		{
			name:     "object that is not a task",
			resp:     stubResponse{status: 201, header: jsonHeader, body: `{"ok":true}`},
			wantType: "application/json",
			wantSnip: `"{\"ok\":true}"`,
			wantError: "unusable answer (application/json): answer is not a task object: " +
				`no status or ready field; body starts "{\"ok\":true}"`,
		},
		{
			name:     "invalid UTF-8",
			resp:     stubResponse{status: 200, header: textHeader, body: "\xff\xfe"},
			wantType: "text/plain",
			wantSnip: `"\xff\xfe"`,
			wantError: "unusable answer (text/plain): answer is not a task object: not JSON; " +
				`body starts "\xff\xfe"`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			s := newStub(t, fc, tt.resp)
			c := newTestClient(t, s.srv.URL, fc, nil)

			_, err := c.Fetch(context.Background(), "hub-1")
			var be *BadAnswerError
			if !errors.As(err, &be) {
				t.Fatalf("error = %T %v, want *BadAnswerError", err, err)
			}
			if be.ContentType != tt.wantType || be.Snippet != tt.wantSnip {
				t.Errorf("content type %q snippet %s, want %q %s",
					be.ContentType, be.Snippet, tt.wantType, tt.wantSnip)
			}
			if !errors.Is(err, ErrNotTask) {
				t.Errorf("error %v does not wrap ErrNotTask", err)
			}
			if got := err.Error(); got != tt.wantError {
				t.Errorf("Error() =\n%q\nwant\n%q", got, tt.wantError)
			}
			if !IsTransient(err) {
				t.Errorf("IsTransient(%v) = false, want true", err)
			}
		})
	}
}

func TestFetchBodySizeLimit(t *testing.T) {
	// exact is a task body of exactly 1024 bytes.
	exact := pendingBody + strings.Repeat(" ", 1024-len(pendingBody))

	tests := []struct {
		name    string
		resp    stubResponse
		wantErr bool
	}{
		{
			name:    "declared length over the limit",
			resp:    stubResponse{status: 200, header: jsonHeader, body: strings.Repeat("x", 2000)},
			wantErr: true,
		},
		{
			name: "chunked body over the limit",
			resp: stubResponse{serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				chunk := strings.Repeat("x", 500)
				for range 4 {
					fmt.Fprint(w, chunk)
					w.(http.Flusher).Flush()
				}
			}},
			wantErr: true,
		},
		{
			name:    "error status over the limit",
			resp:    stubResponse{status: 500, body: strings.Repeat("x", 2000)},
			wantErr: true,
		},
		{
			name: "exactly the limit",
			resp: stubResponse{status: 200, header: jsonHeader, body: exact},
		},
		{
			name: "exactly the limit, chunked",
			resp: stubResponse{serve: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, exact[:512])
				w.(http.Flusher).Flush()
				fmt.Fprint(w, exact[512:])
			}},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			s := newStub(t, fc, tt.resp)
			c := newTestClient(t, s.srv.URL, fc, func(o *Options) { o.MaxBody = 1024 })

			task, err := c.Fetch(context.Background(), "hub-1")
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if task.Status != "pending" || len(task.Raw) != 1024 {
					t.Errorf("task status %q with %d raw bytes, want pending with 1024",
						task.Status, len(task.Raw))
				}
				return
			}

			var tl *TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("error = %T %v, want *TooLargeError", err, err)
			}
			if tl.Limit != 1024 {
				t.Errorf("Limit = %d, want 1024", tl.Limit)
			}
			if want := "answer body larger than the 1024-byte limit"; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if IsTransient(err) {
				t.Errorf("IsTransient(%v) = true, want false", err)
			}
		})
	}
}

func TestFetchTransportErrors(t *testing.T) {
	t.Run("connection closed mid-body", func(t *testing.T) {
		fc := newFakeClock()
		s := newStub(t, fc, stubResponse{serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			fmt.Fprint(w, `{"task_id":"hub-1",`)
			w.(http.Flusher).Flush()

			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close()
		}})
		c := newTestClient(t, s.srv.URL, fc, nil)

		_, err := c.Fetch(context.Background(), "hub-1")
		var te *TransportError
		if !errors.As(err, &te) {
			t.Fatalf("error = %T %v, want *TransportError", err, err)
		}
		if want := "reading answer: unexpected EOF"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		if !IsTransient(err) {
			t.Errorf("IsTransient = false, want true")
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		base := srv.URL
		srv.Close()
		c := newTestClient(t, base, newFakeClock(), nil)

		_, err := c.Fetch(context.Background(), "hub-1")
		var te *TransportError
		if !errors.As(err, &te) {
			t.Fatalf("error = %T %v, want *TransportError", err, err)
		}
		if !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("Error() = %q, want it to say connection refused", err.Error())
		}
		if strings.Contains(err.Error(), "/hub/v1/tasks") {
			t.Errorf("Error() = %q, want the request URL stripped", err.Error())
		}
		if !IsTransient(err) {
			t.Errorf("IsTransient = false, want true")
		}
	})

	t.Run("https to a plain HTTP server is not retried", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		c := newTestClient(t, strings.Replace(srv.URL, "http:", "https:", 1), newFakeClock(), nil)

		_, err := c.Fetch(context.Background(), "hub-1")
		var te *TransportError
		if !errors.As(err, &te) || !te.Misconfigured() {
			t.Fatalf("error = %T %v, want a misconfigured *TransportError", err, err)
		}
		if IsTransient(err) {
			t.Errorf("IsTransient = true, want false: the next attempt fails the same way")
		}
	})

	t.Run("a certificate not valid for the address is not retried", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.NotFoundHandler())
		defer srv.Close()
		c := newTestClient(t, srv.URL, newFakeClock(), nil)

		_, err := c.Fetch(context.Background(), "hub-1")
		var te *TransportError
		if !errors.As(err, &te) || !te.Misconfigured() {
			t.Fatalf("error = %T %v, want a misconfigured *TransportError", err, err)
		}
		if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("Error() = %q, want it to name the certificate", err.Error())
		}
		if IsTransient(err) {
			t.Errorf("IsTransient = true, want false")
		}
	})

	t.Run("cancelled context is not a transport error", func(t *testing.T) {
		fc := newFakeClock()
		s := newStub(t, fc, stubResponse{status: 200, body: pendingBody})
		c := newTestClient(t, s.srv.URL, fc, nil)

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Fetch(ctx, "hub-1")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want context.Canceled", err)
		}
		var te *TransportError
		if errors.As(err, &te) {
			t.Errorf("error = %T, want the context's error itself", err)
		}
		if IsTransient(err) {
			t.Errorf("IsTransient = true, want false")
		}
		if n := s.count(); n != 0 {
			t.Errorf("server got %d requests, want 0", n)
		}
	})
}

type getResult struct {
	task *Task
	err  error
}

// runGet calls c.Get in a goroutine and advances fc by step whenever Get is
// waiting on it, until Get returns. The clock moves only while Get sleeps,
// so the times the stub records are exactly the waits Get chose.
func runGet(t *testing.T, c *Client, fc *clockwork.FakeClock, step time.Duration) getResult {
	t.Helper()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan getResult, 1)
	go func() {
		task, err := c.Get(ctx, "hub-1")
		done <- getResult{task, err}
	}()

	// watchdog bounds the test if Get never returns; it times nothing.
	watchdog, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	for {
		blockCtx, unblock := context.WithCancel(watchdog)
		blocked := make(chan error, 1)
		go func() { blocked <- fc.BlockUntilContext(blockCtx, 1) }()

		select {
		case r := <-done:
			unblock()
			return r
		case err := <-blocked:
			unblock()
			if err != nil {
				t.Fatalf("Get neither returned nor waited: %v", err)
			}
			fc.Advance(step)
		}
	}
}

func TestGetRetries(t *testing.T) {
	s503 := stubResponse{status: 503, header: jsonHeader, body: `{"message":"overloaded"}`}
	ok := stubResponse{status: 200, header: jsonHeader, body: pendingBody}
	dropped := stubResponse{serve: func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}}

	tests := []struct {
		name      string
		responses []stubResponse
		edit      func(*Options)
		wantAt    []time.Duration // fake time of each request
		wantCode  int             // of the *StatusError returned; 0 for success
		wantOther string          // type of a non-status error returned
	}{
		{
			name:      "503 twice then 200",
			responses: []stubResponse{s503, s503, ok},
			wantAt:    []time.Duration{0, time.Second, 3 * time.Second},
		},
		{
			name:      "503 always stops at GetAttempts",
			responses: []stubResponse{s503},
			edit:      func(o *Options) { o.GetAttempts = 5 },
			wantAt: []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second,
				15 * time.Second},
			wantCode: 503,
		},
		{
			name:      "GetAttempts 2",
			responses: []stubResponse{s503},
			edit:      func(o *Options) { o.GetAttempts = 2 },
			wantAt:    []time.Duration{0, time.Second},
			wantCode:  503,
		},
		{
			name:      "GetAttempts 1 never retries",
			responses: []stubResponse{s503},
			edit:      func(o *Options) { o.GetAttempts = 1 },
			wantAt:    []time.Duration{0},
			wantCode:  503,
		},
		{
			name:      "budget stops retries that would start too late",
			responses: []stubResponse{s503},
			edit:      func(o *Options) { o.GetAttempts = 10; o.GetBudget = 5 * time.Second },
			wantAt:    []time.Duration{0, time.Second, 3 * time.Second},
			wantCode:  503,
		},
		{
			name:      "404 is not retried",
			responses: []stubResponse{{status: 404, body: `{"message":"no such task"}`}, ok},
			wantAt:    []time.Duration{0},
			wantCode:  404,
		},
		{
			name:      "401 is not retried",
			responses: []stubResponse{{status: 401}, ok},
			wantAt:    []time.Duration{0},
			wantCode:  401,
		},
		{
			name:      "400 is not retried",
			responses: []stubResponse{{status: 400}, ok},
			wantAt:    []time.Duration{0},
			wantCode:  400,
		},
		{
			name:      "too large is not retried",
			responses: []stubResponse{{status: 200, body: strings.Repeat("x", 2000)}, ok},
			edit:      func(o *Options) { o.MaxBody = 1024 },
			wantAt:    []time.Duration{0},
			wantOther: "*hub.TooLargeError",
		},
		{
			name: "retry-after seconds is honoured",
			responses: []stubResponse{
				{status: 429, header: map[string]string{"Retry-After": "7"}}, ok},
			wantAt: []time.Duration{0, 7 * time.Second},
		},
		{
			name: "retry-after date is honoured",
			responses: []stubResponse{
				{status: 503, header: map[string]string{"Retry-After": "Mon, 18 May 2026 09:00:12 GMT"}},
				ok},
			wantAt: []time.Duration{0, 12 * time.Second},
		},
		{
			name: "retry-after zero retries at once",
			responses: []stubResponse{
				{status: 429, header: map[string]string{"Retry-After": "0"}}, ok},
			wantAt: []time.Duration{0, 0},
		},
		{
			name: "retry-after past the budget gives up at once",
			responses: []stubResponse{
				{status: 429, header: map[string]string{"Retry-After": "3600"}}, ok},
			wantAt:   []time.Duration{0},
			wantCode: 429,
		},
		{
			name:      "dropped connection is retried",
			responses: []stubResponse{dropped, ok},
			wantAt:    []time.Duration{0, time.Second},
		},
		{
			name:      "html 200 is retried",
			responses: []stubResponse{{status: 200, header: htmlHeader, body: "<html>"}, ok},
			wantAt:    []time.Duration{0, time.Second},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			s := newStub(t, fc, tt.responses...)
			c := newTestClient(t, s.srv.URL, fc, tt.edit)

			r := runGet(t, c, fc, 250*time.Millisecond)

			if got := s.times(); fmt.Sprint(got) != fmt.Sprint(tt.wantAt) {
				t.Errorf("requests at %v, want %v (%d requests)", got, tt.wantAt, len(tt.wantAt))
			}
			switch {
			case tt.wantCode != 0:
				var se *StatusError
				if !errors.As(r.err, &se) || se.Code != tt.wantCode {
					t.Fatalf("error = %T %v, want *StatusError %d", r.err, r.err, tt.wantCode)
				}
				if r.task != nil {
					t.Errorf("task = %+v, want nil", r.task)
				}
			case tt.wantOther != "":
				if got := fmt.Sprintf("%T", r.err); got != tt.wantOther {
					t.Fatalf("error = %s %v, want %s", got, r.err, tt.wantOther)
				}
			default:
				if r.err != nil {
					t.Fatalf("Get: %v", r.err)
				}
				if r.task.ID != "hub-1" || r.task.Status != "pending" {
					t.Errorf("task = %q %q, want hub-1 pending", r.task.ID, r.task.Status)
				}
			}
		})
	}
}

// TestGetHugeRetryAfterDoesNotWait pins the budget check against overflow:
// a Retry-After near the largest time.Duration, added to the time already
// spent, must still count as past the budget, so Get returns at once
// instead of sleeping.
func TestGetHugeRetryAfterDoesNotWait(t *testing.T) {
	for _, value := range []string{"9223372036", "9223372037", "99999999999"} {
		t.Run(value, func(t *testing.T) {
			fc := newFakeClock()
			s := newStub(t, fc, stubResponse{serve: func(w http.ResponseWriter, r *http.Request) {
				fc.Advance(time.Second) // the request itself took a second
				w.Header().Set("Retry-After", value)
				w.WriteHeader(429)
			}})
			c := newTestClient(t, s.srv.URL, fc, nil)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan getResult, 1)
			go func() {
				task, err := c.Get(ctx, "hub-1")
				done <- getResult{task, err}
			}()

			watchdog, stop := context.WithTimeout(context.Background(), 20*time.Second)
			defer stop()
			blocked := make(chan error, 1)
			go func() { blocked <- fc.BlockUntilContext(watchdog, 1) }()

			var r getResult
			select {
			case r = <-done:
			case err := <-blocked:
				if err == nil {
					cancel()
					<-done
					t.Fatalf("Get sleeps on a Retry-After of %s seconds, want it to give up", value)
				}
				t.Fatalf("Get did not return: %v", err)
			}

			var se *StatusError
			if !errors.As(r.err, &se) || se.Code != 429 {
				t.Fatalf("error = %T %v, want *StatusError 429", r.err, r.err)
			}
			if n := s.count(); n != 1 {
				t.Errorf("server got %d requests, want 1", n)
			}
		})
	}
}

func TestGetReturnsWhenCancelledWhileWaiting(t *testing.T) {
	fc := newFakeClock()
	s := newStub(t, fc, stubResponse{status: 503})
	c := newTestClient(t, s.srv.URL, fc, nil)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, "hub-1")
		done <- err
	}()

	watchdog, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	if err := fc.BlockUntilContext(watchdog, 1); err != nil {
		t.Fatalf("Get never waited: %v", err)
	}
	cancel()

	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
	case <-watchdog.Done():
		t.Fatal("Get did not return after its context was cancelled")
	}
	if n := s.count(); n != 1 {
		t.Errorf("server got %d requests, want 1", n)
	}
}

func TestTokenNeverInErrorsOrDebugLog(t *testing.T) {
	responses := []stubResponse{
		{status: 401, header: jsonHeader, body: `{"message":"invalid key"}`},
		{status: 404},
		{status: 429, header: map[string]string{"Retry-After": "1"}},
		{status: 503, body: "unavailable"},
		{status: 200, header: htmlHeader, body: "<html>"},
		{status: 200, body: strings.Repeat("x", 2000)},
		{serve: func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
	}

	var logBuf bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf, mu: &logMu},
		&slog.HandlerOptions{Level: slog.LevelDebug}))

	var texts []string
	for i, resp := range responses {
		fc := newFakeClock()
		s := newStub(t, fc, resp)
		c := newTestClient(t, s.srv.URL, fc, func(o *Options) {
			o.MaxBody = 1024
			o.Logger = logger
			o.GetAttempts = 2
		})

		r := runGet(t, c, fc, 250*time.Millisecond)
		if r.err == nil {
			t.Fatalf("response %d: Get succeeded, want an error", i)
		}
		texts = append(texts, r.err.Error(), fmt.Sprintf("%+v", r.err), fmt.Sprintf("%#v", r.err))
	}

	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close()
	c := newTestClient(t, refused.URL, newFakeClock(), func(o *Options) { o.Logger = logger })
	_, err := c.Fetch(context.Background(), "hub-1")
	if err == nil {
		t.Fatal("Fetch from a closed server succeeded")
	}
	texts = append(texts, err.Error(), fmt.Sprintf("%#v", err))

	logMu.Lock()
	texts = append(texts, logBuf.String())
	logMu.Unlock()
	if !strings.Contains(texts[len(texts)-1], "retrying") {
		t.Errorf("debug log has no retry record:\n%s", texts[len(texts)-1])
	}
	for _, text := range texts {
		if strings.Contains(text, testToken) {
			t.Errorf("token leaked into %q", text)
		}
	}
}

// lockedWriter serializes writes from the goroutines Get runs in.
type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestNewRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no scheme", Options{BaseURL: "api.mountsea.ai", Token: "t"},
			`invalid base URL "api.mountsea.ai": want http(s)://host[:port]`},
		{"ftp", Options{BaseURL: "ftp://api.mountsea.ai", Token: "t"},
			`invalid base URL "ftp://api.mountsea.ai": want http(s)://host[:port]`},
		{"empty", Options{Token: "t"}, `invalid base URL "": want http(s)://host[:port]`},
		{"no token", Options{BaseURL: "https://api.mountsea.ai"}, "no token"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.opts)
			if err == nil {
				t.Fatalf("New = %v, want an error", c)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err.Error(), tt.want)
			}
		})
	}
}

func TestServerEchoOfTokenIsRedacted(t *testing.T) {
	const token = "test-token-echoed"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/html") {
			fmt.Fprintf(w, "<p>you sent %s</p>", r.Header.Get("Authorization"))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"message":"bad key %s"}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()

	c, err := New(Options{BaseURL: srv.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"json", "html"} {
		_, err := c.Fetch(context.Background(), id)
		if err == nil || strings.Contains(err.Error(), token) {
			t.Errorf("Fetch(%s) error = %v; want an error without the token", id, err)
		}
		if !strings.Contains(err.Error(), "[token]") {
			t.Errorf("Fetch(%s) error = %v; want the echo marked [token]", id, err)
		}
	}
}

func TestRedirectFromHTTPSToHTTPIsRefused(t *testing.T) {
	var plainHits int
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainHits++
		fmt.Fprint(w, `{"task_id":"t","status":"completed","ready":true}`)
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer secure.Close()

	httpClient := secure.Client()
	httpClient.CheckRedirect = checkRedirect
	c, err := New(Options{BaseURL: secure.URL, Token: "test-token-not-real", HTTP: httpClient})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.Fetch(context.Background(), "t")
	if !errors.Is(err, ErrInsecureRedirect) {
		t.Fatalf("Fetch error = %v, want ErrInsecureRedirect", err)
	}
	if IsTransient(err) {
		t.Error("an insecure redirect is treated as transient; it would be retried forever")
	}
	if plainHits != 0 {
		t.Errorf("plain server got %d requests, want none", plainHits)
	}
}

func TestRedirectToAnotherPortDropsToken(t *testing.T) {
	var gotAuth []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer first.Close()

	c, err := New(Options{BaseURL: first.URL, Token: "test-token-not-real", HTTP: NewHTTPClient(5*time.Second, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(context.Background(), "t"); err == nil {
		t.Fatal("Fetch succeeded; want the other server's 401")
	}
	if len(gotAuth) != 1 || gotAuth[0] != "" {
		t.Errorf("the server on another port got Authorization %q, want none", gotAuth)
	}
}

func TestTokenEchoedInTaskIsRedacted(t *testing.T) {
	const token = "test-token-echoed"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"task_id":"\u001b[2Jspoof","status":"failed","ready":true,"error_message":"bad key %s"}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer srv.Close()

	c, err := New(Options{BaseURL: srv.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.Fetch(context.Background(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(task.Raw), token) || task.ErrorMessage != "bad key [token]" {
		t.Errorf("task = %+v; want the token replaced by [token] everywhere", task)
	}
	if task.ID != "t1" {
		t.Errorf("task.ID = %q, want the id asked for, not the one the answer claims", task.ID)
	}
}
