package fakehub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"time"
)

// A Scenario describes the tasks a Server knows and how it answers for them.
// The zero Scenario is valid: it knows no task and accepts any bearer token.
type Scenario struct {
	// Token is the bearer token every request must carry. If empty, any
	// non-empty bearer token is accepted.
	Token string `json:"token"`

	// Tasks are the tasks the server knows from the start. Their clocks start
	// when the server starts.
	Tasks []Task `json:"tasks"`

	// RateLimit is the number of authorized requests per second the server
	// accepts over all tasks and submits, with a burst of max(1, RateLimit).
	// Requests above it are answered 429 with a Retry-After header giving
	// the wait for the next free slot in whole seconds, rounded up. Zero
	// means no limit.
	RateLimit float64 `json:"rate_limit,omitempty"`
}

// A Task is one task the server answers for at GET /hub/v1/tasks/{ID}.
//
// Its Steps form a timeline. The steps are either all poll-driven (every step
// but the last has Polls set) or all time-driven (every step but the last has
// For set); a task with a single step is neither. The last step lasts forever.
type Task struct {
	ID string `json:"id"`

	// Model and Capability are echoed as "model" and "capability" in the task
	// body when set. The first task with a given Capability also serves as the
	// timeline of tasks submitted with POST /hub/v1/{capability}.
	Model      string `json:"model,omitempty"`
	Capability string `json:"capability,omitempty"`

	Steps []Step `json:"steps"`
}

// A Step is one phase of a task's timeline. A step lasts for Polls answers
// (poll-driven, for deterministic tests) or until For has passed since the
// previous step ended on the server's clock (time-driven, for demos and
// benchmarks). The last step lasts forever, whatever its Polls or For.
//
// Every answer taken from the timeline counts as a poll, faults included;
// requests refused with 401 or by the rate limiter do not.
//
// Unless Body or Fault says otherwise, the server answers 200 with the built
// body
//
//	{"task_id", "status", "ready", "elapsed_ms", "model"?, "capability"?,
//	 "data"?, "error_code"?, "error_message"?, ...Extra}
//
// as application/json, where fields marked "?" appear only when set.
type Step struct {
	Polls int      `json:"polls,omitempty"`
	For   Duration `json:"for,omitempty"`

	Status string `json:"status,omitempty"`

	// Ready defaults to true if Status is completed, failed, timeout,
	// cancelled or canceled, and to false otherwise.
	Ready *bool `json:"ready,omitempty"`

	Data json.RawMessage `json:"data,omitempty"`

	// ElapsedMS defaults to the milliseconds since the task's clock started.
	ElapsedMS *int64 `json:"elapsed_ms,omitempty"`

	// ErrorCode is a number or a string and is echoed as given.
	ErrorCode    json.RawMessage `json:"error_code,omitempty"`
	ErrorMessage string          `json:"error_message,omitempty"`

	// Extra holds top-level fields merged into the built body. A key that
	// names a built field replaces it, so Extra can send "ready": "yes" or
	// "elapsed_ms": null.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`

	// Body, if set, is sent verbatim instead of the built body, for answers
	// the fields above cannot express, such as numbers too big for a float64.
	// Status and Ready then only say whether the step counts as final.
	Body *string `json:"body,omitempty"`

	// Fault, if set, makes the answer misbehave at the HTTP or TCP level.
	Fault *Fault `json:"fault,omitempty"`
}

