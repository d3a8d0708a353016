package service

import (
	"context"
	"fmt"
	"mime"
	"strings"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// createEmailThread starts an EMAIL thread of cust titled title, through
// the support address support, by actor, with ref (0: the next of the
// workspace's counter): the thread, its thread.thread_created event and
// the customer's recent entries. Unlike createThread, it asks nothing of
// the workspace's thread fields: a customer's email is never refused for
// them.
func (s *Service) createEmailThread(ctx context.Context, tx store.Tx, ws string, cust customer.Customer, title, support string,
	by core.Actor, ref int64, now core.Time) (thread.Thread, error) {
	if ref == 0 {
		var err error
		if ref, err = tx.NextCounter(ctx, ws, "thread_ref"); err != nil {
			return thread.Thread{}, err
		}
	}
	th := thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: ws, Ref: ref, CustomerID: cust.ID, Title: title,
		Priority: thread.DefaultPriority, Status: thread.StatusTodo, StatusDetail: thread.DetailCreated, StatusChangedAt: now,
		StatusChangedBy: by, Channel: thread.ChannelEmail, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	th = th.WithSupportAddress(support)
	if err := tx.CreateThread(ctx, th); err != nil {
		return th, err
	}
	snap := event.NewThread(th, event.ThreadParts{Customer: cust})
	if err := s.emit(ctx, tx, ws, by, now, event.NewThreadCreated(snap)); err != nil {
		return th, err
	}
	return th, s.copyCustomerEntries(ctx, tx, th, now)
}

// allocateRef takes a thread ref of ws ahead of the transaction that
// creates the thread, when the store allocates outside transactions
// (PostgreSQL), so that concurrent new threads do not queue on the
// counter's row until each commits; 0 otherwise (the transaction takes
// the next). A thread that is not created after all leaves a gap.
func (s *Service) allocateRef(ctx context.Context, ws string) (int64, error) {
	if a, ok := s.store.(store.Allocator); ok {
		return a.Allocate(ctx, ws, "thread_ref")
	}
	return 0, nil
}

// supportAddress returns the first of own that is among addrs (bases of
// +tagged addresses count), or fallback.
func supportAddress(own []email.SupportAddress, addrs []string, fallback string) string {
	for _, a := range addrs {
		if base, _ := email.SplitAddress(a); isOwn(own, base) {
			return base
		}
	}
	return fallback
}

// participant presents an address as a participant of an email of ws:
// one of its support addresses, the customer cust, or nobody known.
func participant(a email.Address, own []email.SupportAddress, cust customer.Customer) email.Participant {
	p := email.Participant{Address: a}
	base, _ := email.SplitAddress(a.Email)
	switch {
	case isOwn(own, base):
		p.Kind, p.ActorID = email.ActorSupportAddress, base
	case cust.ID != "" && a.Email == cust.Email:
		p.Kind, p.ActorID = email.ActorCustomer, cust.ID
	}
	return p
}

// inboundEmail builds the stored email of a received message m from
// sender on th; parent is the email it answers, if known.
func (s *Service) inboundEmail(r route, m email.Message, c email.Checks, th thread.Thread, sender customer.Customer,
	parent *email.Email, own []email.SupportAddress, now core.Time) email.Email {
	by := core.Actor{Type: core.ActorCustomer, ID: sender.ID}
	to := supportAddress(own, append(addressesOf(m.To), addressesOf(m.Cc)...), r.address)
	e := email.Email{ID: core.NewID(email.PrefixEmail), WorkspaceID: th.WorkspaceID, ThreadID: th.ID, CustomerID: th.CustomerID,
		MessageID: m.MessageID, Inbound: true, From: participant(m.From, own, sender),
		To: participant(email.Address{Email: to}, own, sender), InReplyTo: messageID(first(m.InReplyTo)),
		Category: email.Messaging, Authenticity: m.Authenticity, HTML: m.HTML, ReceivedAt: &now,
		TimelineEntryID: core.NewID(core.PrefixTimeline), CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	if e.From.Email == "" {
		e.From = participant(email.Address{Email: sender.Email}, own, sender)
	}
	for _, a := range append(append([]email.Address(nil), m.To...), m.Cc...) {
		if a.Email != to && a.Email != e.From.Email {
			e.Cc = append(e.Cc, participant(a, own, sender))
		}
	}
	if len(m.ReplyTo) > 0 {
		e.ReplyTo = m.ReplyTo[0].Email
	}
	for _, ref := range m.References {
		e.References = append(e.References, messageID(ref))
	}
	if parent != nil {
		e.InReplyToEmailID = &parent.ID
	}
	if m.Subject != "" {
		e.Subject = &m.Subject
	}
	if m.Text != "" {
		e.Text = &m.Text
	}
	if m.NewText != m.Text {
		e.NewText = &m.NewText
	}
	c.Problems = append(c.Problems, m.Problems...)
	if c.EnvelopeFrom != "" {
		_, envDomain, _ := strings.Cut(c.EnvelopeFrom, "@")
		_, fromDomain, _ := strings.Cut(e.From.Email, "@")
		c.EnvelopeMatches = strings.EqualFold(envDomain, fromDomain)
	}
	e.Checks = c
	return e
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// writeEmail writes a new email e of th with its attachments as: the
// email, its entry, the thread's message infos, the NEW_REPLY status rule
// for an inbound one, and thread.email_received for an inbound one (an
// outbound one's thread.email_sent waits until the relay takes it).
func (s *Service) writeEmail(ctx context.Context, tx store.Tx, th thread.Thread, e email.Email, as event.Attachments, now core.Time) error {
	if err := tx.CreateEmail(ctx, e); err != nil {
		return err
	}
	te, err := e.Entry()
	if err != nil {
		return err
	}
	if err := s.addEntry(ctx, tx, te, e.Payload(), as, now); err != nil {
		return err
	}
	preview := ""
	switch {
	case e.NewText != nil:
		preview = *e.NewText
	case e.Text != nil:
		preview = *e.Text
	}
	support := e.From.Email
	if e.Inbound {
		support = e.To.Email
	}
	info := thread.MessageInfo{At: e.CreatedAt, Source: thread.SourceEmail, Actor: e.CreatedBy}
	after, err := s.applyMessage(ctx, tx, th, info, preview, e.Inbound, support, now)
	if err != nil || !e.Inbound {
		return err
	}
	return s.emit(ctx, tx, th.WorkspaceID, e.CreatedBy, now, event.NewThreadEmailReceived(after, event.NewEmail(e, as)))
}

// storeAttachments stores the attachments of a received message as EMAIL
// attachments of customerID. One over the size limit, of a blocked type,
// an executable, empty, or beyond attachment.MaxPerMessage is left out
// and reported as a problem; the message is kept.
func (s *Service) storeAttachments(ctx context.Context, tx store.Tx, ws, customerID string, atts []email.Attachment, by core.Actor,
	now core.Time) ([]email.AttachmentRef, event.Attachments, []string, error) {
	var refs []email.AttachmentRef
	var problems []string
	as := event.Attachments{}
	for i, in := range atts {
		if i >= attachment.MaxPerMessage {
			problems = append(problems, fmt.Sprintf("%d attachments left out: at most %d per message", len(atts)-i, attachment.MaxPerMessage))
			break
		}
		a, err := attachment.NewUpload(attachment.UploadInput{CustomerID: customerID, FileName: in.FileName, Size: len(in.Data),
			Type: attachment.TypeEmail}, ws, s.attachLimits, now, by)
		if err == nil {
			err = attachment.CheckContent(in.Data)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("attachment %q (%d bytes) left out: %s", in.FileName, len(in.Data), problemText(err)))
			continue
		}
		a = a.Uploaded(mediaType(in.ContentType, a.MimeType), now)
		if err := tx.CreateAttachment(ctx, a); err != nil {
			return nil, nil, nil, err
		}
		if err := tx.StoreAttachmentContent(ctx, a, in.Data); err != nil {
			return nil, nil, nil, err
		}
		refs, as[a.ID] = append(refs, email.AttachmentRef{ID: a.ID, ContentID: in.ContentID, Inline: in.Inline}), a
	}
	return refs, as, problems, nil
}

// mediaType is a part's declared media type without its parameters, or
// guess when it declares none.
func mediaType(declared, guess string) string {
	if t, _, err := mime.ParseMediaType(declared); err == nil && t != "" && t != "application/octet-stream" {
		return t
	}
	return guess
}

// problemText is what a refusal says, without its code.
func problemText(err error) string {
	if e, ok := core.AsError(err); ok {
		if len(e.Fields) > 0 {
			return e.Fields[0].Message
		}
		return e.Message
	}
	return err.Error()
}
