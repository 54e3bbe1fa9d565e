package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// StatusError is an answer with a status code outside 2xx.
type StatusError struct {
	Code    int
	Message string // the server's message, if its body held one

	// RetryAfter is the wait the server asked for in a Retry-After header;
	// it is valid only when HasRetryAfter is true.
	RetryAfter    time.Duration
	HasRetryAfter bool
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	s = strings.TrimSpace(s)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Transient reports whether the same request may succeed later.
func (e *StatusError) Transient() bool {
	switch e.Code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// BadAnswerError is a 2xx answer whose body is not a task object.
type BadAnswerError struct {
	ContentType string
	Snippet     string // the body's first bytes, control characters escaped
	Err         error
}

func (e *BadAnswerError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("unusable answer (%s): %v; body starts %s", ct, e.Err, e.Snippet)
}

func (e *BadAnswerError) Unwrap() error { return e.Err }

// TooLargeError is an answer whose body passed the size limit. The body is
// not read past the limit.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("answer body larger than the %d-byte limit", e.Limit)
}

// TransportError is a request that got no answer: the connection was
// refused or reset, a timeout passed, or the body ended early.
type TransportError struct {
	Err error
}

func (e *TransportError) Error() string { return e.Err.Error() }

func (e *TransportError) Unwrap() error { return e.Err }

// IsTransient reports whether err may go away if the request is sent again:
// a transport failure, a retryable status, or an unusable 2xx body (proxies
// sometimes answer with an error page).
func IsTransient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}

	var se *StatusError
	if errors.As(err, &se) {
		return se.Transient()
	}
	var te *TransportError
	var be *BadAnswerError
	return errors.As(err, &te) || errors.As(err, &be)
}

// RetryAfter returns the wait a *StatusError in err's chain asked for in
// its Retry-After header, if it sent one.
func RetryAfter(err error) (time.Duration, bool) {
	var se *StatusError
	if errors.As(err, &se) && se.HasRetryAfter {
		return se.RetryAfter, true
	}
	return 0, false
}
