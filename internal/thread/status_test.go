package thread

import (
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
)

func TestTransitions(t *testing.T) {
	now := core.FromMillis(1_000_000)
	by := core.Actor{Type: core.ActorUser, ID: "u_1"}
	th := Thread{Status: StatusTodo, StatusDetail: DetailCreated}

	done, changed, err := th.MarkDone(nil, now, by)
	if err != nil || !changed || done.Status != StatusDone || done.StatusDetail != DetailDoneManuallySet ||
		done.StatusChangedAt != now || done.StatusChangedBy != by || done.UpdatedAt != now {
		t.Fatalf("MarkDone: %+v %v %v", done, changed, err)
	}
	if _, changed, _ := done.MarkDone(nil, now, by); changed {
		t.Fatal("marking a done thread done again changed it")
	}
	if _, _, err := th.MarkDone(ptr(DetailInProgress), now, by); err == nil {
		t.Fatal("a TODO detail was accepted for DONE")
	}
	todo, _, _ := done.MarkTodo(nil, now, by)
	if todo.Status != StatusTodo || todo.StatusDetail != DetailInProgress {
		t.Fatalf("MarkTodo: %+v", todo)
	}

	snoozed, err := todo.Snooze(ptr(60), nil, now, by)
	if err != nil || snoozed.Status != StatusSnoozed || snoozed.StatusDetail != DetailWaitingForDuration ||
		snoozed.WaitingUntil == nil || *snoozed.WaitingUntil != now.Add(60_000_000_000) {
		t.Fatalf("Snooze: %+v %v", snoozed, err)
	}
	if _, ok := snoozed.Wake(now.Add(59_000_000_000)); ok {
		t.Fatal("woke before its time")
	}
	woken, ok := snoozed.Wake(now.Add(60_000_000_000))
	if !ok || woken.Status != StatusTodo || woken.StatusDetail != DetailInProgress || woken.WaitingUntil != nil ||
		woken.StatusChangedBy != SchedulerActor {
		t.Fatalf("Wake: %+v", woken)
	}
	if _, ok := woken.Wake(now.Add(120_000_000_000)); ok {
		t.Fatal("woke a thread that is not snoozed")
	}
	forCustomer, err := todo.Snooze(nil, ptr(DetailWaitingForCustomer), now, by)
	if err != nil || forCustomer.WaitingUntil != nil {
		t.Fatalf("snooze for customer: %+v %v", forCustomer, err)
	}
	for _, bad := range []int{0, -5, 400 * 24 * 3600} {
		if _, err := todo.Snooze(ptr(bad), nil, now, by); err == nil {
			t.Errorf("snooze for %d s accepted", bad)
		}
	}
	if _, err := todo.Snooze(nil, nil, now, by); err == nil {
		t.Error("snooze without duration or detail accepted")
	}

	// New activity moves DONE and SNOOZED threads back to TODO.
	for _, from := range []Thread{done, snoozed, forCustomer} {
		back, ok := from.OnActivity(now, core.Actor{Type: core.ActorCustomer, ID: "c_1"})
		if !ok || back.Status != StatusTodo || back.StatusDetail != DetailNewReply || back.WaitingUntil != nil {
			t.Errorf("OnActivity from %s: %+v", from.Status, back)
		}
	}
	if _, ok := todo.OnActivity(now, by); ok {
		t.Error("activity changed a TODO thread")
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

func TestReceiveAndSendMessage(t *testing.T) {
	t0 := core.FromMillis(1_000_000)
	cust := core.Actor{Type: core.ActorCustomer, ID: "c_1"}
	agent := core.Actor{Type: core.ActorUser, ID: "u_1"}
	base := Thread{Status: StatusTodo, StatusDetail: DetailInProgress, StatusChangedAt: t0}
	done, _, _ := base.MarkDone(nil, t0, agent)
	snoozed, _ := base.Snooze(nil, ptr(DetailWaitingForCustomer), t0, agent)

	for _, from := range []Thread{done, snoozed} {
		now := t0.Add(time.Minute)
		got, changed := from.ReceiveMessage(MessageInfo{At: now, Source: SourceChat, Actor: cust}, "help", now)
		if !changed || got.Status != StatusTodo || got.StatusDetail != DetailNewReply || got.StatusChangedBy != cust {
			t.Errorf("a customer message on %s %s: %s %s by %v", from.Status, from.StatusDetail, got.Status, got.StatusDetail, got.StatusChangedBy)
		}
		if got.Messages.LastInbound == nil || got.LastInboundMillis() != now.Millis() || *got.PreviewText != "help" {
			t.Errorf("message infos not kept: %+v", got.Messages)
		}
	}
	// On a TODO thread the status stays; a back-dated message is the first
	// but not the last inbound message.
	now := t0.Add(time.Hour)
	got, changed := base.ReceiveMessage(MessageInfo{At: now, Source: SourceChat, Actor: cust}, "", now)
	if changed || got.StatusDetail != DetailInProgress || got.PreviewText != nil {
		t.Errorf("TODO thread: changed %v, %s, preview %v", changed, got.StatusDetail, got.PreviewText)
	}
	early := t0.Add(-time.Hour)
	got, _ = got.ReceiveMessage(MessageInfo{At: early, Source: SourceChat, Actor: cust}, "older", now)
	if got.Messages.FirstInbound.At != early || got.Messages.LastInbound.At != now {
		t.Errorf("back-dated message: first %v last %v", got.Messages.FirstInbound.At, got.Messages.LastInbound.At)
	}
	// Sending records outbound infos and leaves the status alone.
	sent := done.SendMessage(MessageInfo{At: now, Source: SourceChat, Actor: agent}, "on it", now)
	if sent.Status != StatusDone || sent.Messages.FirstOutbound == nil || sent.Messages.LastInbound != nil || sent.LastInboundMillis() != 0 {
		t.Errorf("send: %+v", sent)
	}
}
