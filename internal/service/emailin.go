package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// InboundEmail is a received message as a mail transport hands it over.
type InboundEmail struct {
	Message email.Message
	// Recipients are the SMTP envelope's RCPT TO addresses; the message
	// goes to every workspace one of them is a support address of.
	Recipients []string
	// WorkspaceID and Address name the workspace and support address of
	// an IMAP mailbox, whose mail needs no routing ("" for SMTP).
	WorkspaceID string
	Address     string
	// Checks record how the message arrived (transport, envelope).
	Checks email.Checks
}

// Outcome says what became of a received message in one workspace.
type Outcome string

// The outcomes of receiving a message.
const (
	// Stored: the message is a new email of a thread.
	Stored Outcome = "stored"
	// Duplicate: the workspace had the message already (an SMTP retry,
	// an IMAP re-import): nothing changed.
	Duplicate Outcome = "duplicate"
	// Dropped: the message was automated (an auto-reply, a report, a
	// loop from the workspace's own address): nothing was written.
	Dropped Outcome = "dropped"
	// BounceRecorded: a delivery report marked emails Threadline sent as
	// BOUNCED.
	BounceRecorded Outcome = "bounce"
)

// Received is what became of a received message in one workspace.
type Received struct {
	WorkspaceID string
	Outcome     Outcome
	Reason      string // why it was dropped
	EmailID     string
	ThreadID    string
	NewThread   bool
}

// ErrNoSender is a received message without a usable sender address: it
// cannot be answered, so it is refused for good.
var ErrNoSender = errors.New("the message has no valid sender address")

// inboundActor is who creates the customers unknown senders become.
var inboundActor = core.Actor{Type: core.ActorSystem, ID: "email_inbound_handler"}

// maxMessageIDLength bounds a stored Message-ID; longer ones are stored
// as a digest of themselves (an index entry must stay small).
const maxMessageIDLength = 250

