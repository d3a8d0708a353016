package service

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// emailWorld is a workspace with a support address, on SQLite.
type emailWorld struct {
	t        *testing.T
	st       store.Store
	svc      *Service
	clock    *payloadClock
	ws       string
	sys, bot context.Context
	botID    string
}

const support = "help@acme.test"

func newEmailWorld(t *testing.T) *emailWorld {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "email.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &payloadClock{}
	clock.ms.Store(time.Now().UnixMilli())
	w := &emailWorld{t: t, st: st, svc: New(st, clock, nil), clock: clock}
	w.ws = payloadMust(w.svc.EnsureDefaultWorkspace(ctx))(t)
	w.sys = System(ctx, w.ws)
	payloadMust(w.svc.AddSupportAddress(w.sys, support, "Acme Support"))(t)
	key := payloadMust(w.svc.CreateAPIKey(w.sys, "Mail bot", []auth.Permission{auth.All}, ""))(t)
	w.bot, w.botID = auth.WithPrincipal(ctx, key.Key.Principal()), key.MachineUser.ID
	return w
}

// mail is a message from a person to the support address.
func mail(id, from, subject, text string) email.Message {
	return email.Message{MessageID: id, From: email.Address{Name: "Grace Hopper", Email: from},
		To: []email.Address{{Email: support}}, Subject: subject, Text: text, NewText: text, Authenticity: email.AuthUnknown}
}

// receive hands m to the service as the SMTP receiver would.
func (w *emailWorld) receive(m email.Message, rcpts ...string) Received {
	w.t.Helper()
	if len(rcpts) == 0 {
		rcpts = []string{support}
	}
	got, err := w.svc.ReceiveEmail(w.sys, InboundEmail{Message: m, Recipients: rcpts,
		Checks: email.Checks{Source: "smtp", EnvelopeFrom: m.From.Email}})
	if err != nil || len(got) != 1 {
		w.t.Fatalf("ReceiveEmail(%s) = %+v, %v", m.MessageID, got, err)
	}
	return got[0]
}

func (w *emailWorld) thread(id string) thread.Thread {
	w.t.Helper()
	th := payloadMust(w.svc.Thread(w.bot, ThreadLookup{ID: id}))(w.t)
	if th == nil {
		w.t.Fatalf("thread %s not found", id)
	}
	return *th
}

// emails returns the email entries of a thread, oldest first.
func (w *emailWorld) emails(threadID string) []timeline.Email {
	w.t.Helper()
	page := payloadMust(w.svc.ThreadTimeline(w.bot, threadID, TimelineFilter{EntryTypes: []string{"EMAIL"}}, core.PageArgs{}))(w.t)
	var out []timeline.Email
	for _, e := range page.Edges {
		out = append(out, e.Node.Payload.(timeline.Email))
	}
	return out
}

