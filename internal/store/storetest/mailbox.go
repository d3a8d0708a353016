package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/store"
)

func newMailbox(t *testing.T, ws, user string, now core.Time) email.Mailbox {
	t.Helper()
	m, err := email.NewMailbox(ws, email.MailboxInput{Address: "help@a.test", Server: "127.0.0.1:993", Username: user,
		Password: "s3cret-" + user}, now, core.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testMailboxes checks that mailboxes read back as written, one due
// mailbox is leased to one poller at a time (the one due longest first),
// positions are saved only under the lease, a release schedules the next
// poll, a lease that ran out is claimed again, and a workspace sees only
// its own mailboxes.
func testMailboxes(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	now := core.FromMillis(core.SystemClock{}.Now().Millis())
	first, second := newMailbox(t, a.ID, "first", now.Add(-time.Minute)), newMailbox(t, b.ID, "second", now)
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateMailbox(ctx, second); err != nil {
			return err
		}
		return tx.CreateMailbox(ctx, first)
	})
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.ListMailboxes(ctx, a.ID); err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], first) {
			t.Errorf("ListMailboxes(A) = %+v, %v; want %+v", got, err, first)
		}
		return nil
	})
	claim := func(at core.Time, owner string) (email.Mailbox, error) {
		var m email.Mailbox
		err := st.Update(ctx, func(tx store.Tx) (err error) {
			m, err = tx.ClaimMailbox(ctx, at, at.Add(time.Minute), owner)
			return err
		})
		return m, err
	}
	m1, err1 := claim(now, "p1")
	m2, err2 := claim(now, "p2")
	_, err3 := claim(now, "p3")
	if err1 != nil || err2 != nil || m1.ID != first.ID || m2.ID != second.ID || m1.LeaseUntil == nil || m1.Password != "s3cret-first" {
		t.Fatalf("claims: %+v %v, %+v %v", m1, err1, m2, err2)
	}
	if !errors.Is(err3, core.ErrNotFound) {
		t.Errorf("a third claim with both leased: %v, want ErrNotFound", err3)
	}
	checkMailboxPoll(t, st, a.ID, m1, now)
	if _, err := claim(now.Add(30*time.Second), "p3"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("claimed a mailbox before its next poll or lease end: %v", err)
	}
	if m, err := claim(now.Add(2*time.Minute), "p3"); err != nil || m.ID != second.ID {
		t.Errorf("after its lease ran out: %+v, %v; want the second mailbox", m, err)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteMailbox(ctx, b.ID, first.ID) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting A's mailbox through B: %v", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteMailbox(ctx, a.ID, first.ID) })
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.ListMailboxes(ctx, a.ID); err != nil || len(got) != 0 {
			t.Errorf("after DeleteMailbox: %d, %v", len(got), err)
		}
		return nil
	})
}

// checkMailboxPoll checks that a leased mailbox's position is saved, and
// its poll released, by its owner only.
func checkMailboxPoll(t *testing.T, st store.Store, ws string, m1 email.Mailbox, now core.Time) {
	t.Helper()
	pos := email.MailboxPosition{UIDValidity: 7, LastUID: 42}
	mustUpdate(t, st, func(tx store.Tx) error {
		if ok, err := tx.SaveMailboxPosition(ctx, m1.ID, "p2", pos, now.Add(time.Hour)); ok || err != nil {
			t.Errorf("SaveMailboxPosition by a non-owner = %v, %v", ok, err)
		}
		if ok, err := tx.SaveMailboxPosition(ctx, m1.ID, "p1", pos, now.Add(time.Hour)); !ok || err != nil {
			t.Errorf("SaveMailboxPosition by the owner = %v, %v", ok, err)
		}
		polled := m1.AfterPoll(errors.New("login failed"), time.Minute, now)
		if ok, err := tx.ReleaseMailbox(ctx, polled, "p2"); ok || err != nil {
			t.Errorf("ReleaseMailbox by a non-owner = %v, %v", ok, err)
		}
		if ok, err := tx.ReleaseMailbox(ctx, polled, "p1"); !ok || err != nil {
			t.Errorf("ReleaseMailbox by the owner = %v, %v", ok, err)
		}
		return nil
	})
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.ListMailboxes(ctx, ws)
		if err != nil || len(got) != 1 || got[0].Position != pos || got[0].LeaseUntil != nil || got[0].LastError != "login failed" ||
			got[0].LastPolledAt == nil || got[0].NextPollAt.Millis() <= now.Millis() {
			t.Errorf("after a poll: %+v, %v", got, err)
		}
		return nil
	})
}

// testMailboxPasswordsSealed checks that mailbox passwords are sealed at
// rest once the store has a key, those stored before included, and read
// back in clear.
func testMailboxPasswordsSealed(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "A")
	now := core.SystemClock{}.Now()
	before := newMailbox(t, w.ID, "before", now)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateMailbox(ctx, before) })
	raw := func(id string) string {
		return QueryRows(t, st, `SELECT password FROM email_mailboxes WHERE id = '`+id+`'`)[0][0]
	}
	if raw(before.ID) != "s3cret-before" {
		t.Fatal("without a key, passwords are stored as they are")
	}
	box, _ := auth.NewSecretBox(auth.NewSecretKey())
	if err := st.(store.SecretKeeper).UseSecrets(ctx, box); err != nil {
		t.Fatal(err)
	}
	after := newMailbox(t, w.ID, "after", now)
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateMailbox(ctx, after) })
	for _, m := range []email.Mailbox{before, after} {
		if r := raw(m.ID); !auth.IsSealed(r) || strings.Contains(r, "s3cret") {
			t.Errorf("mailbox %s: password stored as %q", m.Username, r)
		}
	}
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.ListMailboxes(ctx, w.ID)
		if err != nil || len(got) != 2 || got[0].Password != "s3cret-"+got[0].Username || got[1].Password != "s3cret-"+got[1].Username {
			t.Errorf("passwords read back: %+v, %v", got, err)
		}
		return nil
	})
}
