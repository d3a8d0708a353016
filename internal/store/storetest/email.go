package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// testSupportAddresses checks that an address routes to one workspace
// (a second claim of it, from any workspace, is a duplicate), lists in
// creation order, and is removed only through its own workspace.
func testSupportAddresses(t *testing.T, st store.Store) {
	a, b := MustCreateWorkspace(t, st, "A"), MustCreateWorkspace(t, st, "B")
	now := core.SystemClock{}.Now()
	help := email.SupportAddress{Address: "help@a.test", WorkspaceID: a.ID, Name: "A Support", CreatedAt: now, CreatedBy: core.SystemActor}
	sales := email.SupportAddress{Address: "sales@a.test", WorkspaceID: a.ID, CreatedAt: now.Add(time.Second), CreatedBy: core.SystemActor}
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateSupportAddress(ctx, sales); err != nil {
			return err
		}
		return tx.CreateSupportAddress(ctx, help)
	})
	for _, ws := range []string{a.ID, b.ID} {
		taken := help
		taken.WorkspaceID = ws
		if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateSupportAddress(ctx, taken) }); !errors.Is(err, core.ErrDuplicate) {
			t.Errorf("the address again in %s: %v, want ErrDuplicate", ws, err)
		}
	}
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.SupportAddress(ctx, "help@a.test"); err != nil || !reflect.DeepEqual(got, help) {
			t.Errorf("SupportAddress = %+v, %v; want %+v", got, err, help)
		}
		if _, err := tx.SupportAddress(ctx, "nobody@a.test"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("an unknown address: %v", err)
		}
		got, err := tx.ListSupportAddresses(ctx, a.ID)
		if err != nil || len(got) != 2 || got[0].Address != "help@a.test" || got[1].Address != "sales@a.test" {
			t.Errorf("ListSupportAddresses(A) = %+v, %v", got, err)
		}
		if got, err := tx.ListSupportAddresses(ctx, b.ID); err != nil || len(got) != 0 {
			t.Errorf("ListSupportAddresses(B) = %+v, %v", got, err)
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteSupportAddress(ctx, b.ID, "help@a.test") }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("deleting A's address through B: %v", err)
	}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteSupportAddress(ctx, a.ID, "help@a.test") })
	mustView(t, st, func(tx store.Tx) error {
		if _, err := tx.SupportAddress(ctx, "help@a.test"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("a deleted address still routes: %v", err)
		}
		return nil
	})
}

// emailFixture is a workspace with a customer and a thread to put
// emails on.
type emailFixture struct {
	ws, cust string
	th       thread.Thread
	now      core.Time
}

func newEmailFixture(t *testing.T, st store.Store, name string) emailFixture {
	t.Helper()
	ws, cust := threadFixture(t, st, name)
	th := newThread(ws, cust, 1)
	th.SupportEmailAddresses = []string{"help@a.test"}
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateThread(ctx, th) })
	return emailFixture{ws: ws, cust: cust, th: th, now: core.FromMillis(core.SystemClock{}.Now().Millis())}
}

// email returns an email of the fixture's thread (not stored): an
// outbound one pending from at, or an inbound one.
func (f emailFixture) email(messageID string, inbound bool, at core.Time) email.Email {
	id := core.NewID(email.PrefixEmail)
	e := email.Email{ID: id, WorkspaceID: f.ws, ThreadID: f.th.ID, CustomerID: f.cust, MessageID: messageID, Inbound: inbound,
		From:    email.Participant{Address: email.Address{Name: "C", Email: "c@example.com"}, Kind: email.ActorCustomer, ActorID: f.cust},
		To:      email.Participant{Address: email.Address{Email: "help@a.test"}, Kind: email.ActorSupportAddress, ActorID: "help@a.test"},
		Cc:      []email.Participant{{Address: email.Address{Email: "d@example.com"}}},
		Subject: core.Ptr("Printer"), Text: core.Ptr("It burns.\n> old"), NewText: core.Ptr("It burns."), HTML: "<p>It burns.</p>",
		InReplyTo: "m0@example.com", References: []string{"m0@example.com"}, Category: email.Messaging,
		Authenticity: email.AuthPass, Attachments: []email.AttachmentRef{{ID: "att_1", ContentID: "img1", Inline: true}},
		Checks:          email.Checks{Source: "smtp", RemoteAddr: "127.0.0.1:1234", TLS: true, EnvelopeFrom: "c@example.com", EnvelopeMatches: true, Problems: []string{"bad charset"}},
		TimelineEntryID: core.NewID(core.PrefixTimeline), CreatedAt: at, CreatedBy: core.Actor{Type: core.ActorCustomer, ID: f.cust},
		UpdatedAt: at, UpdatedBy: core.Actor{Type: core.ActorCustomer, ID: f.cust}}
	if inbound {
		e.ReceivedAt = &at
	} else {
		e.From, e.To = e.To, e.From
		e.ReplyTo, e.Markdown, e.SendStatus, e.NextAttemptAt = "help+x@a.test", core.Ptr("**It burns.**"), email.Pending, at
		e.InReplyToEmailID, e.Bcc = core.Ptr("em_0"), []email.Participant{{Address: email.Address{Email: "e@example.com"}}}
	}
	return e
}

