package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jonboulle/clockwork"
)

// DefaultMaxBody is the default limit on the size of an answer's body.
const DefaultMaxBody = 64 << 20

// Options configures a Client. BaseURL and Token are required.
type Options struct {
	BaseURL   string
	Token     string
	UserAgent string

	// HTTP sends the requests; nil means a client built by NewHTTPClient
	// with a 30-second timeout.
	HTTP *http.Client

	// Clock times waits between retries; nil means the real clock.
	Clock clockwork.Clock

	// MaxBody limits the size of an answer's body; 0 means DefaultMaxBody.
	MaxBody int64

	// Logger receives a debug record of every request; nil means none.
	Logger *slog.Logger

	// Backoff spaces retries in Get; its zero value means DefaultBackoff
	// with full jitter.
	Backoff Backoff

	// GetAttempts and GetBudget bound the retries of Get: at most
	// GetAttempts requests, and no retry that would start after GetBudget
	// has passed. Zero values mean DefaultGetAttempts and
	// DefaultGetBudget.
	GetAttempts int
	GetBudget   time.Duration

	// OnRetry, if set, is called by Get before each wait to send a request
	// again, with the task, the number of the request to come (2 for the
	// first retry), the failure and the wait.
	OnRetry func(id string, attempt int, err error, wait time.Duration)
}

// The bounds of Get's retries when Options leaves them zero.
const (
	DefaultGetAttempts = 5
	DefaultGetBudget   = 30 * time.Second
)

// Client talks to one Hub. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	auth    string
	agent   string
	http    *http.Client
	clock   clockwork.Clock
	maxBody int64
	log     *slog.Logger
	backoff Backoff

	getAttempts int
	getBudget   time.Duration
	onRetry     func(id string, attempt int, err error, wait time.Duration)
}

// New returns a client for the Hub at opts.BaseURL.
func New(opts Options) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("invalid base URL %q: want http(s)://host[:port]", opts.BaseURL)
	}
	if opts.Token == "" {
		return nil, errors.New("no token")
	}

	c := &Client{
		base:        base,
		auth:        "Bearer " + opts.Token,
		agent:       opts.UserAgent,
		http:        opts.HTTP,
		clock:       opts.Clock,
		maxBody:     opts.MaxBody,
		log:         opts.Logger,
		backoff:     opts.Backoff,
		getAttempts: opts.GetAttempts,
		getBudget:   opts.GetBudget,
		onRetry:     opts.OnRetry,
	}
	if c.http == nil {
		c.http = NewHTTPClient(30*time.Second, 0)
	}
	if c.clock == nil {
		c.clock = clockwork.NewRealClock()
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.backoff.Base <= 0 || c.backoff.Cap <= 0 {
		c.backoff = DefaultBackoff
		c.backoff.Rand = rand.Float64
	}
	if c.getAttempts <= 0 {
		c.getAttempts = DefaultGetAttempts
	}
	if c.getBudget <= 0 {
		c.getBudget = DefaultGetBudget
	}
	return c, nil
}

// NewHTTPClient returns an HTTP client for a Client: proxies from the
// environment, at most conns connections to the Hub (0 means no limit),
// kept for reuse, and timeout as the limit on each request, body included.
func NewHTTPClient(timeout time.Duration, conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost = conns
	t.MaxIdleConnsPerHost = max(conns, 2)
	t.ResponseHeaderTimeout = timeout
	return &http.Client{Transport: t, Timeout: timeout, CheckRedirect: checkRedirect}
}

// ErrInsecureRedirect is returned for a redirect from https to plain http,
// which would send the token unencrypted.
var ErrInsecureRedirect = errors.New("refusing a redirect from https to plain http")

// checkRedirect follows up to 10 redirects, never from https to http, and
// sends the Authorization header only to the host and port it was meant
// for.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w (to %s)", ErrInsecureRedirect, req.URL.Redacted())
	}
	if req.URL.Host != via[0].URL.Host {
		// The http package keeps the header for another port of the
		// same host name; another port may be another server.
		req.Header.Del("Authorization")
	}
	return nil
}

// TaskURL returns the URL of a task.
func (c *Client) TaskURL(id string) string {
	return c.base.String() + "/hub/v1/tasks/" + url.PathEscape(id)
}

