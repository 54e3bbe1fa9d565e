package render

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hubctl/hubctl/internal/poll"
)

// eventJSON is the machine form of a status change: one line of the
// stream that 'watch --json' and --events-file write.
type eventJSON struct {
	Time      string          `json:"time"`
	TaskID    string          `json:"task_id"`
	Status    string          `json:"status,omitempty"`
	Previous  *string         `json:"previous_status,omitempty"`
	Ready     bool            `json:"ready"`
	ElapsedMS *int64          `json:"elapsed_ms"`
	Error     string          `json:"error,omitempty"`
	Task      json.RawMessage `json:"task,omitempty"`
}

// EventJSON returns the JSON line for an event, without its newline, or
// nil for events that have none. Status changes carry the server's object
// as it came; a task that ended without a final answer, such as one the
// server does not know, gets a line with its error instead of a status.
func EventJSON(e poll.Event) ([]byte, error) {
	ev := eventJSON{Time: e.Time.Format(time.RFC3339Nano), TaskID: e.ID}
	switch {
	case e.Kind == poll.EventStatus:
		ev.Status, ev.Ready, ev.Task = e.Task.Status, e.Task.Ready, e.Task.Raw
		if e.Previous != "" {
			ev.Previous = &e.Previous
		}
		if e.Task.HasElapsed {
			ev.ElapsedMS = &e.Task.ElapsedMS
		}
	case e.Kind == poll.EventFinished && e.Err != nil:
		ev.Error = e.Err.Error()
	default:
		return nil, nil
	}

	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("event of task %s: %w", e.ID, err)
	}
	return b, nil
}