func (f emailFixture) create(t *testing.T, st store.Store, es ...email.Email) {
	t.Helper()
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, e := range es {
			if err := tx.CreateEmail(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// testEmails checks that emails read back as written, a Message-ID is
// unique in its workspace only, lookups by Message-ID and a thread's
// latest emails find them, UpdateEmail overwrites the sending columns,
// threads keep their support addresses, and nothing is reachable
// through another workspace.
func testEmails(t *testing.T, st store.Store) {
	f, g := newEmailFixture(t, st, "A"), newEmailFixture(t, st, "B")
	in := f.email("m1@example.com", true, f.now)
	out := f.email("em_1@a.test", false, f.now.Add(time.Second))
	bare := f.email("m2@example.com", true, f.now.Add(2*time.Second))
	bare.Cc, bare.References, bare.Attachments, bare.Subject, bare.Text, bare.NewText, bare.Checks = nil, nil, nil, nil, nil, nil, email.Checks{Source: "imap"}
	f.create(t, st, in, out, bare)
	g.create(t, st, g.email("m1@example.com", true, g.now)) // the same Message-ID in another workspace
	dup := f.email("m1@example.com", true, f.now)
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateEmail(ctx, dup) }); !errors.Is(err, core.ErrDuplicate) {
		t.Errorf("a Message-ID twice in a workspace: %v, want ErrDuplicate", err)
	}
	mustView(t, st, func(tx store.Tx) error {
		for _, want := range []email.Email{in, out, bare} {
			if got, err := tx.GetEmail(ctx, f.ws, want.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("GetEmail = %+v, %v;\nwant %+v", got, err, want)
			}
		}
		got, err := tx.EmailsByMessageID(ctx, f.ws, []string{"em_1@a.test", "m1@example.com", "unknown@x"})
		if err != nil || len(got) != 2 || got[0].ID != in.ID || got[1].ID != out.ID {
			t.Errorf("EmailsByMessageID = %d, %v", len(got), err)
		}
		if got, err := tx.EmailsByMessageID(ctx, f.ws, nil); err != nil || len(got) != 0 {
			t.Errorf("EmailsByMessageID(nil) = %d, %v", len(got), err)
		}
		latest, err := tx.LatestEmails(ctx, f.ws, f.th.ID, 2)
		if err != nil || len(latest) != 2 || latest[0].ID != bare.ID || latest[1].ID != out.ID {
			t.Errorf("LatestEmails = %v, %v", emailIDs(latest), err)
		}
		if th, err := tx.GetThread(ctx, f.ws, f.th.ID); err != nil || !slices.Equal(th.SupportEmailAddresses, []string{"help@a.test"}) {
			t.Errorf("thread support addresses %v, %v", th.SupportEmailAddresses, err)
		}
		return nil
	})
	sent := out.AfterSend(email.SendOutcome{}, nil, f.now.Add(time.Minute))
	bounced := sent.WithBounce(email.Bounce{At: f.now.Add(time.Hour), Recipient: "c@example.com", Reason: email.BounceBadAddress,
		Details: "550 5.1.1 no such user"}, f.now.Add(time.Hour))
	mustUpdate(t, st, func(tx store.Tx) error {
		if got, err := tx.LockEmail(ctx, f.ws, out.ID); err != nil || !reflect.DeepEqual(got, out) {
			t.Errorf("LockEmail = %+v, %v", got, err)
		}
		return tx.UpdateEmail(ctx, bounced)
	})
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.GetEmail(ctx, f.ws, out.ID); err != nil || !reflect.DeepEqual(got, bounced) {
			t.Errorf("after UpdateEmail = %+v, %v;\nwant %+v", got, err, bounced)
		}
		return nil
	})
	checkEmailIsolation(t, st, f, g, bounced, in.ID)
}