// Fetch sends one request for a task and decodes the answer. A status
// outside 2xx is a *StatusError, an answer that is not a task is a
// *BadAnswerError, one over the size limit a *TooLargeError, and no answer
// at all a *TransportError. Fetch does not retry.
func (c *Client) Fetch(ctx context.Context, id string) (*Task, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.TaskURL(id), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	if c.agent != "" {
		req.Header.Set("User-Agent", c.agent)
	}

	start := c.clock.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.log.DebugContext(ctx, "request failed", "method", req.Method,
			"url", req.URL.String(), "duration", c.clock.Since(start), "error", err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, context.Cause(ctx)
		}
		if errors.Is(err, ErrInsecureRedirect) {
			return nil, stripURL(err)
		}
		return nil, &TransportError{Err: stripURL(err)}
	}
	defer resp.Body.Close()

	body, err := c.readBody(resp)
	attrs := []any{"method", req.Method, "url", req.URL.String(), "status", resp.StatusCode,
		"bytes", len(body), "duration", c.clock.Since(start)}
	if final := resp.Request.URL; final.String() != req.URL.String() {
		attrs = append(attrs, "redirected_to", final.Redacted())
	}
	c.log.DebugContext(ctx, "request", attrs...)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.statusError(resp, body)
	}

	// A server that echoes the token, in an error message say, must not
	// make hubctl print it.
	body = bytes.ReplaceAll(body, []byte(c.token()), []byte("[token]"))
	task, err := DecodeTask(body)
	if err != nil {
		return nil, &BadAnswerError{
			ContentType: resp.Header.Get("Content-Type"),
			Snippet:     c.redact(Snippet(body, 200)),
			Err:         err,
		}
	}
	task.ID = id // the id asked for, whatever the answer claims
	return task, nil
}

// readBody reads a body up to the size limit. A body that declares or
// turns out to be longer is refused without reading the rest, and its
// connection is not reused.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > c.maxBody {
		return nil, &TooLargeError{Limit: c.maxBody}
	}

	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, &TransportError{Err: fmt.Errorf("reading answer: %w", stripURL(err))}
	}
	if int64(len(body)) > c.maxBody {
		return nil, &TooLargeError{Limit: c.maxBody}
	}
	return body, nil
}

// statusError builds the error for a non-2xx answer, taking the message
// from the first of the body's message, error_message, error or msg fields.
func (c *Client) statusError(resp *http.Response, body []byte) *StatusError {
	e := &StatusError{Code: resp.StatusCode}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		e.RetryAfter, e.HasRetryAfter = ParseRetryAfter(ra, c.clock.Now())
	}

	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		for _, key := range []string{"message", "error_message", "error", "msg"} {
			if s := stringField(fields[key]); s != "" {
				e.Message = s
				break
			}
			var nested map[string]json.RawMessage
			if json.Unmarshal(fields[key], &nested) == nil {
				if s := stringField(nested["message"]); s != "" {
					e.Message = s
					break
				}
			}
		}
	} else if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/plain" {
		e.Message = Snippet(body, 200)
	}
	if len(e.Message) > 300 {
		cut := 300 // back up to a rune's start, so the cut leaves valid UTF-8
		for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
			cut--
		}
		e.Message = e.Message[:cut] + "…"
	}
	e.Message = c.redact(e.Message)
	return e
}

// redact hides the token in text from the server, which may echo what it
// was sent.
func (c *Client) redact(text string) string {
	return strings.ReplaceAll(text, c.token(), "[token]")
}

func (c *Client) token() string {
	return strings.TrimPrefix(c.auth, "Bearer ")
}

// Get fetches a task, retrying transient failures with back-off. It sends
// at most the configured number of requests and starts no retry past the
// configured budget or the context's deadline; then it returns the last
// error.
func (c *Client) Get(ctx context.Context, id string) (*Task, error) {
	start := c.clock.Now()
	for attempt := 1; ; attempt++ {
		task, err := c.Fetch(ctx, id)
		if err == nil || !IsTransient(err) || attempt >= c.getAttempts {
			return task, err
		}

		wait := c.backoff.RetryDelay(err, attempt-1)
		// Compare with what is left of the budget: Since+wait overflows
		// when the server asks for an absurd Retry-After.
		if wait > c.getBudget-c.clock.Since(start) {
			return nil, err
		}
		if deadline, ok := ctx.Deadline(); ok && c.clock.Now().Add(wait).After(deadline) {
			return nil, err
		}
		c.log.DebugContext(ctx, "retrying", "task", id, "attempt", attempt+1,
			"wait", wait, "reason", err.Error())
		if c.onRetry != nil {
			c.onRetry(id, attempt+1, err, wait)
		}

		if err := sleep(ctx, c.clock, wait); err != nil {
			return nil, err
		}
	}
}

// sleep waits for d on clock, or until ctx is done.
func sleep(ctx context.Context, clock clockwork.Clock, d time.Duration) error {
	t := clock.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.Chan():
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// stripURL removes the request URL that net/http adds to its errors; the
// caller names the task, and the URL adds only noise.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Snippet returns up to n bytes of b as printable text: control and
// non-UTF-8 bytes are escaped, and an ellipsis marks a cut.
func Snippet(b []byte, n int) string {
	cut := len(b) > n
	if cut {
		b = b[:n]
	}

	s := strconv.Quote(string(b))
	if cut {
		s += "…"
	}
	return s
}