// A Fault makes an answer misbehave. At most one of Code, Reset, Stall, HTML,
// Truncate, HugeBytes and RedirectTo may be set, except that Code may go with
// HTML to choose the page's status. Delay and ContentType modify the answer
// and may be set alone, which delays or relabels the step's normal answer.
type Fault struct {
	// Code is the HTTP status to answer with, with the JSON body
	// {"message": Message}. Message defaults to the status text.
	Code       int    `json:"code,omitempty"`
	RetryAfter string `json:"retry_after,omitempty"` // sent verbatim as Retry-After, with Code
	Message    string `json:"message,omitempty"`

	// Reset hijacks the connection and closes it with a TCP reset, so the
	// client sees no HTTP response at all.
	Reset bool `json:"reset,omitempty"`

	// Delay waits this long on the server's clock before answering. A fake
	// clock must be advanced for the answer to come. If the client goes away
	// or the server closes first, the connection is closed unanswered.
	Delay Duration `json:"delay,omitempty"`

	// Stall sends 200 and the headers, flushes them, then blocks until the
	// client goes away or the server closes, and closes the connection. No
	// body byte is ever sent.
	Stall bool `json:"stall,omitempty"`

	// HTML answers 200 (or Code) with a text/html proxy error page.
	HTML bool `json:"html,omitempty"`

	// Truncate answers 200 with the first half of the step's body, with a
	// matching Content-Length, so the response is complete but not JSON.
	Truncate bool `json:"truncate,omitempty"`

	// HugeBytes answers 200 with an application/json body of exactly this
	// many bytes, streamed rather than held in memory.
	HugeBytes int64 `json:"huge_bytes,omitempty"`

	// RedirectTo answers 302 with this absolute URL as Location.
	RedirectTo string `json:"redirect_to,omitempty"`

	// ContentType replaces the answer's Content-Type header.
	ContentType string `json:"content_type,omitempty"`
}

// A Duration is a time.Duration that reads and writes JSON as a string
// accepted by time.ParseDuration, such as "1.5s" or "300ms".
type Duration time.Duration

// MarshalJSON encodes d as a string such as "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON decodes a string such as "1.5s" into d.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"1.5s\": %w", err)
	}

	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// LoadScenario reads the JSON scenario file at path. Unknown fields are
// errors, so a misspelt key does not go unnoticed. The scenario is validated.
func LoadScenario(path string) (Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("failed to read scenario: %w", err)
	}

	var s Scenario
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Scenario{}, fmt.Errorf("failed to decode scenario %s: %w", path, err)
	}
	if dec.More() {
		return Scenario{}, fmt.Errorf("failed to decode scenario %s: data after the top-level value", path)
	}

	if err := s.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("invalid scenario %s: %w", path, err)
	}
	return s, nil
}

// Validate reports the first problem that makes s unusable: a negative rate
// limit, a duplicate task ID or a task that Task.Validate rejects.
func (s Scenario) Validate() error {
	if s.RateLimit < 0 {
		return fmt.Errorf("negative rate_limit %v", s.RateLimit)
	}

	seen := make(map[string]bool, len(s.Tasks))
	for i, t := range s.Tasks {
		if err := t.Validate(); err != nil {
			return fmt.Errorf("task %d: %w", i, err)
		}
		if seen[t.ID] {
			return fmt.Errorf("task %d: duplicate id %q", i, t.ID)
		}
		seen[t.ID] = true
	}
	return nil
}

// Validate reports the first problem that makes t unusable: an empty ID, no
// steps, a mix of poll-driven and time-driven steps, a step that would never
// be reached, or a step or fault whose fields contradict each other.
func (t Task) Validate() error {
	if t.ID == "" {
		return errors.New("empty id")
	}
	if len(t.Steps) == 0 {
		return fmt.Errorf("task %q has no steps", t.ID)
	}

	polls, timed := false, false
	for i, st := range t.Steps {
		last := i == len(t.Steps)-1
		if err := st.validate(last); err != nil {
			return fmt.Errorf("task %q step %d: %w", t.ID, i, err)
		}
		if last {
			break
		}
		polls = polls || st.Polls > 0
		timed = timed || st.For > 0
	}
	if polls && timed {
		return fmt.Errorf("task %q mixes poll-driven and time-driven steps", t.ID)
	}
	return nil
}