// checkEmailIsolation checks that f's emails are reachable through f's
// workspace only, and go with their customer.
func checkEmailIsolation(t *testing.T, st store.Store, f, g emailFixture, bounced email.Email, inID string) {
	t.Helper()
	moved := bounced
	moved.WorkspaceID = g.ws
	in := email.Email{ID: inID}
	for name, fn := range map[string]func(tx store.Tx) error{
		"GetEmail through B":    func(tx store.Tx) error { _, err := tx.GetEmail(ctx, g.ws, in.ID); return err },
		"LockEmail through B":   func(tx store.Tx) error { _, err := tx.LockEmail(ctx, g.ws, in.ID); return err },
		"UpdateEmail through B": func(tx store.Tx) error { return tx.UpdateEmail(ctx, moved) },
	} {
		if err := st.Update(ctx, fn); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	mustView(t, st, func(tx store.Tx) error {
		if got, err := tx.LatestEmails(ctx, g.ws, f.th.ID, 10); err != nil || len(got) != 0 {
			t.Errorf("LatestEmails of A's thread through B = %d, %v", len(got), err)
		}
		return nil
	})
	mustUpdate(t, st, func(tx store.Tx) error { return tx.DeleteCustomer(ctx, f.ws, f.cust) })
	mustView(t, st, func(tx store.Tx) error {
		if _, err := tx.GetEmail(ctx, f.ws, in.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("an email of a deleted customer: %v", err)
		}
		return nil
	})
}

func emailIDs(es []email.Email) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// testClaimEmails checks that only pending outbound emails whose attempt
// is due and whose lease has run out are claimed, oldest first; that
// FinishSend needs the lease; and that HasDueEmails agrees.
func testClaimEmails(t *testing.T, st store.Store) {
	f := newEmailFixture(t, st, "A")
	now := f.now
	early := f.email("em_1@a.test", false, now.Add(-time.Minute))
	due := f.email("em_2@a.test", false, now)
	later := f.email("em_3@a.test", false, now)
	later.NextAttemptAt = now.Add(time.Hour)
	sent := f.email("em_4@a.test", false, now).AfterSend(email.SendOutcome{}, nil, now)
	in := f.email("m1@example.com", true, now)
	f.create(t, st, later, due, sent, in, early)
	var pending int
	var oldest core.Time
	mustView(t, st, func(tx store.Tx) (err error) { pending, oldest, err = tx.EmailBacklog(ctx); return err })
	if pending != 3 || oldest != early.CreatedAt {
		t.Errorf("EmailBacklog = %d, %v; want the 3 unsent outbound emails, the oldest from %v", pending, oldest, early.CreatedAt)
	}
	var has bool
	mustView(t, st, func(tx store.Tx) (err error) { has, err = tx.HasDueEmails(ctx, now.Add(-2*time.Minute)); return err })
	if has {
		t.Error("HasDueEmails before anything is due")
	}
	var claimed []email.Email
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		claimed, err = tx.ClaimEmails(ctx, now, now.Add(time.Minute), "owner-a", 10)
		return err
	})
	if !slices.Equal(emailIDs(claimed), []string{early.ID, due.ID}) || claimed[0].LeaseUntil == nil {
		t.Fatalf("claimed %v, want the early and the due email", emailIDs(claimed))
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		again, err := tx.ClaimEmails(ctx, now, now.Add(time.Minute), "owner-b", 10)
		if len(again) != 0 {
			t.Errorf("leased emails claimed again: %v", emailIDs(again))
		}
		return err
	})
	done := claimed[0].AfterSend(email.SendOutcome{}, nil, now)
	retry := claimed[1].AfterSend(email.SendOutcome{Err: "451 later"}, []time.Duration{time.Second}, now)
	mustUpdate(t, st, func(tx store.Tx) error {
		if ok, err := tx.FinishSend(ctx, done, "owner-b"); ok || err != nil {
			t.Errorf("FinishSend by a non-owner = %v, %v", ok, err)
		}
		for _, e := range []email.Email{done, retry} {
			if ok, err := tx.FinishSend(ctx, e, "owner-a"); !ok || err != nil {
				t.Errorf("FinishSend by the owner = %v, %v", ok, err)
			}
		}
		return nil
	})
	mustView(t, st, func(tx store.Tx) error {
		if got, _ := tx.GetEmail(ctx, f.ws, early.ID); got.SendStatus != email.Sent || got.Attempts != 1 || got.LeaseUntil != nil {
			t.Errorf("sent email = %+v", got)
		}
		if got, _ := tx.GetEmail(ctx, f.ws, due.ID); got.SendStatus != email.Pending || got.LastError != "451 later" {
			t.Errorf("retried email = %+v", got)
		}
		if has, err := tx.HasDueEmails(ctx, now.Add(2*time.Second)); !has || err != nil {
			t.Errorf("HasDueEmails after the retry's wait = %v, %v", has, err)
		}
		return nil
	})
	checkEmailLeaseLost(t, st, now)
}

