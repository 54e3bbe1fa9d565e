package hub

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After header value in either of its forms:
// a number of seconds, or an HTTP date, which is taken relative to now. A
// date in the past means no wait. It reports false for anything else,
// including negative numbers.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}

	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}

	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	if d := at.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// Backoff computes exponential waits with full jitter: the wait before
// retry n (counting from 0) is drawn uniformly from [0, min(Cap, Base·2ⁿ)).
type Backoff struct {
	Base time.Duration
	Cap  time.Duration

	// Rand returns a number in [0, 1); nil means no jitter, the full wait.
	Rand func() float64
}

// DefaultBackoff is the back-off between retries of a failed request.
var DefaultBackoff = Backoff{Base: 500 * time.Millisecond, Cap: 30 * time.Second}

// Delay returns the wait before retry n.
func (b Backoff) Delay(n int) time.Duration {
	limit := b.Cap
	if n < 30 {
		if d := b.Base << n; d > 0 && d < limit {
			limit = d
		}
	}

	if b.Rand == nil {
		return limit
	}
	return time.Duration(b.Rand() * float64(limit))
}

// MaxRetryAfter is the longest wait a Retry-After header can impose; a
// longer one, from a confused server, is taken as this.
const MaxRetryAfter = time.Hour

// RetryDelay returns the wait before retry n after err: the server's
// Retry-After when it sent one (at most MaxRetryAfter), else the back-off's
// delay.
func (b Backoff) RetryDelay(err error, n int) time.Duration {
	if d, ok := RetryAfter(err); ok {
		return min(d, MaxRetryAfter)
	}
	return b.Delay(n)
}
