package watch

import (
	"time"
)

// object is what watch remembers of one managed resource instance between
// checks: whether it drifted, its recent repairs (to notice flapping) and
// its failures (to back off).
type object struct {
	addr, typ, host string
	drifted         bool
	// repairs are the times of the repairs within the flap window.
	repairs []time.Time
	// contested: something else keeps changing the object; watch leaves it
	// alone until the configuration changes.
	contested bool
	failures  int
	retryAt   time.Time // no attempt before this, after a failure
}

// policy is how hard watch fights for an object.
type policy struct {
	flapRepairs int           // repairs allowed within flapWindow
	flapWindow  time.Duration // the window
	backoffBase time.Duration // the first retry after a failure
	backoffMax  time.Duration // the longest wait between retries
}

// recentRepairs drops the repairs older than the window and counts the
// others.
func (o *object) recentRepairs(now time.Time, window time.Duration) int {
	kept := o.repairs[:0]
	for _, t := range o.repairs {
		if now.Sub(t) < window {
			kept = append(kept, t)
		}
	}
	o.repairs = kept
	return len(kept)
}

// waiting says whether an object is left alone for now: contested, or
// backing off after a failure.
func (o *object) waiting(now time.Time) bool {
	return o.contested || now.Before(o.retryAt)
}

// contest marks an object contested when it drifted again after the whole
// allowance of repairs within the window, and reports whether it did.
func (o *object) contest(now time.Time, p policy) bool {
	if o.recentRepairs(now, p.flapWindow) >= p.flapRepairs {
		o.contested = true
	}
	return o.contested
}

// repaired records a successful repair.
func (o *object) repaired(now time.Time) {
	o.repairs = append(o.repairs, now)
	o.drifted, o.failures, o.retryAt = false, 0, time.Time{}
}

// failed records a failed repair and returns the wait before the next
// attempt: doubling from the base, capped.
func (o *object) failed(now time.Time, p policy) time.Duration {
	o.failures++
	wait := p.backoffBase
	for i := 1; i < o.failures && wait < p.backoffMax; i++ {
		wait *= 2
	}
	wait = min(wait, p.backoffMax)
	o.retryAt = now.Add(wait)
	return wait
}
