package thread

import (
	"testing"

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
