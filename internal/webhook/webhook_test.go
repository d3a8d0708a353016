package webhook

import (
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
)

func TestAfterAttempt(t *testing.T) {
	created := core.FromMillis(1_000_000)
	now := created.Add(time.Hour)
	schedule := []time.Duration{10 * time.Second, time.Minute, time.Hour}
	pending := Delivery{ID: "whDelivery_1", Status: Pending, Attempts: 1, NextAttemptAt: created,
		LastError: "HTTP status 500", CreatedAt: created, UpdatedAt: created}
	tests := []struct {
		name      string
		attempt   Attempt
		schedule  []time.Duration
		status    DeliveryStatus
		lastError string
		wait      time.Duration // the schedule's wait before the next attempt, jitter aside; 0: NextAttemptAt unchanged
	}{
		{"success", Attempt{Number: 2, Result: ResultSuccess, StatusCode: 204}, schedule, Delivered, "", 0},
		{"success on the last attempt", Attempt{Number: 4, Result: ResultSuccess, StatusCode: 200}, schedule, Delivered, "", 0},
		{"failed response", Attempt{Number: 1, Result: ResultFailed, StatusCode: 503}, schedule, Pending, "HTTP status 503", 10 * time.Second},
		{"failed response, second", Attempt{Number: 2, Result: ResultFailed, StatusCode: 404, Error: "ignored"}, schedule, Pending, "HTTP status 404", time.Minute},
		{"timeout", Attempt{Number: 3, Result: ResultError, Error: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"},
			schedule, Pending, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", time.Hour},
		{"network error", Attempt{Number: 1, Result: ResultError, Error: "dial tcp 203.0.113.1:443: connect: connection refused"},
			schedule, Pending, "dial tcp 203.0.113.1:443: connect: connection refused", 10 * time.Second},
		{"rejected", Attempt{Number: 2, Result: ResultRejected, Error: "address 10.0.0.1 is not allowed"}, schedule, Pending,
			"address 10.0.0.1 is not allowed", time.Minute},
		{"schedule exhausted", Attempt{Number: 4, Result: ResultFailed, StatusCode: 500}, schedule, Failed, "HTTP status 500", 0},
		{"schedule exhausted by an error", Attempt{Number: 4, Result: ResultError, Error: "EOF"}, schedule, Failed, "EOF", 0},
		{"empty schedule", Attempt{Number: 1, Result: ResultError, Error: "EOF"}, nil, Failed, "EOF", 0},
		{"the default schedule's last retry", Attempt{Number: 12, Result: ResultFailed, StatusCode: 502}, Schedule, Pending,
			"HTTP status 502", 24 * time.Hour},
		{"after the default schedule", Attempt{Number: 13, Result: ResultFailed, StatusCode: 502}, Schedule, Failed, "HTTP status 502", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pending.AfterAttempt(tc.attempt, tc.schedule, now)
			if got.Status != tc.status || got.LastError != tc.lastError || got.Attempts != tc.attempt.Number || got.UpdatedAt != now {
				t.Errorf("got status %s, error %q, attempts %d, updated %s; want %s, %q, %d, %s",
					got.Status, got.LastError, got.Attempts, got.UpdatedAt.ISO8601(), tc.status, tc.lastError, tc.attempt.Number, now.ISO8601())
			}
			if tc.wait == 0 {
				if got.NextAttemptAt != pending.NextAttemptAt {
					t.Errorf("next attempt moved to %s", got.NextAttemptAt.ISO8601())
				}
			} else if waited := time.Duration(got.NextAttemptAt.Millis()-now.Millis()) * time.Millisecond; waited < tc.wait*9/10 || waited > tc.wait*11/10 {
				t.Errorf("next attempt after %s, want %s ±10%%", waited, tc.wait)
			}
			if got.ID != pending.ID || got.CreatedAt != pending.CreatedAt {
				t.Errorf("identity changed: %+v", got)
			}
		})
	}
}

func TestAbandon(t *testing.T) {
	now := core.FromMillis(2_000_000)
	d := Delivery{ID: "whDelivery_1", Status: Pending, Attempts: 2, NextAttemptAt: core.FromMillis(1_000_000), LastError: "EOF"}
	got := d.Abandon("webhook target deleted or disabled", now)
	if got.Status != Failed || got.LastError != "webhook target deleted or disabled" || got.UpdatedAt != now ||
		got.Attempts != 2 || got.NextAttemptAt != d.NextAttemptAt || got.ID != d.ID {
		t.Errorf("Abandon = %+v", got)
	}
}

func TestBackoff(t *testing.T) {
	schedule := []time.Duration{10 * time.Second, time.Hour}
	for _, n := range []int{0, -1, 3} {
		if d, ok := Backoff(schedule, n); ok {
			t.Errorf("Backoff(attempt %d) = %s, want none", n, d)
		}
	}
	// The jitter stays within ±10 % and actually varies.
	seen := map[time.Duration]bool{}
	for i := 0; i < 200; i++ {
		d, ok := Backoff(schedule, 2)
		if !ok || d < 54*time.Minute || d > 66*time.Minute {
			t.Fatalf("Backoff(2) = %s, %v; want 1h ±10%%", d, ok)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("Backoff(2) took only %d values in 200 draws: no jitter", len(seen))
	}
	if len(Schedule) != 12 || Schedule[0] != 10*time.Second || Schedule[11] != 24*time.Hour {
		t.Errorf("Schedule = %v", Schedule)
	}
}

func TestEventTypes(t *testing.T) {
	types := event.WebhookTypes()
	if len(EventTypes) != len(types) || len(types) != 20 {
		t.Fatalf("EventTypes = %v, event.WebhookTypes = %v", EventTypes, types)
	}
	for i, e := range types {
		if EventTypes[i] != string(e) || !Subscribable(EventTypes[i]) {
			t.Errorf("EventTypes[%d] = %q, want subscribable %q", i, EventTypes[i], e)
		}
	}
	for _, e := range []string{"", "labelType.label_type_created", "workspace.workspace_created", "thread.thread_created "} {
		if Subscribable(e) {
			t.Errorf("%q is subscribable", e)
		}
	}
	tg := Target{IsEnabled: true, EventTypes: []string{string(event.ThreadCreated)}}
	if !tg.Subscribes(event.ThreadCreated) || tg.Subscribes(event.CustomerCreated) {
		t.Error("an enabled target's subscriptions are not followed")
	}
	tg.IsEnabled = false
	if tg.Subscribes(event.ThreadCreated) {
		t.Error("a disabled target subscribes")
	}
}
