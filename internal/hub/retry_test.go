package hub

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// retryNow is the fixed "now" that HTTP dates in the tests are relative to:
// Monday, 18 May 2026, 09:00:00 UTC.
var retryNow = time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"seconds with spaces", "  120 ", 2 * time.Minute, true},
		{"zero", "0", 0, true},
		{"negative", "-1", 0, false},
		{"largest exact seconds", "9223372036", 9223372036 * time.Second, true},
		{"seconds past time.Duration saturate", "9223372037", time.Duration(math.MaxInt64), true},
		{"seconds past int64 are not a number", "99999999999999999999", 0, false},
		{"fraction", "1.5", 0, false},
		{"empty", "", 0, false},
		{"blank", "   ", 0, false},
		{"garbage", "soon", 0, false},
		{"future IMF date", "Mon, 18 May 2026 09:01:30 GMT", 90 * time.Second, true},
		{"future ANSI C date", "Mon May 18 09:02:00 2026", 2 * time.Minute, true},
		{"date equal to now", "Mon, 18 May 2026 09:00:00 GMT", 0, true},
		{"past IMF date", "Mon, 18 May 2026 08:59:59 GMT", 0, true},
		{"past RFC 850 date", "Monday, 18-May-26 08:00:00 GMT", 0, true},
		{"date without zone", "2026-05-18T09:01:00Z", 0, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.value, retryNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v",
					tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	base := Backoff{Base: 500 * time.Millisecond, Cap: 30 * time.Second}
	half := base
	half.Rand = func() float64 { return 0.5 }
	quarter := base
	quarter.Rand = func() float64 { return 0.25 }
	zero := base
	zero.Rand = func() float64 { return 0 }

	tests := []struct {
		name string
		b    Backoff
		n    int
		want time.Duration
	}{
		{"no jitter, first", base, 0, 500 * time.Millisecond},
		{"no jitter, doubles", base, 1, time.Second},
		{"no jitter, doubles again", base, 2, 2 * time.Second},
		{"no jitter, below cap", base, 5, 16 * time.Second},
		{"no jitter, reaches cap", base, 6, 30 * time.Second},
		{"no jitter, stays at cap", base, 7, 30 * time.Second},
		{"no jitter, last shifted", base, 29, 30 * time.Second},
		{"no jitter, past shift range", base, 30, 30 * time.Second},
		{"no jitter, far past", base, 1000, 30 * time.Second},
		{"half, first", half, 0, 250 * time.Millisecond},
		{"half, third", half, 2, time.Second},
		{"half, capped", half, 10, 15 * time.Second},
		{"quarter, second", quarter, 1, 250 * time.Millisecond},
		{"quarter, capped", quarter, 64, 7500 * time.Millisecond},
		{"zero draw", zero, 3, 0},
		{"base above cap", Backoff{Base: time.Minute, Cap: 10 * time.Second}, 0, 10 * time.Second},
		{"tiny base, many doublings", Backoff{Base: time.Nanosecond, Cap: time.Hour}, 29, 1 << 29},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Delay(tt.n); got != tt.want {
				t.Errorf("Delay(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}

func TestBackoffRetryDelayPrefersRetryAfter(t *testing.T) {
	b := Backoff{Base: time.Second, Cap: time.Minute}

	tests := []struct {
		name string
		err  error
		n    int
		want time.Duration
	}{
		{
			name: "retry-after",
			err:  &StatusError{Code: 429, RetryAfter: 7 * time.Second, HasRetryAfter: true},
			n:    3,
			want: 7 * time.Second,
		},
		{
			name: "retry-after longer than the cap",
			err:  &StatusError{Code: 503, RetryAfter: 2 * time.Minute, HasRetryAfter: true},
			n:    0,
			want: 2 * time.Minute,
		},
		{
			name: "retry-after zero",
			err:  &StatusError{Code: 503, HasRetryAfter: true},
			n:    4,
			want: 0,
		},
		{
			name: "wrapped retry-after",
			err: fmt.Errorf("task x: %w",
				&StatusError{Code: 429, RetryAfter: 3 * time.Second, HasRetryAfter: true}),
			n:    2,
			want: 3 * time.Second,
		},
		{
			name: "status without retry-after",
			err:  &StatusError{Code: 503, RetryAfter: 9 * time.Second},
			n:    2,
			want: 4 * time.Second,
		},
		{
			name: "transport error",
			err:  &TransportError{Err: fmt.Errorf("connection reset")},
			n:    1,
			want: 2 * time.Second,
		},
		{
			name: "nil error",
			err:  nil,
			n:    0,
			want: time.Second,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.RetryDelay(tt.err, tt.n); got != tt.want {
				t.Errorf("RetryDelay(%v, %d) = %v, want %v", tt.err, tt.n, got, tt.want)
			}
		})
	}
}
