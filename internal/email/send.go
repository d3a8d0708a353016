package email

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/core"
)

// SendSchedule is the wait before retry n (1-based) of an email the relay
// did not take: quickly at first (a relay restarting, a greylisting
// server), then further apart, for about four days in all, as mail
// servers retry; then the email fails.
var SendSchedule = []time.Duration{30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour}

// backoff returns the wait after failed attempt n (1-based) under
// schedule with ±10 % jitter; ok is false when no retry remains.
func backoff(schedule []time.Duration, attempt int) (time.Duration, bool) {
	if attempt < 1 || attempt > len(schedule) {
		return 0, false
	}
	d := schedule[attempt-1]
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d)), true
}

// SendOutcome is how one attempt to hand an email to the relay ended:
// accepted (Err ""), refused for now (retried), or refused for good
// (Permanent: a 5xx answer, an address the relay will never take).
type SendOutcome struct {
	Err       string
	Permanent bool
}

// maxErrorLength bounds the error an email keeps of its last attempt.
const maxErrorLength = 1000

// AfterSend returns e after one attempt ending in o at now: SENT when the
// relay accepted it; otherwise PENDING again after the schedule's next
// wait, or FAILED when the refusal was permanent or the schedule has no
// wait left. Attempts counts the attempt; the lease is released.
func (e Email) AfterSend(o SendOutcome, schedule []time.Duration, now core.Time) Email {
	e.Attempts++
	e.LeaseUntil, e.UpdatedAt = nil, now
	if o.Err == "" {
		e.SendStatus, e.LastError, e.SentAt = Sent, "", &now
		return e
	}
	e.LastError = o.Err
	if r := []rune(o.Err); len(r) > maxErrorLength {
		e.LastError = string(r[:maxErrorLength])
	}
	if wait, ok := backoff(schedule, e.Attempts); ok && !o.Permanent {
		e.SendStatus, e.NextAttemptAt = Pending, now.Add(wait)
	} else {
		e.SendStatus = Failed
	}
	return e
}

// BounceReason is Plain's EmailBounceReason.
type BounceReason string

// The bounce reasons Threadline tells apart.
const (
	BounceBadAddress BounceReason = "BAD_EMAIL_ADDRESS"
	BounceBlocked    BounceReason = "BLOCKED"
	BounceHard       BounceReason = "HARD_BOUNCE"
	BounceSoft       BounceReason = "SOFT_BOUNCE"
	BounceDNS        BounceReason = "DNS_ERROR"
	BounceUnknown    BounceReason = "UNKNOWN"
)

// StatusReport is what a delivery status notification (RFC 3464) says
// of a message Threadline sent: which message (its Message-IDs as quoted
// in the report), to whom, with what action and status code.
type StatusReport struct {
	MessageIDs []string
	Recipient  string
	Action     string // "failed", "delayed", "delivered", "relayed", "expanded"
	Status     string // "5.1.1"
	Diagnostic string
}

// IsBounce reports whether r says a message was not delivered (an action
// of failed; a report without an action but with a 4xx or 5xx status).
func (r StatusReport) IsBounce() bool {
	switch strings.ToLower(r.Action) {
	case "failed":
		return true
	case "":
		return strings.HasPrefix(r.Status, "5") || strings.HasPrefix(r.Status, "4")
	}
	return false
}

// Bounce returns the bounce r reports, received at now.
func (r StatusReport) Bounce(now core.Time) Bounce {
	b := Bounce{At: now, Recipient: Normalize(r.Recipient), Details: r.Diagnostic, Reason: BounceHard}
	switch {
	case strings.HasPrefix(r.Status, "4"):
		b.Reason, b.Retriable = BounceSoft, true
	case strings.HasPrefix(r.Status, "5.1."):
		b.Reason = BounceBadAddress
	case strings.HasPrefix(r.Status, "5.4.4"):
		b.Reason = BounceDNS
	case strings.HasPrefix(r.Status, "5.7."):
		b.Reason = BounceBlocked
	case r.Status == "":
		b.Reason = BounceUnknown
	}
	if len(b.Details) > maxErrorLength {
		b.Details = b.Details[:maxErrorLength]
	}
	return b
}

// WithBounce returns e with b recorded, BOUNCED, at now.
func (e Email) WithBounce(b Bounce, now core.Time) Email {
	e.Bounces = append(append([]Bounce(nil), e.Bounces...), b)
	e.SendStatus, e.UpdatedAt = Bounced, now
	return e
}