func (st Step) validate(last bool) error {
	if st.Polls < 0 {
		return fmt.Errorf("negative polls %d", st.Polls)
	}
	if st.For < 0 {
		return fmt.Errorf("negative for %v", time.Duration(st.For))
	}
	if st.Polls > 0 && st.For > 0 {
		return errors.New("both polls and for are set")
	}
	if !last && st.Polls == 0 && st.For == 0 {
		return errors.New("neither polls nor for is set, so the steps after it are never reached")
	}

	if st.Data != nil && !json.Valid(st.Data) {
		return errors.New("data is not valid JSON")
	}
	if st.ErrorCode != nil && !json.Valid(st.ErrorCode) {
		return errors.New("error_code is not valid JSON")
	}
	for k, v := range st.Extra {
		if !json.Valid(v) {
			return fmt.Errorf("extra field %q is not valid JSON", k)
		}
	}

	if st.Fault != nil {
		if err := st.Fault.validate(); err != nil {
			return fmt.Errorf("fault: %w", err)
		}
	}
	if st.Body == nil && st.Status == "" && st.Fault.needsBody() {
		return errors.New("status is empty and neither body nor a fault replaces the built body")
	}
	return nil
}

func (f *Fault) validate() error {
	kinds := f.kinds()
	switch {
	case len(kinds) == 0 && f.Delay == 0 && f.ContentType == "":
		return errors.New("sets nothing")
	case len(kinds) > 1 && !slices.Equal(kinds, []string{"code", "html"}):
		return fmt.Errorf("sets more than one of %v", kinds)
	}

	if f.Code != 0 && (f.Code < 200 || f.Code > 599) {
		return fmt.Errorf("code %d is outside 200-599", f.Code)
	}
	if f.RetryAfter != "" && f.Code == 0 {
		return errors.New("retry_after needs code")
	}
	if f.Message != "" && f.Code == 0 && !f.HTML {
		return errors.New("message needs code or html")
	}
	if f.Delay < 0 {
		return fmt.Errorf("negative delay %v", time.Duration(f.Delay))
	}
	if f.HugeBytes < 0 {
		return fmt.Errorf("negative huge_bytes %d", f.HugeBytes)
	}
	if f.ContentType != "" && (f.Reset || f.RedirectTo != "") {
		return errors.New("content_type has no effect with reset or redirect_to")
	}

	if f.RedirectTo != "" {
		u, err := url.Parse(f.RedirectTo)
		if err != nil {
			return fmt.Errorf("invalid redirect_to: %w", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("redirect_to %q is not an absolute http(s) URL", f.RedirectTo)
		}
	}
	return nil
}

// kinds names the mutually exclusive behaviours f selects, in a fixed order.
func (f *Fault) kinds() []string {
	var k []string
	if f.Code != 0 {
		k = append(k, "code")
	}
	if f.HTML {
		k = append(k, "html")
	}
	if f.Reset {
		k = append(k, "reset")
	}
	if f.Stall {
		k = append(k, "stall")
	}
	if f.Truncate {
		k = append(k, "truncate")
	}
	if f.HugeBytes > 0 {
		k = append(k, "huge_bytes")
	}
	if f.RedirectTo != "" {
		k = append(k, "redirect_to")
	}
	return k
}

// needsBody reports whether the answer shaped by f contains the step's body,
// which is the case when f is nil or only delays, relabels or truncates it.
func (f *Fault) needsBody() bool {
	if f == nil {
		return true
	}
	kinds := f.kinds()
	return len(kinds) == 0 || (len(kinds) == 1 && f.Truncate)
}

// final reports whether the step's answer is a final one: a task body, not
// a fault, that is ready or has a terminal status. A Body step is judged by
// its Status and Ready fields, which are not sent but say what Body means.
func (st Step) final() bool {
	if st.Fault != nil && len(st.Fault.kinds()) > 0 {
		return false
	}
	return st.ready() || terminalStatus(st.Status)
}

func (st Step) ready() bool {
	if st.Ready != nil {
		return *st.Ready
	}
	return terminalStatus(st.Status)
}

func terminalStatus(s string) bool {
	switch s {
	case "completed", "failed", "timeout", "cancelled", "canceled":
		return true
	}
	return false
}

// Bool returns a pointer to b, for Step.Ready.
func Bool(b bool) *bool { return &b }

// Int64 returns a pointer to n, for Step.ElapsedMS.
func Int64(n int64) *int64 { return &n }

// String returns a pointer to s, for Step.Body.
func String(s string) *string { return &s }

// Raw returns s as a json.RawMessage, for Step.Data, Step.ErrorCode and
// Step.Extra. It does not check that s is valid JSON; New does.
func Raw(s string) json.RawMessage { return json.RawMessage(s) }
