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
	EarlyAge   = 4 * time.Second

	// MaxDefaultDelay is the longest the schedule waits between two polls
	// of a task whose history says nothing of when it will finish.
	MaxDefaultDelay = 2 * time.Second

	// DenseDelay is the time between polls in the middle of the window in
	// which history says a task finishes, and MinDenseDelay the shortest
	// any wait gets; MaxTailDelay bounds the gaps in the window's tails.
	DenseDelay    = 700 * time.Millisecond
	MinDenseDelay = 200 * time.Millisecond
	MaxTailDelay  = 3 * time.Second

	// MaxSparseDelay is the longest gap before a task's window opens; a
	// task that fails early is still noticed within it.
	MaxSparseDelay = 30 * time.Second
)

// Estimate is when a task is likely to finish, learned from how long
// earlier tasks of its model took: most finish between Lo and Hi, and the
// middle ones between MidLo and MidHi.
type Estimate struct {
	Known        bool
	Lo, Hi       time.Duration
	MidLo, MidHi time.Duration
}

// EstimateFrom returns the windows in which samples fall: from the 5th to
// the 95th percentile, and the middle, from the 15th to the 85th, each
// widened by a margin for the spread that few samples cannot show (3% of
// the median or 250ms, whichever is more). Fewer than minSamples samples
// give no estimate.
func EstimateFrom(samples []time.Duration, minSamples int) Estimate {
	if len(samples) < max(minSamples, 1) {
		return Estimate{}
	}

	s := slices.Clone(samples)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)] }

	margin := max(250*time.Millisecond, at(0.5)*3/100)
	return Estimate{
		Known: true,
		Lo:    max(at(0.05)-margin, 0), Hi: at(0.95) + margin,
		MidLo: max(at(0.15)-margin, 0), MidHi: at(0.85) + margin,
	}
}

// NextDelay returns the wait before the next poll of a running task that
// is age old. It is the default schedule, a pure function of the task's
// age and what history estimates; jitter, in [0, 1), spreads tasks that
// started together.
//
// Without an estimate, a task is polled every second for its first four
// seconds, since many image tasks finish that soon, then every two. With
// one, the polls follow the odds of finishing: one at the opening of the
// window (gaps of at most 30s before it; straight to its middle when its
// early tail is short), every 0.7s through its middle, where most tasks
// finish, no more often in its tails, and as without an estimate once the
// window has passed. When the early tail is short and two dense polls
// would cover the middle (1.4s or less), the first poll goes three quarters
// into the middle instead: it finds most tasks finished, a fraction of a
// second after they did, and saves the poll that would find them running
// at the middle's start.
func NextDelay(age time.Duration, est Estimate, jitter float64) time.Duration {
	var d time.Duration
	switch {
	case est.Known && age < est.Lo:
		target := est.Lo
		switch {
		case est.MidLo-est.Lo < DenseDelay && est.MidHi-est.MidLo <= 2*DenseDelay:
			target = est.MidLo + (est.MidHi-est.MidLo)*3/4
		case est.MidLo-est.Lo < DenseDelay:
			target = est.MidLo
		}
		return max(min(target-age, MaxSparseDelay), MinDenseDelay)
	case est.Known && age < est.MidLo:
		// Across the early tail, up to its end but no closer than a dense
		// poll would be.
		d = min(max((est.MidLo-est.Lo)/2, DenseDelay), MaxTailDelay, est.MidLo-age)
		d = max(d, DenseDelay)
	case est.Known && age < est.MidHi:
		d = DenseDelay
	case est.Known && age < est.Hi:
		d = min(max((est.Hi-est.MidHi)/2, DenseDelay), MaxTailDelay)
	case age < EarlyAge:
		d = EarlyDelay
	default:
		d = MaxDefaultDelay
	}

	// Jitter only shortens a wait, by up to 15%, so no gap passes its
	// bound; no wait is shorter than MinDenseDelay.
	d = max(d, MinDenseDelay)
	return d * time.Duration(850+int64(150*jitter)) / 1000
}
