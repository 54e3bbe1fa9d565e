// Package poll waits for Hub tasks to finish: it schedules polls of many
// tasks over one bounded set of requests, retries what may succeed later,
// and reports each change to an observer.
package poll

import "time"

// MaxDefaultDelay is the longest the default schedule waits between two
// polls of a task.
const MaxDefaultDelay = 5 * time.Second

// DefaultDelay returns the wait before the next poll of a task that has
// been running for age. Young tasks are polled often, since many image
// tasks finish within seconds; older ones less often, never more than
// MaxDefaultDelay apart. jitter, in [0, 1), spreads polls of tasks started
// together by up to ±10%.
func DefaultDelay(age time.Duration, jitter float64) time.Duration {
	var d time.Duration
	switch {
	case age < 10*time.Second:
		d = time.Second
	case age < 30*time.Second:
		d = 2 * time.Second
	case age < 2*time.Minute:
		d = 3 * time.Second
	default:
		d = MaxDefaultDelay
	}

	d = time.Duration(float64(d) * (0.9 + 0.2*jitter))
	return min(d, MaxDefaultDelay)
}