func (w *emailWorld) count(table string) int {
	w.t.Helper()
	var n int
	if err := w.st.View(context.Background(), func(tx store.Tx) error {
		evs, err := tx.ListEvents(context.Background(), w.ws, 0, 100000)
		for _, e := range evs {
			if string(e.Type) == table {
				n++
			}
		}
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestReceiveEmail: a message from an unknown sender creates the customer
// and an EMAIL thread with its attachments; the same message again adds
// nothing; replies land on the thread by In-Reply-To, References or the
// reply address, never by subject; a reply on a DONE thread re-opens it.
func TestReceiveEmail(t *testing.T) {
	w := newEmailWorld(t)
	first := mail("m1@example.com", "grace@example.com", "Printer on fire", "It burns.\n\n> older text")
	first.NewText = "It burns."
	first.HTML = "<p>It burns.</p>"
	first.Attachments = []email.Attachment{
		{FileName: "photo.png", ContentType: "image/png; name=photo.png", Data: []byte("\x89PNG\r\n\x1a\n....")},
		{FileName: "inline.gif", ContentType: "image/gif", ContentID: "img1", Inline: true, Data: []byte("GIF89a..")},
		{FileName: "virus.pdf", ContentType: "application/pdf", Data: []byte("MZ\x90\x00 an executable")},
		{FileName: "big.bin.txt", ContentType: "text/plain", Data: make([]byte, attachment.DefaultMaxBytes+1)},
	}
	got := w.receive(first)
	if got.Outcome != Stored || !got.NewThread || got.ThreadID == "" {
		t.Fatalf("first message: %+v", got)
	}
	th := w.thread(got.ThreadID)
	if th.Channel != thread.ChannelEmail || th.Title != "Printer on fire" || th.Status != thread.StatusTodo ||
		!slices.Equal(th.SupportEmailAddresses, []string{support}) || th.Messages.LastInbound == nil ||
		th.Messages.LastInbound.Source != thread.SourceEmail || *th.PreviewText != "It burns." {
		t.Errorf("thread = %+v", th)
	}
	cust := payloadMust(w.svc.Customer(w.bot, customer.Identifier{EmailAddress: core.Ptr("grace@example.com")}))(t)
	if cust == nil || cust.FullName != "Grace Hopper" || cust.ID != th.CustomerID || cust.CreatedBy.ID != "email_inbound_handler" {
		t.Fatalf("customer = %+v", cust)
	}
	es := w.emails(th.ID)
	if len(es) != 1 || *es[0].Text != "It burns." || *es[0].FullText != "It burns.\n\n> older text" || !es[0].IsStartOfThread ||
		len(es[0].Attachments) != 2 || es[0].Attachments[1].ContentID != "img1" || es[0].From.Actor.ID != cust.ID ||
		es[0].To.Actor.Kind != email.ActorSupportAddress {
		t.Fatalf("entry = %+v", es)
	}
	as := payloadMust(w.svc.Attachments(w.bot, es[0].AttachmentIDs()))(t)
	if a := as[es[0].Attachments[0].ID]; a.Type != attachment.TypeEmail || a.MimeType != "image/png" || a.Size != 12 || !a.IsUploaded() {
		t.Errorf("attachment = %+v", a)
	}

	// The same message again (an SMTP retry): nothing new.
	if again := w.receive(first); again.Outcome != Duplicate || again.EmailID == "" {
		t.Errorf("the message again: %+v", again)
	}
	checkReplies(t, w, th, got.EmailID)
}

// checkReplies: replies land on the thread by In-Reply-To, by References
// only, by the reply address only; a message with the same subject but
// none of those starts a new thread; a reply re-opens a DONE thread.
func checkReplies(t *testing.T, w *emailWorld, th thread.Thread, inboundID string) {
	t.Helper()
	out := payloadMust(w.svc.ReplyToEmail(w.bot, ReplyEmailInput{InReplyToEmailID: inboundID,
		OutgoingEmail: OutgoingEmail{Text: "Is it plugged in?"}}))(t)
	if out.InReplyTo != "m1@example.com" || *out.Subject != "Re: Printer on fire" || out.To.Email != "grace@example.com" ||
		out.ReplyTo != email.ReplyAddress(support, th.ID) || out.SendStatus != email.Pending {
		t.Errorf("reply = %+v", out)
	}
	payloadMust(w.svc.MarkThreadAsDone(w.bot, th.ID, nil))(t)
	r1 := mail("m2@example.com", "grace@example.com", "Re: Printer on fire", "Yes.")
	r1.InReplyTo = []string{out.MessageID}
	r2 := mail("m3@example.com", "grace@example.com", "Re: Printer on fire", "Still.")
	r2.References = []string{"unknown@x", "m1@example.com"}
	r3 := mail("m4@example.com", "grace@example.com", "fwd", "Tagged.")
	same := mail("m5@example.com", "grace@example.com", "Printer on fire", "A new problem.")
	for _, m := range []email.Message{r1, r2} {
		if r := w.receive(m); r.ThreadID != th.ID || r.NewThread {
			t.Errorf("reply %s landed on %+v", m.MessageID, r)
		}
	}
	if r := w.receive(r3, email.ReplyAddress(support, th.ID)); r.ThreadID != th.ID {
		t.Errorf("a reply to the reply address landed on %+v", r)
	}
	if r := w.receive(same); r.ThreadID == th.ID || !r.NewThread {
		t.Errorf("a message with the same subject landed on %+v", r)
	}
	th = w.thread(th.ID)
	if th.Status != thread.StatusTodo || th.StatusDetail != thread.DetailNewReply {
		t.Errorf("a reply on a DONE thread left it %s/%s", th.Status, th.StatusDetail)
	}
	es := w.emails(th.ID)
	if len(es) != 5 || *es[2].InReplyToEmailID != out.ID || es[2].IsStartOfThread {
		t.Errorf("%d emails on the thread; the reply's entry %+v", len(es), es[2])
	}
	if n := w.count(string(event.ThreadEmailReceived)); n != 5 {
		t.Errorf("%d thread.email_received events, want 5", n)
	}
}

// TestReceiveAutomated: auto-replies, mail from the workspace's own
// address and delivery reports create nothing; a report about a sent
// email marks it BOUNCED.
func TestReceiveAutomated(t *testing.T) {
	w := newEmailWorld(t)
	got := w.receive(mail("m1@example.com", "grace@example.com", "Help", "Help."))
	sent := payloadMust(w.svc.ReplyToEmail(w.bot, ReplyEmailInput{InReplyToEmailID: got.EmailID, OutgoingEmail: OutgoingEmail{Text: "Hi"}}))(t)
	jobs := payloadMust(w.svc.ClaimEmails(context.Background(), "sender", time.Minute, 10))(t)
	if len(jobs) != 1 || jobs[0].Email.ID != sent.ID {
		t.Fatalf("claimed %+v", jobs)
	}
	if kept, err := w.svc.FinishSend(context.Background(), jobs[0], "sender", email.SendOutcome{}, nil); !kept || err != nil {
		t.Fatalf("FinishSend = %v, %v", kept, err)
	}
	threads := func() int {
		page := payloadMust(w.svc.Threads(w.bot, thread.Filter{}, thread.Sort{}, core.PageArgs{}, true))(t)
		return page.TotalCount
	}
	before := threads()
	auto := mail("m2@example.com", "grace@example.com", "Out of office", "I am away.")
	auto.Automated = email.AutoSubmitted
	auto.InReplyTo = []string{sent.MessageID}
	loop := mail("m3@example.com", support, "Loop", "From ourselves.")
	unknown := mail("m4@example.com", "stranger@example.com", "Vacation", "Away.")
	unknown.Automated = email.AutoReply
	bounce := mail("m5@example.com", "mailer-daemon@example.com", "Undelivered", "Sorry.")
	bounce.Automated = email.DeliveryReport
	bounce.Report = &email.StatusReport{MessageIDs: []string{sent.MessageID}, Recipient: "grace@example.com", Action: "failed",
		Status: "5.1.1", Diagnostic: "550 5.1.1 no such user"}
	for _, m := range []email.Message{auto, loop, unknown} {
		if r := w.receive(m); r.Outcome != Dropped {
			t.Errorf("%s: %+v", m.Subject, r)
		}
	}
	if r := w.receive(bounce); r.Outcome != BounceRecorded || r.EmailID != sent.ID {
		t.Errorf("bounce: %+v", r)
	}
	if threads() != before || len(w.emails(got.ThreadID)) != 2 {
		t.Errorf("automated mail created threads or emails")
	}
	if c := payloadMust(w.svc.Customer(w.bot, customer.Identifier{EmailAddress: core.Ptr("stranger@example.com")}))(t); c != nil {
		t.Errorf("an auto-reply created a customer")
	}
	es := w.emails(got.ThreadID)
	if es[1].SendStatus != "BOUNCED" || len(es[1].Bounces) != 1 || es[1].Bounces[0].Reason != "BAD_EMAIL_ADDRESS" {
		t.Errorf("bounced email entry = %+v", es[1])
	}
	if th := w.thread(got.ThreadID); th.StatusDetail == thread.DetailNewReply {
		t.Error("automated mail re-opened the thread")
	}
}

// TestSendEmailErrors: what sendNewEmail and replyToEmail refuse, writing
// nothing.
func TestSendEmailErrors(t *testing.T) {
	w := newEmailWorld(t)
	got := w.receive(mail("m1@example.com", "grace@example.com", "Help", "Help."))
	cust := w.thread(got.ThreadID).CustomerID
	pending := payloadMust(w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, OutgoingEmail: OutgoingEmail{
		Subject: core.Ptr("News"), Text: "Hello", Markdown: core.Ptr("**Hello**")}}))(t)
	if !strings.Contains(pending.HTML, "<strong>Hello</strong>") || pending.ThreadID == got.ThreadID {
		t.Errorf("new email = %+v", pending)
	}
	before := w.count(string(event.TimelineEntryChanged))
	for _, tc := range sendErrorCases(w, cust, pending.ID, got.EmailID) {
		err := tc.run()
		e, ok := core.AsError(err)
		if !ok || e.Code != tc.code || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.code, tc.field)
		}
	}
	if w.count(string(event.TimelineEntryChanged)) != before {
		t.Error("a refused email wrote an entry")
	}
	for _, a := range payloadMust(w.svc.SupportAddresses(w.sys))(t) {
		if err := w.svc.RemoveSupportAddress(w.sys, a.Address); err != nil {
			t.Fatal(err)
		}
	}
	_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, OutgoingEmail: OutgoingEmail{Subject: core.Ptr("x"), Text: "x"}})
	if !core.HasCode(err, email.CodeNotEnabled) {
		t.Errorf("without a support address: %v", err)
	}
}

