package outbox

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/sqlite"
)

// fakeMailer records the drafts it is given and answers each with the
// error its respond function gives for the n-th send (1-based).
type fakeMailer struct {
	mu      sync.Mutex
	drafts  []email.Draft
	respond func(d email.Draft, n int) error
}

func (m *fakeMailer) Send(_ context.Context, d email.Draft) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drafts = append(m.drafts, d)
	if m.respond == nil {
		return nil
	}
	return m.respond(d, len(m.drafts))
}

// permanentErr is a refusal for good, as mail.SendError reports one.
type permanentErr struct{}

func (permanentErr) Error() string          { return "550 5.1.1 no such user" }
func (permanentErr) PermanentFailure() bool { return true }

// TestEmailSender: an email refused for now is retried with the same
// Message-ID until taken (SENT); one refused for good is FAILED at once;
// attachments go with the draft.
func TestEmailSender(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "mail.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := service.New(st, nil, nil)
	ws, _ := svc.EnsureDefaultWorkspace(ctx)
	sys := service.System(ctx, ws)
	if _, err := svc.AddSupportAddress(sys, "help@acme.test", "Acme"); err != nil {
		t.Fatal(err)
	}
	k, _ := svc.CreateAPIKey(sys, "bot", []auth.Permission{auth.All}, "")
	bot := auth.WithPrincipal(ctx, k.Key.Principal())
	send := func(addr string) email.Email {
		c, _, err := svc.UpsertCustomer(bot, service.UpsertCustomerInput{Identifier: customer.Identifier{EmailAddress: &addr},
			OnCreate: customer.CreateFields{FullName: "C", Email: addr}})
		if err != nil {
			t.Fatal(err)
		}
		e, err := svc.SendNewEmail(bot, service.SendEmailInput{CustomerID: c.ID, OutgoingEmail: service.OutgoingEmail{
			Subject: core.Ptr("Hi"), Text: "Hello"}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	busy, gone := send("busy@example.com"), send("gone@example.com")
	m := &fakeMailer{respond: func(d email.Draft, n int) error {
		switch {
		case d.To[0].Email == "gone@example.com":
			return permanentErr{}
		case n <= 3:
			return errors.New("451 try later")
		}
		return nil
	}}
	s := NewEmailSender(svc, m, EmailOptions{Schedule: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}})
	for i := 0; i < 50 && len(m.drafts) < 4; i++ {
		if _, err := s.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ids := map[string]int{}
	for _, d := range m.drafts {
		ids[d.MessageID]++
	}
	if ids[busy.MessageID] != 3 || ids[gone.MessageID] != 1 {
		t.Fatalf("attempts by Message-ID: %v (busy %s, gone %s)", ids, busy.MessageID, gone.MessageID)
	}
	statuses := map[string]string{}
	for _, e := range []email.Email{busy, gone} {
		got, err := svc.InspectEmail(sys, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		statuses[e.To.Email] = string(got.SendStatus) + "/" + got.LastError
	}
	if statuses["busy@example.com"] != "SENT/" || statuses["gone@example.com"] != "FAILED/550 5.1.1 no such user" {
		t.Fatalf("statuses %v", statuses)
	}
	if n, _ := s.RunOnce(ctx); n != 0 {
		t.Fatalf("%d more sends after every email was SENT or FAILED", n)
	}
}
