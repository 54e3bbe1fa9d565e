package hub

import (
	"context"
	"crypto/tls"
	"crypto/x509"
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

// Misconfigured reports whether the failure will recur on every attempt,
// because client and server cannot talk at all: the server does not speak
// TLS at an https:// address, or its certificate is not valid for it.
// Timeouts and dropped connections during the handshake are not in this
// class; they may pass.
func (e *TransportError) Misconfigured() bool {
	var header tls.RecordHeaderError
	var verify *tls.CertificateVerificationError
	var authority x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(e.Err, &header) || errors.As(e.Err, &verify) || errors.As(e.Err, &authority) ||
		errors.As(e.Err, &host) || errors.As(e.Err, &invalid) ||
		// net/http reports a plain-HTTP answer to a TLS hello with an
		// error of its own, which it does not export.
		strings.Contains(e.Err.Error(), "server gave HTTP response to HTTPS client")
}

// IsTransient reports whether err may go away if the request is sent again:
// a transport failure other than a misconfiguration, a retryable status, or
// an unusable 2xx body (proxies sometimes answer with an error page).
func IsTransient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}

	var se *StatusError
	if errors.As(err, &se) {
		return se.Transient()
	}
	var te *TransportError
	if errors.As(err, &te) {
		return !te.Misconfigured()
	}
	var be *BadAnswerError
	return errors.As(err, &be)
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
