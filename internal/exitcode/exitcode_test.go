package exitcode

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
)

func TestFor(t *testing.T) {
	task := func(status string) *hub.Task { return &hub.Task{ID: "t", Status: status, Ready: true} }
	wrap := func(err error) error { return fmt.Errorf("task t: %w", err) }

	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, OK},
		{"plain error", errors.New("boom"), Error},
		{"usage", Usagef("bad flag"), Usage},
		{"config", &config.Error{Err: errors.New("bad file")}, Usage},
		{"invalid id", wrap(hub.CheckID("a/b")), Usage},
		{"failed", &hub.OutcomeError{Task: task("failed")}, Failed},
		{"timeout", &hub.OutcomeError{Task: task("timeout")}, TimedOut},
		{"cancelled", &hub.OutcomeError{Task: task("cancelled")}, Cancelled},
		{"canceled", &hub.OutcomeError{Task: task("canceled")}, Cancelled},
		{"unknown status", &hub.OutcomeError{Task: task("exploded")}, Error},
		{"404", wrap(&hub.StatusError{Code: 404}), NotFound},
		{"no token", config.ErrNoToken, Auth},
		{"401", wrap(&hub.StatusError{Code: 401}), Auth},
		{"403", &hub.StatusError{Code: 403}, Auth},
		{"400", &hub.StatusError{Code: 400}, Error},
		{"422", &hub.StatusError{Code: 422}, Error},
		{"429", &hub.StatusError{Code: 429}, Unavailable},
		{"502", wrap(&hub.StatusError{Code: 502}), Unavailable},
		{"transport", &hub.TransportError{Err: errors.New("connection refused")}, Unavailable},
		{"misconfigured transport", &hub.TransportError{Err: tls.RecordHeaderError{}}, Unavailable},
		{"bad answer", &hub.BadAnswerError{Err: hub.ErrNotTask}, Unavailable},
		{"too large", &hub.TooLargeError{Limit: 10}, Unavailable},
		{"wait timeout", &poll.Incomplete{Err: poll.ErrTimeout}, WaitTimeout},
		{"sigint", &poll.Incomplete{Err: &SignalError{Signal: syscall.SIGINT}}, Interrupted},
		{"sigterm", &SignalError{Signal: syscall.SIGTERM}, Terminated},
		{"cancelled context", context.Canceled, Error},
	}
	for _, tt := range tests {
		if got := For(tt.err); got != tt.want {
			t.Errorf("%s: For(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestTableListsEveryCode(t *testing.T) {
	want := []int{OK, Error, Usage, Failed, TimedOut, Cancelled, NotFound, Auth,
		Unavailable, WaitTimeout, Interrupted}
	table := Table()
	if len(table) != len(want) {
		t.Fatalf("table has %d rows, want %d", len(table), len(want))
	}
	for i, m := range table {
		if m.Code != want[i] || m.Text == "" {
			t.Errorf("row %d = %+v, want code %d with a meaning", i, m, want[i])
		}
	}
}

func TestHintSaysWhatToDo(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&hub.StatusError{Code: 404}, "check the task id and --base-url"},
		{&hub.StatusError{Code: 401}, "check the token (HUBCTL_TOKEN, --token-file or the config file) and --base-url"},
		{&hub.TransportError{Err: errors.New("refused")}, "check --base-url and the network, or try again later"},
		{&hub.TransportError{Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}},
			"check the scheme and host of --base-url"},
		{config.ErrNoToken, ""}, // its message already says what to do
		{&hub.OutcomeError{Task: &hub.Task{Status: "failed"}}, ""},
	}
	for _, tt := range tests {
		if got := Hint(tt.err); got != tt.want {
			t.Errorf("Hint(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