// sendErrorCase is a refused email: the code and field it is refused with.
type sendErrorCase struct {
	name, code, field string
	run               func() error
}

// sendErrorCases are what sendNewEmail and replyToEmail refuse, for a
// customer with a pending email and an inbound one.
func sendErrorCases(w *emailWorld, cust, pendingID, inboundID string) []sendErrorCase {
	many := make([]email.ParticipantInput, 50)
	for i := range many {
		many[i] = email.ParticipantInput{Email: "cc" + string(rune('a'+i%26)) + "@example.com"}
	}
	other := "th_01H14DFQ4PDYBH398J1E99TWSS"
	return []sendErrorCase{
		{"header injection", core.CodeInputValidation, "subject", func() error {
			_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, OutgoingEmail: OutgoingEmail{
				Subject: core.Ptr("Hi\r\nBcc: everyone@example.com"), Text: "x"}})
			return err
		}},
		{"no subject", core.CodeInputValidation, "subject", func() error {
			_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, OutgoingEmail: OutgoingEmail{Text: "x"}})
			return err
		}},
		{"50 recipients", core.CodeInputValidation, "additionalRecipients", func() error {
			_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, OutgoingEmail: OutgoingEmail{
				Subject: core.Ptr("x"), Text: "x", Cc: many[:25], Bcc: many[25:]}})
			return err
		}},
		{"unknown customer", core.CodeNotFound, "customerId", func() error {
			_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: "c_01H14DFQ4PDYBH398J1E99TWSS", OutgoingEmail: OutgoingEmail{Subject: core.Ptr("x"), Text: "x"}})
			return err
		}},
		{"unknown thread", core.CodeNotFound, "threadId", func() error {
			_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, ThreadID: &other, OutgoingEmail: OutgoingEmail{Subject: core.Ptr("x"), Text: "x"}})
			return err
		}},
		{"not a support address", core.CodeNotFound, "fromAlternateSupportEmail.email", func() error {
			_, err := w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: cust, OutgoingEmail: OutgoingEmail{Subject: core.Ptr("x"), Text: "x",
				From: &email.ParticipantInput{Email: "ceo@acme.test"}}})
			return err
		}},
		{"unsent email", email.CodeCannotReplyToUnsent, "inReplyToEmailId", func() error {
			_, err := w.svc.ReplyToEmail(w.bot, ReplyEmailInput{InReplyToEmailID: pendingID, OutgoingEmail: OutgoingEmail{Text: "x"}})
			return err
		}},
		{"unknown email", core.CodeNotFound, "inReplyToEmailId", func() error {
			_, err := w.svc.ReplyToEmail(w.bot, ReplyEmailInput{InReplyToEmailID: "em_01H14DFQ4PDYBH398J1E99TWSS", OutgoingEmail: OutgoingEmail{Text: "x"}})
			return err
		}},
		{"empty text", core.CodeInputValidation, "textContent", func() error {
			_, err := w.svc.ReplyToEmail(w.bot, ReplyEmailInput{InReplyToEmailID: inboundID, OutgoingEmail: OutgoingEmail{Text: "  "}})
			return err
		}},
	}
}

// TestReceivedEmailIsSearchable: an email's subject and new text find its
// thread; its quoted history does not.
func TestReceivedEmailIsSearchable(t *testing.T) {
	w := newEmailWorld(t)
	m := mail("search1@example.com", "grace@example.com", "Invoice question", "The flamingo invoice is wrong.\n\n> zeppelin")
	m.NewText = "The flamingo invoice is wrong."
	got := w.receive(m)
	if got.Outcome != Stored {
		t.Fatalf("received: %+v", got)
	}
	for term, want := range map[string]bool{"flamingo": true, "invoice question": true, "zeppelin": false} {
		found := payloadMust(w.svc.SearchThreads(w.bot, term, thread.Filter{}, core.PageArgs{First: core.Ptr(10)}))(t)
		hit := len(found.Edges) == 1 && found.Edges[0].Node.ID == got.ThreadID
		if hit != want || (!want && len(found.Edges) != 0) {
			t.Errorf("searchThreads(%q) = %d threads, want the email's thread: %v", term, len(found.Edges), want)
		}
	}
}
