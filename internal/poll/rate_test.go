package poll

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)

// send records n requests spread evenly over d from start, as the
// scheduler would, and returns when the last one went.
func send(c *RateController, start time.Time, n int, d time.Duration) time.Time {
	at := start
	for i := range n {
		at = start.Add(d * time.Duration(i) / time.Duration(n))
		c.Sent(at)
	}
	return at
}

func TestRateControllerStartsUnlimited(t *testing.T) {
	c := NewRateController(0)
	send(c, t0, 500, 100*time.Millisecond)

	if next := c.Next(t0.Add(100*time.Millisecond), 1); !next.Equal(t0.Add(100 * time.Millisecond)) {
		t.Errorf("Next = %v after 500 requests, want now: no limit until a 429", next)
	}
	if !math.IsInf(c.Rate(), 1) {
		t.Errorf("Rate = %v, want +Inf", c.Rate())
	}
}

func TestRateControllerHardCap(t *testing.T) {
	c := NewRateController(10)

	now := t0
	var sent []time.Time
	for len(sent) < 12 {
		now = c.Next(now, 1)
		c.Sent(now)
		sent = append(sent, now)
	}
	// A burst of one (a tenth of a second's worth), then one per 100ms.
	if got := sent[11].Sub(sent[0]); got != 1100*time.Millisecond {
		t.Errorf("12 requests at a cap of 10/s took %v, want 1.1s", got)
	}
}

func TestRateControllerWaitsForABatch(t *testing.T) {
	c := NewRateController(100) // a burst of 10
	for range 10 {
		c.Sent(t0)
	}

	if got := c.Next(t0, 8).Sub(t0); got != 80*time.Millisecond {
		t.Errorf("8 requests may go after %v, want 80ms, when 8 tokens are back", got)
	}
	if got := c.Next(t0, 50).Sub(t0); got != 100*time.Millisecond {
		t.Errorf("50 requests may go after %v, want 100ms: a batch is at most the burst", got)
	}
}

func TestRateControllerHalvesOnThrottle(t *testing.T) {
	c := NewRateController(0)
	last := send(c, t0, 40, time.Second)
	if !c.Throttled(last) {
		t.Fatal("the first 429 did not cut the rate")
	}

	if got := c.Rate(); got != 20 {
		t.Errorf("Rate after a 429 while sending 40/s = %v, want 20", got)
	}
	if c.Throttled(last.Add(500*time.Millisecond)) || c.Rate() != 20 {
		t.Errorf("a 429 within a second of the cut cut again, to %v; want it to answer an old request", c.Rate())
	}
	send(c, last, 22, 1100*time.Millisecond) // at the limit of 20/s
	if !c.Throttled(last.Add(1100*time.Millisecond)) || c.Rate() != 10 {
		t.Errorf("Rate after a 429 a second later = %v, want 10 (half the limit)", c.Rate())
	}
	for i := range 10 {
		c.Throttled(last.Add(time.Duration(2+i) * time.Second))
	}
	if got := c.Rate(); got != minRate {
		t.Errorf("Rate after a 429 every second = %v, want the floor %v", got, minRate)
	}
}

func TestRateControllerRecoversAdditively(t *testing.T) {
	c := NewRateController(30)
	last := send(c, t0, 30, time.Second)
	c.Throttled(last)
	if got := c.Rate(); got != 15 {
		t.Fatalf("Rate after a 429 = %v, want 15", got)
	}

	// Answers within the same second do not raise it more than once.
	now := last
	for i := range 5 {
		now = last.Add(time.Second + time.Duration(i)*time.Millisecond)
		c.Succeeded(now)
	}
	if got := c.Rate(); got != 16.5 {
		t.Errorf("Rate a second later = %v, want 16.5 (a twentieth of 30 back)", got)
	}

	for i := 2; i <= 10; i++ {
		c.Succeeded(last.Add(time.Duration(i) * time.Second))
	}
	if got := c.Rate(); got != 30 {
		t.Errorf("Rate after recovering = %v, want the cap of 30", got)
	}
}

func TestRateControllerDropsLimitWellAboveDemand(t *testing.T) {
	c := NewRateController(0)
	last := send(c, t0, 20, time.Second)
	c.Throttled(last) // limit 10

	// Demand falls to 2 requests a second; once the limit passes
	// 2×2+10 = 14, it is dropped.
	now := last
	for i := 1; i <= 10; i++ {
		now = last.Add(time.Duration(i) * time.Second)
		send(c, now.Add(-time.Second), 2, time.Second)
		c.Succeeded(now)
	}
	if !math.IsInf(c.Rate(), 1) {
		t.Errorf("Rate = %v after demand fell, want no limit", c.Rate())
	}
}
