// Package poll waits for Hub tasks to finish: it schedules polls of many
// tasks over one bounded set of requests, retries what may succeed later,
// and reports each change to an observer.
package poll

import (
	"slices"
	"time"
)

// The bounds of the default schedule.
const (
	// EarlyDelay is the time between polls of a task in its first
	// EarlyAge, when many image tasks finish.
	EarlyDelay = time.Second
	EarlyAge   = 10 * time.Second

	// MaxDefaultDelay is the longest the schedule waits between two polls
	// of a task whose history says nothing of when it will finish.
	MaxDefaultDelay = 2 * time.Second

	// DenseDelay bounds the time between polls while a task is within
	// the window its history predicts for its finish.
	MinDenseDelay = 200 * time.Millisecond
	MaxDenseDelay = time.Second

	// MaxSparseDelay is the longest gap before a task's predicted window
	// opens; a task that fails early is still noticed within it.
	MaxSparseDelay = 30 * time.Second
)

// Estimate is when a task is likely to finish, learned from how long
// earlier tasks of its model took.
type Estimate struct {
	Known  bool
	Lo, Hi time.Duration // the window of likely finish, as task ages
}

// EstimateFrom returns the window in which most of samples fall, widened
// by a margin for the spread that few samples cannot show: from the 10th
// to the 90th percentile, each moved out by 3% of the median or 250ms,
// whichever is more. Fewer than minSamples samples give no estimate.
func EstimateFrom(samples []time.Duration, minSamples int) Estimate {
	if len(samples) < max(minSamples, 1) {
		return Estimate{}
	}

	s := slices.Clone(samples)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)] }

	margin := max(250*time.Millisecond, at(0.5)*3/100)
	return Estimate{Known: true, Lo: max(at(0.1)-margin, 0), Hi: at(0.9) + margin}
}

// NextDelay returns the wait before the next poll of a running task that
// is age old. It is the default schedule, a pure function of the task's
// age and what history estimates; jitter, in [0, 1), spreads tasks that
// started together.
//
// Without an estimate, a task is polled every second for its first ten
// seconds, since many image tasks finish that soon, then every two. With
// one, it is polled sparsely until the window of likely finish opens
// (gaps of at most half its age, 5s at least and 30s at most), densely
// within the window, and as without an estimate once the window has
// passed.
func NextDelay(age time.Duration, est Estimate, jitter float64) time.Duration {
	var d time.Duration
	switch {
	case est.Known && age < est.Lo:
		gap := min(max(5*time.Second, age/2), MaxSparseDelay)
		return min(est.Lo-age, gap)
	case est.Known && age < est.Hi:
		d = min(max((est.Hi-est.Lo)/8, MinDenseDelay), MaxDenseDelay)
		d = min(d, est.Hi-age+MinDenseDelay)
	case age < EarlyAge:
		d = EarlyDelay
	default:
		d = MaxDefaultDelay
	}

	// Jitter only shortens a wait, by up to 15%, so no gap passes its
	// bound.
	return d * time.Duration(850+int64(150*jitter)) / 1000
}
