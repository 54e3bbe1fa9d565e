// Package hub is a client for the task API of Mountsea's Hub.
//
// The Hub answers GET /hub/v1/tasks/{task_id} with a JSON object whose
// documented fields are task_id, status, ready, data, elapsed_ms, error_code
// and error_message. The documentation leaves several of their types open,
// so this package decodes them leniently and keeps the server's body as it
// came, for callers that print it.
package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// State is what a task's status means to a client: still running, or
// finished in one of the ways the Hub documents.
type State int

// The states of a task. StateUnknown is a status this package does not know;
// whether such a task is finished depends on its ready field.
const (
	StateRunning State = iota
	StateCompleted
	StateFailed
	StateTimedOut
	StateCancelled
	StateUnknown
)

// String returns the Hub's spelling of the state.
func (s State) String() string {
	switch s {
	case StateRunning:
		return "running"
	case StateCompleted:
		return "completed"
	case StateFailed:
		return "failed"
	case StateTimedOut:
		return "timeout"
	case StateCancelled:
		return "cancelled"
	}
	return "unknown"
}

// StateOf maps a raw status to its state. The comparison ignores case and
// surrounding space, and accepts the spelling "canceled" used by Mountsea's
// other APIs.
func StateOf(status string) State {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "pending", "processing":
		return StateRunning
	case "completed":
		return StateCompleted
	case "failed":
		return StateFailed
	case "timeout":
		return StateTimedOut
	case "cancelled", "canceled":
		return StateCancelled
	}
	return StateUnknown
}

// Task is one answer of the task endpoint.
//
// Raw holds the server's body byte for byte, so that fields this package
// does not know, and numbers wider than float64, survive a round trip.
type Task struct {
	ID           string
	Status       string
	Ready        bool
	Model        string
	ElapsedMS    int64 // valid only when HasElapsed is true
	HasElapsed   bool
	ErrorCode    string // a number's digits or a string's text; empty if absent
	ErrorMessage string
	Data         json.RawMessage // nil when absent or null
	Raw          json.RawMessage
}

// State returns the state of the task's status.
func (t *Task) State() State {
	return StateOf(t.Status)
}

// Finished reports whether the task will not change any more: the server
// said ready, or the status is a final one. A final status with ready false
// counts as finished, since the Hub has no way back from a final status.
func (t *Task) Finished() bool {
	if t.Ready {
		return true
	}

	switch t.State() {
	case StateCompleted, StateFailed, StateTimedOut, StateCancelled:
		return true
	}
	return false
}

// wireTask mirrors the fields of a task body whose types the documentation
// leaves open; each is decoded by hand from its raw form.
type wireTask struct {
	TaskID       json.RawMessage `json:"task_id"`
	TaskIDCamel  json.RawMessage `json:"taskId"`
	Status       json.RawMessage `json:"status"`
	Ready        json.RawMessage `json:"ready"`
	Model        json.RawMessage `json:"model"`
	ElapsedMS    json.RawMessage `json:"elapsed_ms"`
	ErrorCode    json.RawMessage `json:"error_code"`
	ErrorMessage json.RawMessage `json:"error_message"`
	Data         json.RawMessage `json:"data"`
}

// ErrNotTask is wrapped by DecodeTask when a body is JSON but not a task.
var ErrNotTask = errors.New("answer is not a task object")

// DecodeTask parses a task body. It fails when the body is not a JSON
// object, or when the object has neither a string status nor a boolean
// ready field; every other field is optional and read leniently: the id as
// task_id or taskId, error_code as a number or a string, elapsed_ms as a
// number, a numeric string or null. The returned task keeps body in Raw
// without copying it.
func DecodeTask(body []byte) (*Task, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n") // JSON's white space, no other
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: %s", ErrNotTask, describeJSON(trimmed))
	}

	var w wireTask
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotTask, err)
	}

	t := &Task{Raw: body}
	t.ID = stringField(w.TaskID)
	if t.ID == "" {
		t.ID = stringField(w.TaskIDCamel)
	}

	status, okStatus := stringValue(w.Status)
	ready, okReady := boolValue(w.Ready)
	if !okStatus && !okReady {
		return nil, fmt.Errorf("%w: no status or ready field", ErrNotTask)
	}
	t.Status, t.Ready = status, ready

	t.Model = stringField(w.Model)
	t.ElapsedMS, t.HasElapsed = intValue(w.ElapsedMS)
	t.ErrorCode = stringField(w.ErrorCode)
	t.ErrorMessage = stringField(w.ErrorMessage)
	if len(w.Data) > 0 && string(w.Data) != "null" {
		t.Data = w.Data
	}
	return t, nil
}

// describeJSON names the kind of a JSON value for an error message.
func describeJSON(b []byte) string {
	if len(b) == 0 {
		return "empty body"
	}

	switch b[0] {
	case '[':
		return "got a JSON array"
	case '"':
		return "got a JSON string"
	case 'n':
		return "got null"
	case 't', 'f':
		return "got a boolean"
	case '<':
		return "got markup"
	}
	if b[0] == '-' || (b[0] >= '0' && b[0] <= '9') {
		return "got a number"
	}
	return "not JSON"
}

// stringValue returns the text of a JSON string.
func stringValue(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}

	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// stringField returns the text of a JSON string, or the literal text of a
// number or boolean, or "" for null, absence and composite values.
func stringField(raw json.RawMessage) string {
	if s, ok := stringValue(raw); ok {
		return s
	}

	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		return string(raw)
	case c == 't' || c == 'f':
		return string(raw)
	}
	return ""
}

// boolValue returns a JSON boolean.
func boolValue(raw json.RawMessage) (bool, bool) {
	switch string(raw) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// intValue returns a JSON number, or a string holding one, truncated to
// an integer.
func intValue(raw json.RawMessage) (int64, bool) {
	text := stringField(raw)
	if text == "" {
		return 0, false
	}

	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < 0 || f > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// OutcomeError reports a finished task that did not complete: it failed,
// timed out on the server, was cancelled, or ended with a status this
// package does not know.
type OutcomeError struct {
	Task *Task
}

func (e *OutcomeError) Error() string {
	t := e.Task
	var s string
	switch t.State() {
	case StateFailed:
		s = "task " + t.ID + " failed"
	case StateTimedOut:
		s = "task " + t.ID + " timed out on the server"
	case StateCancelled:
		s = "task " + t.ID + " was cancelled"
	default:
		s = fmt.Sprintf("task %s finished with a status hubctl does not know: %q", t.ID, t.Status)
	}

	msg := strings.Join(strings.Fields(t.ErrorMessage), " ")
	switch {
	case t.ErrorCode != "" && msg != "":
		s += fmt.Sprintf(" (error %s: %s)", t.ErrorCode, msg)
	case t.ErrorCode != "":
		s += " (error " + t.ErrorCode + ")"
	case msg != "":
		s += " (" + msg + ")"
	}
	return s
}
