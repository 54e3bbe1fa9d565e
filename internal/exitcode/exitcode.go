// Package exitcode maps every error hubctl can end with to its documented
// exit status. For is the only place that decides a status.
package exitcode

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"syscall"

	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
)

// The exit statuses of hubctl.
const (
	OK          = 0
	Error       = 1
	Usage       = 2
	Failed      = 3
	TimedOut    = 4
	Cancelled   = 5
	NotFound    = 6
	Auth        = 7
	Unavailable = 8
	WaitTimeout = 124
	Interrupted = 130
	Terminated  = 143
)

// Meaning is one row of the exit status table.
type Meaning struct {
	Code int
	Text string
}

// Table returns the documented exit statuses, in order.
func Table() []Meaning {
	return []Meaning{
		{OK, "success: every task completed (get: every fetch succeeded)"},
		{Error, "an error not listed below, including a finished task with a status hubctl does not know"},
		{Usage, "usage or configuration error: bad flag or argument, invalid task id, unreadable or invalid config file, bad --jq"},
		{Failed, "a task failed (status: failed)"},
		{TimedOut, "a task timed out on the server (status: timeout)"},
		{Cancelled, "a task was cancelled"},
		{NotFound, "a task was not found (HTTP 404)"},
		{Auth, "authentication: no token, HTTP 401 or 403"},
		{Unavailable, "the API could not be reached or gave no usable answer after retries"},
		{WaitTimeout, "--timeout passed while a task was still running"},
		{Interrupted, "interrupted (SIGINT); 143 for SIGTERM"},
	}
}

// UsageError is a mistake in how hubctl was called.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// SignalError is the cause of a run cut short by a signal.
type SignalError struct {
	Signal os.Signal
}

func (e *SignalError) Error() string {
	if e.Signal == syscall.SIGTERM {
		return "terminated"
	}
	return "interrupted"
}

// For returns the exit status for err; nil is OK.
func For(err error) int {
	if err == nil {
		return OK
	}

	var (
		usage     *UsageError
		cfg       *config.Error
		sig       *SignalError
		status    *hub.StatusError
		outcome   *hub.OutcomeError
		tooBig    *hub.TooLargeError
		transport *hub.TransportError
	)
	switch {
	case errors.As(err, &sig):
		if sig.Signal == syscall.SIGTERM {
			return Terminated
		}
		return Interrupted
	case errors.Is(err, poll.ErrTimeout):
		return WaitTimeout
	case errors.As(err, &usage), errors.As(err, &cfg), errors.Is(err, hub.ErrInvalidID):
		return Usage
	case errors.Is(err, config.ErrNoToken):
		return Auth
	case errors.As(err, &outcome):
		return forState(outcome.Task.State())
	case errors.As(err, &status):
		return forStatus(status)
	case errors.As(err, &tooBig), errors.As(err, &transport), hub.IsTransient(err):
		return Unavailable
	}
	return Error
}

func forState(s hub.State) int {
	switch s {
	case hub.StateFailed:
		return Failed
	case hub.StateTimedOut:
		return TimedOut
	case hub.StateCancelled:
		return Cancelled
	}
	return Error
}

func forStatus(e *hub.StatusError) int {
	switch {
	case e.Code == http.StatusNotFound:
		return NotFound
	case e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden:
		return Auth
	case e.Transient():
		return Unavailable
	}
	return Error
}

// Hint returns what a user can do about err, or "" when there is nothing
// more to say than the error itself.
func Hint(err error) string {
	var status *hub.StatusError
	var transport *hub.TransportError
	switch code := For(err); {
	case code == NotFound:
		return "check the task id and --base-url"
	case code == Auth && errors.As(err, &status):
		return "check the token (HUBCTL_TOKEN, --token-file or the config file) and --base-url"
	case code == Unavailable && errors.As(err, &transport) && transport.Misconfigured():
		return "check the scheme and host of --base-url"
	case code == Unavailable:
		return "check --base-url and the network, or try again later"
	}
	return ""
}