// checkEmailLeaseLost checks that an email whose lease ran out is claimed
// by another owner, and the first then cannot finish it.
func checkEmailLeaseLost(t *testing.T, st store.Store, now core.Time) {
	t.Helper()
	var claimed []email.Email
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		claimed, err = tx.ClaimEmails(ctx, now.Add(2*time.Hour), now.Add(2*time.Hour+time.Minute), "owner-a", 10)
		return err
	})
	var stolen []email.Email
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		stolen, err = tx.ClaimEmails(ctx, now.Add(3*time.Hour), now.Add(4*time.Hour), "owner-b", 10)
		return err
	})
	if len(claimed) != 2 || !slices.Equal(emailIDs(stolen), emailIDs(claimed)) {
		t.Fatalf("claimed %v, then after the lease %v", emailIDs(claimed), emailIDs(stolen))
	}
	mustUpdate(t, st, func(tx store.Tx) error {
		if ok, err := tx.FinishSend(ctx, claimed[0].AfterSend(email.SendOutcome{}, nil, now), "owner-a"); ok || err != nil {
			t.Errorf("FinishSend after losing the lease = %v, %v", ok, err)
		}
		return nil
	})
}

// testClaimEmailsSkipsLocked checks that on PostgreSQL a claim skips the
// emails another open transaction claimed, instead of waiting for it.
func testClaimEmailsSkipsLocked(t *testing.T, st store.Store) {
	if !concurrentUpdates(st) {
		t.Skipf("the %s store runs one Update at a time: no claim ever meets another's locks", st.Backend())
	}
	f := newEmailFixture(t, st, "A")
	var all []email.Email
	for i := range 4 {
		all = append(all, f.email(fmt.Sprintf("em_%d@a.test", i), false, f.now.Add(time.Duration(i)*time.Millisecond)))
	}
	f.create(t, st, all...)
	var held, other []email.Email
	whileHolding(t, st, func(tx store.Tx) (err error) {
		held, err = tx.ClaimEmails(ctx, f.now.Add(time.Second), f.now.Add(time.Minute), "owner-a", 2)
		return err
	}, func(ctx context.Context, tx store.Tx) (err error) {
		other, err = tx.ClaimEmails(ctx, f.now.Add(time.Second), f.now.Add(time.Minute), "owner-b", 10)
		return err
	})
	if !slices.Equal(emailIDs(held), emailIDs(all[:2])) || !slices.Equal(emailIDs(other), emailIDs(all[2:])) {
		t.Fatalf("holder claimed %v, the other %v", emailIDs(held), emailIDs(other))
	}
}

// testSupportAddressFilter lists threads by the support addresses they
// were written to (stored normalised): exact addresses only, no substring
// and no LIKE wildcard ("sales_team" is not "salesxteam").
func testSupportAddressFilter(t *testing.T, st store.Store) {
	f := newEmailFixture(t, st, "A") // its thread: help@a.test
	other := newThread(f.ws, f.cust, 2)
	other.SupportEmailAddresses = []string{"sales_team@a.test", "help@a.test"}
	underscore := newThread(f.ws, f.cust, 3)
	underscore.SupportEmailAddresses = []string{"salesxteam@a.test"}
	none := newThread(f.ws, f.cust, 4)
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, th := range []thread.Thread{other, underscore, none} {
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct {
		addrs []string
		want  []string
	}{
		{[]string{"help@a.test"}, []string{f.th.ID, other.ID}},
		{[]string{"sales_team@a.test"}, []string{other.ID}},
		{[]string{"salesxteam@a.test", "nobody@a.test"}, []string{underscore.ID}},
		{[]string{"elp@a.test"}, nil},
	} {
		var rows []store.ThreadRow
		mustView(t, st, func(tx store.Tx) (err error) {
			p, _ := core.PageArgs{First: core.Ptr(10)}.Resolve(10)
			rows, err = tx.ListThreads(ctx, f.ws, thread.Filter{SupportEmailAddresses: c.addrs}, thread.Sort{Field: thread.SortCreatedAt}, p)
			return err
		})
		var got []string
		for _, r := range rows {
			got = append(got, r.Thread.ID)
		}
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("threads to %v = %v, want %v", c.addrs, got, want)
		}
	}
}
