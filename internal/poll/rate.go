package poll

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// RateController shares a rate of requests among all the tasks of a wait.
// It starts without a limit (or at the hard cap, when one is set). A 429
// halves the rate, taken from what was being sent; the 429s that answer
// requests sent before the cut, within the next second, do not cut it
// again. Every second without a 429 adds back a twentieth of the rate
// before the cut (at least one request per second), so the rate recovers
// in about ten seconds, until the limit passes the cap or, with no cap,
// grows so far above what is sent that it is dropped. This is additive
// increase and multiplicative decrease, as TCP shares a link. It is not
// safe for concurrent use; the scheduler owns it.
type RateController struct {
	lim     *rate.Limiter
	cap     float64 // hard cap in requests per second; 0 for none
	limited bool    // whether lim holds a learned limit below the cap

	window   time.Time // start of the current one-second count
	count    int       // requests sent in the current second
	last     int       // requests sent in the second before
	increase time.Time // when the limit may next grow
	cut      time.Time // when the limit was last cut
	step     float64   // what each second adds back, in requests per second
}

// minRate is the slowest the controller backs off to, in requests per
// second.
const minRate = 0.5

// NewRateController returns a controller with a hard cap of maxRate
// requests per second, or none when maxRate is 0.
func NewRateController(maxRate float64) *RateController {
	c := &RateController{cap: maxRate, lim: rate.NewLimiter(rate.Inf, 1)}
	if maxRate > 0 {
		c.lim = rate.NewLimiter(rate.Limit(maxRate), burstFor(maxRate))
	}
	return c
}

// burstFor lets a tenth of a second's worth of requests go at once.
func burstFor(r float64) int {
	return max(1, int(math.Ceil(r/10)))
}

// Next reports when n requests may be sent together: now, or later.
// Waiting for a batch, rather than for each request, keeps a limited
// scheduler from waking for every token.
func (c *RateController) Next(now time.Time, n int) time.Time {
	if c.lim.Limit() == rate.Inf {
		return now
	}

	n = min(max(n, 1), c.lim.Burst())
	r := c.lim.ReserveN(now, n)
	if !r.OK() {
		return now.Add(time.Second)
	}
	delay := r.DelayFrom(now)
	r.CancelAt(now)
	return now.Add(delay)
}

// Sent records a request sent at now. The caller has checked Next.
func (c *RateController) Sent(now time.Time) {
	c.tick(now)
	c.count++
	if c.lim.Limit() != rate.Inf {
		c.lim.AllowN(now, 1)
	}
}

// tick moves the one-second count forward to now.
func (c *RateController) tick(now time.Time) {
	switch elapsed := now.Sub(c.window); {
	case elapsed >= 2*time.Second:
		c.window, c.count, c.last = now, 0, 0
	case elapsed >= time.Second:
		c.window, c.last, c.count = c.window.Add(time.Second), c.count, 0
	}
}

// Rate returns the current limit in requests per second; +Inf for none.
func (c *RateController) Rate() float64 {
	if c.lim.Limit() == rate.Inf {
		return math.Inf(1)
	}
	return float64(c.lim.Limit())
}

// Throttled records a 429 at now and reports whether it cut the limit: to
// half the rate that was being sent, or half the limit if that is lower.
// A 429 within a second of the last cut answers a request sent before it,
// and does not cut again.
func (c *RateController) Throttled(now time.Time) bool {
	if c.limited && now.Sub(c.cut) < time.Second {
		return false
	}
	c.tick(now)

	sending := float64(max(c.last, c.count))
	current := math.Min(sending, c.Rate())
	next := math.Max(current/2, minRate)
	if c.cap > 0 {
		next = math.Min(next, c.cap)
	}

	c.lim.SetLimitAt(now, rate.Limit(next))
	c.lim.SetBurstAt(now, burstFor(next))
	c.limited, c.cut = true, now
	c.step = math.Max(1, current/20)
	c.increase = now.Add(time.Second)
	return true
}

// Succeeded records an answer that was not a 429: once a second the limit
// grows by the step set at the last cut.
func (c *RateController) Succeeded(now time.Time) {
	if !c.limited || now.Before(c.increase) {
		return
	}
	c.tick(now)
	c.increase = now.Add(time.Second)

	next := c.Rate() + c.step
	switch {
	case c.cap > 0 && next >= c.cap:
		next, c.limited = c.cap, false
	case c.cap == 0 && next > 2*float64(max(c.last, c.count))+10:
		c.lim.SetLimitAt(now, rate.Inf)
		c.limited = false
		return
	}
	c.lim.SetLimitAt(now, rate.Limit(next))
	c.lim.SetBurstAt(now, burstFor(next))
}
