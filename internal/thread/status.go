package thread

import (
	"time"

	"github.com/threadline/threadline/internal/core"
)

// MaxSnooze bounds a snooze's duration.
const MaxSnooze = 365 * 24 * time.Hour

// SchedulerActor is the actor of the changes the snooze scheduler makes.
var SchedulerActor = core.Actor{Type: core.ActorSystem, ID: "snooze_scheduler"}

// setStatus moves t to status/detail at now, by actor.
func (t Thread) setStatus(s Status, d Detail, now core.Time, by core.Actor) Thread {
	t.Status, t.StatusDetail, t.StatusChangedAt, t.StatusChangedBy = s, d, now, by
	t.WaitingUntil = nil
	t.UpdatedAt, t.UpdatedBy = now, by
	return t
}

// MarkDone returns t marked done with detail (default DONE_MANUALLY_SET;
// the deprecated TIMER_EXPIRED means DONE_AUTOMATICALLY_SET) and whether
// anything changed.
func (t Thread) MarkDone(d *Detail, now core.Time, by core.Actor) (Thread, bool, error) {
	detail := DetailDoneManuallySet
	if d != nil {
		switch *d {
		case DetailDoneManuallySet, DetailDoneAutomaticallySet, DetailIgnored:
			detail = *d
		case "TIMER_EXPIRED":
			detail = DetailDoneAutomaticallySet
		default:
			return t, false, core.InvalidField("statusDetail", "Not a status detail of DONE: "+string(*d))
		}
	}
	if t.Status == StatusDone && t.StatusDetail == detail {
		return t, false, nil
	}
	return t.setStatus(StatusDone, detail, now, by), true, nil
}

// MarkTodo returns t marked todo with detail (default IN_PROGRESS).
func (t Thread) MarkTodo(d *Detail, now core.Time, by core.Actor) (Thread, bool, error) {
	detail := DetailInProgress
	if d != nil {
		switch *d {
		case DetailCreated, DetailInProgress, DetailNewReply, "THREAD_DISCUSSION_RESOLVED", "THREAD_LINK_UPDATED":
			detail = *d
		default:
			return t, false, core.InvalidField("statusDetail", "Not a status detail of TODO: "+string(*d))
		}
	}
	if t.Status == StatusTodo && t.StatusDetail == detail {
		return t, false, nil
	}
	return t.setStatus(StatusTodo, detail, now, by), true, nil
}

// Snooze returns t snoozed: for durationSeconds (WAITING_FOR_DURATION,
// waking at now+duration), or until the customer replies
// (WAITING_FOR_CUSTOMER, waking early at now+duration when one is given).
func (t Thread) Snooze(durationSeconds *int, d *Detail, now core.Time, by core.Actor) (Thread, error) {
	detail := DetailWaitingForDuration
	if d != nil {
		if *d != DetailWaitingForDuration && *d != DetailWaitingForCustomer {
			return t, core.InvalidField("statusDetail", "Not a status detail of SNOOZED: "+string(*d))
		}
		detail = *d
	}
	var until *core.Time
	switch {
	case durationSeconds != nil:
		// Checked before converting: a huge count of seconds would
		// overflow a Duration and wrap around to a short or past time.
		if *durationSeconds < 1 || int64(*durationSeconds) > int64(MaxSnooze/time.Second) {
			return t, core.InvalidField("durationSeconds", "Must be between 1 second and 1 year")
		}
		u := now.Add(time.Duration(*durationSeconds) * time.Second)
		until = &u
	case detail == DetailWaitingForDuration:
		return t, core.RequiredField("durationSeconds")
	}
	n := t.setStatus(StatusSnoozed, detail, now, by)
	n.WaitingUntil = until
	return n, nil
}

// Wake returns t woken from a snooze whose time has come: back to TODO.
func (t Thread) Wake(now core.Time) (Thread, bool) {
	if t.Status != StatusSnoozed || t.WaitingUntil == nil || t.WaitingUntil.Millis() > now.Millis() {
		return t, false
	}
	return t.setStatus(StatusTodo, DetailInProgress, now, SchedulerActor), true
}

// OnActivity returns t moved back to TODO (detail NEW_REPLY) when new
// activity from the customer arrives on a DONE or SNOOZED thread.
func (t Thread) OnActivity(now core.Time, by core.Actor) (Thread, bool) {
	if t.Status == StatusTodo {
		return t, false
	}
	return t.setStatus(StatusTodo, DetailNewReply, now, by), true
}

// Touch records a change by actor at now.
func (t Thread) Touch(now core.Time, by core.Actor) Thread {
	t.UpdatedAt, t.UpdatedBy = now, by
	return t
}