// messageID returns id as stored: itself, or a stable digest when long.
func messageID(id string) string {
	if len(id) <= maxMessageIDLength {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "long-" + hex.EncodeToString(sum[:16]) + "@threadline.invalid"
}

// AcceptsRecipient reports whether mail to rcpt is wanted: its address,
// without a +tag, is a support address of some workspace. It returns
// core.ErrNotFound otherwise. Needs Threadline itself (System).
func (s *Service) AcceptsRecipient(ctx context.Context, rcpt string) error {
	if _, err := operator(ctx); err != nil {
		return err
	}
	base, _ := email.SplitAddress(rcpt)
	return s.store.View(ctx, func(tx store.Tx) error {
		_, err := tx.SupportAddress(ctx, base)
		return err
	})
}

// ReceiveEmail stores a received message in every workspace it is for
// (one for IMAP; the workspaces of its support-address recipients for
// SMTP). In each, in one transaction: a message the workspace has already
// (by Message-ID) or sent by one of its own addresses adds nothing;
// automated mail adds nothing either, except that a delivery report marks
// the emails it is about BOUNCED; any other message becomes an email on
// the thread its In-Reply-To/References (or reply address) name, or on a
// new EMAIL thread of the customer its sender is (created when unknown),
// with its attachments, entry, message infos, the NEW_REPLY status rule
// and thread.email_received. It returns only once that is durable.
// Needs Threadline itself (System).
func (s *Service) ReceiveEmail(ctx context.Context, in InboundEmail) ([]Received, error) {
	if _, err := operator(ctx); err != nil {
		return nil, err
	}
	in.Message.MessageID = messageID(in.Message.MessageID)
	routes, err := s.routes(ctx, in)
	if err != nil {
		return nil, err
	}
	var out []Received
	likelyNew := in.Message.Automated == email.Human && len(in.Message.ThreadKeys()) == 0
	for _, r := range routes {
		if likelyNew && r.taggedThread == "" {
			if r.ref, err = s.allocateRef(ctx, r.ws); err != nil {
				return out, err
			}
		}
		got, err := s.receiveIn(ctx, r, in)
		// A concurrent transaction may have stored the same message, or
		// created the same new customer, between our reads and our
		// writes: once more, and the message is a duplicate or finds them.
		if errors.Is(err, core.ErrDuplicate) {
			r.ref = 0
			got, err = s.receiveIn(ctx, r, in)
		}
		if err != nil {
			return out, err
		}
		out = append(out, got)
	}
	return out, nil
}

// route is one workspace a message goes to, through one of its support
// addresses, with the thread the address's +tag names ("" for none).
type route struct {
	ws, address, taggedThread string
	// ref is a thread ref taken ahead for a message that will likely
	// start a thread (see allocateRef); 0 for none.
	ref int64
}

// routes returns the workspaces a message goes to, each once.
func (s *Service) routes(ctx context.Context, in InboundEmail) ([]route, error) {
	var out []route
	seen := map[string]bool{}
	tagged := func(ws string) string {
		for _, a := range append(append([]string(nil), in.Recipients...), addressesOf(in.Message.Recipients())...) {
			if base, th := email.SplitAddress(a); th != "" && (in.Address == "" || base == in.Address) {
				return th
			}
		}
		return ""
	}
	if in.WorkspaceID != "" {
		return []route{{ws: in.WorkspaceID, address: in.Address, taggedThread: tagged(in.WorkspaceID)}}, nil
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		for _, rcpt := range in.Recipients {
			base, th := email.SplitAddress(rcpt)
			a, err := tx.SupportAddress(ctx, base)
			if errors.Is(err, core.ErrNotFound) || (err == nil && seen[a.WorkspaceID]) {
				continue
			}
			if err != nil {
				return err
			}
			seen[a.WorkspaceID] = true
			out = append(out, route{ws: a.WorkspaceID, address: a.Address, taggedThread: th})
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		err = core.NotFound("recipients", "Support address")
	}
	return out, err
}

func addressesOf(as []email.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Email
	}
	return out
}

// receiveIn stores a message in one workspace, in one transaction.
func (s *Service) receiveIn(ctx context.Context, r route, in InboundEmail) (Received, error) {
	m := in.Message
	var out Received
	err := s.store.Update(ctx, func(tx store.Tx) error {
		out = Received{WorkspaceID: r.ws}
		now := s.clock.Now()
		own, err := tx.ListSupportAddresses(ctx, r.ws)
		if err != nil {
			return err
		}
		if base, _ := email.SplitAddress(m.From.Email); isOwn(own, base) {
			out.Outcome, out.Reason = Dropped, string(email.Loop)
			return nil
		}
		if dup, err := tx.EmailsByMessageID(ctx, r.ws, []string{m.MessageID}); err != nil || len(dup) > 0 {
			out.Outcome, out.EmailID = Duplicate, firstEmailID(dup)
			return err
		}
		if m.Automated != email.Human {
			return s.receiveAutomated(ctx, tx, r.ws, m, now, &out)
		}
		return s.receiveMessage(ctx, tx, r, in, own, now, &out)
	})
	return out, err
}

func isOwn(own []email.SupportAddress, addr string) bool {
	for _, a := range own {
		if a.Address == addr {
			return true
		}
	}
	return false
}

func firstEmailID(es []email.Email) string {
	if len(es) == 0 {
		return ""
	}
	return es[0].ID
}

// receiveAutomated handles automated mail: it never creates or re-opens a
// thread; a delivery report about emails the workspace sent marks them
// BOUNCED.
func (s *Service) receiveAutomated(ctx context.Context, tx store.Tx, ws string, m email.Message, now core.Time, out *Received) error {
	out.Outcome, out.Reason = Dropped, string(m.Automated)
	if m.Report == nil || !m.Report.IsBounce() {
		return nil
	}
	ids := append(append([]string(nil), m.Report.MessageIDs...), m.ThreadKeys()...)
	sent, err := tx.EmailsByMessageID(ctx, ws, ids)
	if err != nil {
		return err
	}
	for _, e := range sent {
		if e.Inbound || e.SendStatus == email.Failed || e.SendStatus == email.Pending {
			continue
		}
		if err := s.bounce(ctx, tx, e, m.Report.Bounce(now), now); err != nil {
			return err
		}
		out.Outcome, out.EmailID, out.ThreadID = BounceRecorded, e.ID, e.ThreadID
	}
	return nil
}

// bounce records b on a sent email and updates its entry.
func (s *Service) bounce(ctx context.Context, tx store.Tx, e email.Email, b email.Bounce, now core.Time) error {
	locked, err := tx.LockEmail(ctx, e.WorkspaceID, e.ID)
	if err != nil {
		return err
	}
	if b.Recipient == "" {
		b.Recipient = locked.To.Email
	}
	next := locked.WithBounce(b, now)
	next.UpdatedBy = inboundActor
	if err := tx.UpdateEmail(ctx, next); err != nil {
		return err
	}
	as, err := attachmentsOf(ctx, tx, e.WorkspaceID, next.AttachmentIDs())
	if err != nil {
		return err
	}
	return s.changeEntries(ctx, tx, e.WorkspaceID, e.ID, next.Payload(), as, now, inboundActor)
}

// receiveMessage stores a person's message: on its thread, or on a new
// EMAIL thread of its sender.
func (s *Service) receiveMessage(ctx context.Context, tx store.Tx, r route, in InboundEmail, own []email.SupportAddress,
	now core.Time, out *Received) error {
	m := in.Message
	sender, err := s.senderOf(ctx, tx, r.ws, m, in.Checks, now)
	if err != nil {
		return err
	}
	by := core.Actor{Type: core.ActorCustomer, ID: sender.ID}
	parent, th, err := s.threadOf(ctx, tx, r, m)
	if err != nil {
		return err
	}
	if th == nil {
		created, err := s.createEmailThread(ctx, tx, r.ws, sender, inboundTitle(m), r.address, by, r.ref, now)
		if err != nil {
			return err
		}
		th, out.NewThread = &created, true
	}
	e := s.inboundEmail(r, m, in.Checks, *th, sender, parent, own, now)
	e.IsStartOfThread = out.NewThread
	refs, as, problems, err := s.storeAttachments(ctx, tx, th.WorkspaceID, th.CustomerID, m.Attachments, by, now)
	if err != nil {
		return err
	}
	e.Attachments, e.Checks.Problems = refs, append(e.Checks.Problems, problems...)
	if err := s.writeEmail(ctx, tx, *th, e, as, now); err != nil {
		return err
	}
	out.Outcome, out.EmailID, out.ThreadID = Stored, e.ID, th.ID
	return nil
}

// senderOf returns the customer who sent m: found by their address, or
// created (as Plain does) with the name the message gives.
func (s *Service) senderOf(ctx context.Context, tx store.Tx, ws string, m email.Message, c email.Checks, now core.Time) (customer.Customer, error) {
	from := m.From
	if from.Email == "" {
		from.Email = c.EnvelopeFrom
	}
	addr, ok := core.NormalizeEmail(from.Email)
	if !ok {
		return customer.Customer{}, fmt.Errorf("%w: %q", ErrNoSender, from.Email)
	}
	cust, err := tx.GetCustomerByEmail(ctx, ws, addr)
	if !errors.Is(err, core.ErrNotFound) {
		return cust, err
	}
	name := strings.TrimSpace(from.Name)
	if name == "" {
		name, _, _ = strings.Cut(addr, "@")
	}
	name = thread.Truncate(name, customer.MaxNameLength)
	cust = customer.New(ws, customer.CreateFields{FullName: name, Email: addr}, now, inboundActor)
	if err := tx.CreateCustomer(ctx, cust); err != nil {
		return cust, err
	}
	return cust, s.emit(ctx, tx, ws, inboundActor, now, event.NewCustomerCreated(event.NewCustomer(cust)))
}

// threadOf finds the thread a reply belongs to: the thread of the newest
// stored email its In-Reply-To or References name (in that order), else
// the thread its reply address's +tag names. It returns the email it
// answers too, when known.
func (s *Service) threadOf(ctx context.Context, tx store.Tx, r route, m email.Message) (*email.Email, *thread.Thread, error) {
	keys := m.ThreadKeys()
	for i, k := range keys {
		keys[i] = messageID(k)
	}
	known, err := tx.EmailsByMessageID(ctx, r.ws, keys)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		for i := range known {
			if known[i].MessageID != k {
				continue
			}
			th, err := tx.LockThread(ctx, r.ws, known[i].ThreadID)
			if err != nil {
				return nil, nil, err
			}
			return &known[i], &th, nil
		}
	}
	if r.taggedThread == "" {
		return nil, nil, nil
	}
	th, err := optional(tx.LockThread(ctx, r.ws, r.taggedThread))
	return nil, th, err
}

// inboundTitle is the title of a thread a message starts: its subject.
func inboundTitle(m email.Message) string {
	if t := thread.Truncate(m.Subject, thread.MaxTitleLength); t != "" {
		return t
	}
	return thread.DeriveTitle("", m.NewText, m.From.Email)
}
