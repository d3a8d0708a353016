// Package webhook defines webhook targets (where a workspace wants its
// events sent), deliveries (one event for one target) with their retry
// schedule, and delivery attempts. Sending lives in internal/outbox.
package webhook

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
)

// Version is the webhook payload version Threadline sends: the one Plain's
// SDK 5.12.1 validates.
const Version = "2026-02-27"

// MaxTargets bounds a workspace's webhook targets, as in Plain.
const MaxTargets = 25

// Error codes of webhook targets.
const CodeTooMany = "too_many_webhook_targets"

// EventTypes are the event types a target can subscribe to: the webhook
// events Threadline emits, as event.WebhookTypes lists them.
var EventTypes = func() []string {
	var out []string
	for _, t := range event.WebhookTypes() {
		out = append(out, string(t))
	}
	return out
}()

// Subscribable reports whether t is an event type targets can receive.
func Subscribable(t string) bool { return event.Type(t).IsWebhook() }

// Target is a URL that receives a workspace's events of chosen types.
type Target struct {
	ID          string
	WorkspaceID string
	URL         string
	Description string
	IsEnabled   bool
	EventTypes  []string
	Version     string
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// Subscribes reports whether the target is enabled and wants events of
// type e.
func (t Target) Subscribes(e event.Type) bool {
	return t.IsEnabled && slices.Contains(t.EventTypes, string(e))
}

// TargetInput is the settable part of a target.
type TargetInput struct {
	URL         string
	Description string
	IsEnabled   bool
	EventTypes  []string
	Version     string
}

// Validate checks a target's settings; field paths are relative to the
// mutation input. URLs must be absolute http(s) URLs; whether their host
// may be private is decided when connecting (see internal/outbox).
func (in TargetInput) Validate() (TargetInput, error) {
	var c core.Collector
	in.URL = strings.TrimSpace(in.URL)
	if err := CheckURL(in.URL); err != nil {
		c.Invalid("url", err.Error())
	}
	if len([]rune(in.Description)) > 500 {
		c.Invalid("description", "String must contain at most 500 character(s)")
	}
	seen := map[string]bool{}
	var types []string
	for i, e := range in.EventTypes {
		switch {
		case !Subscribable(e):
			c.Invalid(fmt.Sprintf("eventSubscriptions.%d.eventType", i), fmt.Sprintf("Unknown event type %q", e))
		case !seen[e]:
			seen[e] = true
			types = append(types, e)
		}
	}
	in.EventTypes = types
	if in.Version == "" {
		in.Version = Version
	} else if in.Version != Version {
		c.Invalid("version", "Only version "+Version+" is supported")
	}
	return in, c.Err()
}

// CheckURL checks that u is an absolute http or https URL with a host.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.Hostname() == "" {
		return fmt.Errorf("Must be an absolute http:// or https:// URL")
	}
	if len(u) > 2000 {
		return fmt.Errorf("URL is too long")
	}
	return nil
}

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

// The delivery statuses.
const (
	Pending   DeliveryStatus = "PENDING"
	Delivered DeliveryStatus = "DELIVERED"
	Failed    DeliveryStatus = "FAILED"
)

// Delivery is one event to send to one target, retried until it succeeds
// or its schedule runs out.
type Delivery struct {
	ID          string // whDelivery_
	WorkspaceID string
	TargetID    string
	EventID     string // the outbox event (pEv_)
	EventType   string
	// OrderKey groups deliveries that must arrive in order (a thread's id,
	// or a customer's): one target receives them one at a time.
	OrderKey      string
	Status        DeliveryStatus
	Attempts      int
	NextAttemptAt core.Time
	LeaseUntil    *core.Time
	LastError     string
	CreatedAt     core.Time
	UpdatedAt     core.Time
}

// Schedule is the wait before retry n (1-based), as in Plain: 10 s, 30 s,
// 5 m, 30 m, 1 h, 3 h, 6 h, 12 h, then 1 d four times — 12 retries over
// about five days; then the delivery fails.
var Schedule = []time.Duration{10 * time.Second, 30 * time.Second, 5 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour}

// Backoff returns the wait after failed attempt n (1-based) under schedule,
// with ±10 % jitter so that a target's retries do not all line up; ok is
// false when no retry remains.
func Backoff(schedule []time.Duration, attempt int) (time.Duration, bool) {
	if attempt < 1 || attempt > len(schedule) {
		return 0, false
	}
	d := schedule[attempt-1]
	jitter := time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	return d + jitter, true
}

// AfterAttempt returns d moved on by attempt a, recorded at now: delivered
// when a succeeded; otherwise pending again after the schedule's jittered
// wait for attempt number a.Number, or failed once the schedule has no
// wait left (NextAttemptAt then stays as it was). LastError says why the
// attempt failed ("HTTP status 503" for a failed response, the attempt's
// error otherwise) and is cleared on success. Attempts becomes a.Number.
func (d Delivery) AfterAttempt(a Attempt, schedule []time.Duration, now core.Time) Delivery {
	d.Attempts, d.UpdatedAt = a.Number, now
	if a.Result == ResultSuccess {
		d.Status, d.LastError = Delivered, ""
		return d
	}
	d.LastError = a.Error
	if a.Result == ResultFailed {
		d.LastError = "HTTP status " + strconv.Itoa(a.StatusCode)
	}
	if wait, ok := Backoff(schedule, a.Number); ok {
		d.Status, d.NextAttemptAt = Pending, now.Add(wait)
	} else {
		d.Status = Failed
	}
	return d
}

// Abandon returns d failed at now without a further attempt, with reason
// as its LastError (its target is gone, say); Attempts stays as it was.
func (d Delivery) Abandon(reason string, now core.Time) Delivery {
	d.Status, d.LastError, d.UpdatedAt = Failed, reason, now
	return d
}

// AttemptResult is Plain's WebhookDeliveryAttemptResultStatus.
type AttemptResult string

// The attempt results.
const (
	ResultSuccess  AttemptResult = "SUCCESSFUL_RESPONSE"
	ResultFailed   AttemptResult = "FAILED_RESPONSE"
	ResultError    AttemptResult = "ERROR"
	ResultRejected AttemptResult = "REJECTED"
)

// Attempt is one try of a delivery ("whAttempt_").
type Attempt struct {
	ID          string
	WorkspaceID string
	DeliveryID  string
	TargetID    string
	EventID     string
	EventType   string
	Number      int
	AttemptedAt core.Time
	DurationMS  int
	Result      AttemptResult
	StatusCode  int    // for SUCCESSFUL_RESPONSE and FAILED_RESPONSE
	Error       string // for ERROR and REJECTED
}

// AttemptFilter narrows an attempt log: any of EventTypes, and Result.
type AttemptFilter struct {
	EventTypes []string
	Result     AttemptResult
}
