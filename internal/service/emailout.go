package service

import (
	"context"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// OutgoingEmail is what sendNewEmail and replyToEmail take besides where
// the email goes.
type OutgoingEmail struct {
	Subject       *string
	Text          string
	Markdown      *string
	Cc, Bcc       []email.ParticipantInput
	AttachmentIDs []string
	// From is fromAlternateSupportEmail: one of the workspace's support
	// addresses to send from instead of the thread's.
	From           *email.ParticipantInput
	HiddenFromUser bool
}

// SendEmailInput is sendNewEmail's input.
type SendEmailInput struct {
	CustomerID string
	ThreadID   *string // nil starts a new EMAIL thread
	OutgoingEmail
}

// ReplyEmailInput is replyToEmail's input.
type ReplyEmailInput struct {
	InReplyToEmailID string
	OutgoingEmail
}

// outgoing is an outgoing email's content, checked.
type outgoing struct {
	subject  string
	text     string
	markdown *string
	html     string
	cc, bcc  []email.Address
	ids      []string
	from     *email.Address
	category email.Category
}

// checkOutgoing validates what needs no database; the subject is required
// unless optional (a reply may inherit its parent's).
func checkOutgoing(in OutgoingEmail, subjectOptional bool) (outgoing, error) {
	var c core.Collector
	o := outgoing{ids: in.AttachmentIDs, category: email.Messaging}
	if in.Subject != nil {
		s, err := email.CleanSubject("subject", *in.Subject)
		if e, ok := core.AsError(err); ok {
			c.Add(e.Fields[0].Field, e.Fields[0].Message, e.Fields[0].Type)
		} else if o.subject = s; s == "" && !subjectOptional {
			c.Required("subject")
		}
	} else if !subjectOptional {
		c.Required("subject")
	}
	o.text = email.CleanText(&c, "textContent", in.Text)
	o.markdown = email.CleanMarkdown(&c, "markdownContent", in.Markdown)
	o.cc, o.bcc = email.CleanRecipients(&c, "additionalRecipients", in.Cc, "hiddenRecipients", in.Bcc)
	if in.From != nil {
		if a, ok := email.CleanParticipant(&c, "fromAlternateSupportEmail", *in.From); ok {
			o.from = &a
		}
	}
	if len(in.AttachmentIDs) > attachment.MaxPerMessage {
		c.Invalid("attachmentIds", "Too many attachments")
	}
	if in.HiddenFromUser {
		o.category = email.UserHidden
	}
	if err := c.Err(); err != nil {
		return o, err
	}
	if o.markdown != nil {
		html, err := email.RenderMarkdown(*o.markdown)
		if err != nil {
			return o, err
		}
		o.html = html
	}
	return o, nil
}

// SendNewEmail sends a new email to a customer: on their thread, or on a
// new EMAIL thread titled with the subject. The email is written PENDING,
// with its entry and the thread's outbound message info, in one
// transaction; the sender hands it to the relay (and emits
// thread.email_sent) after. Needs email:create and email:read.
func (s *Service) SendNewEmail(ctx context.Context, in SendEmailInput) (email.Email, error) {
	p, err := principal(ctx, auth.EmailCreate, auth.EmailRead)
	if err != nil {
		return email.Email{}, err
	}
	o, err := checkOutgoing(in.OutgoingEmail, false)
	if err != nil {
		return email.Email{}, err
	}
	var ref int64
	if in.ThreadID == nil {
		if ref, err = s.allocateRef(ctx, p.WorkspaceID); err != nil {
			return email.Email{}, err
		}
	}
	var out email.Email
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cust, err := tx.GetCustomer(ctx, p.WorkspaceID, in.CustomerID)
		if err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		var th *thread.Thread
		if in.ThreadID != nil {
			t, err := tx.LockThread(ctx, p.WorkspaceID, *in.ThreadID)
			if err != nil || t.CustomerID != cust.ID {
				return notFoundAs(orNotFound(err), "threadId", "Thread")
			}
			th = &t
		}
		to := email.Address{Name: cust.FullName, Email: cust.Email}
		out, err = s.sendEmail(ctx, tx, p, cust, th, to, nil, o, ref)
		return err
	})
	return out, err
}

// ReplyToEmail answers an email of a thread: to its sender (an inbound
// email) or to its recipient (one the workspace sent), threaded under it
// (In-Reply-To, References, "Re: " subject). An email that was never sent
// cannot be answered (cannot_reply_to_unsent_email). Needs email:create
// and email:read.
func (s *Service) ReplyToEmail(ctx context.Context, in ReplyEmailInput) (email.Email, error) {
	p, err := principal(ctx, auth.EmailCreate, auth.EmailRead)
	if err != nil {
		return email.Email{}, err
	}
	o, err := checkOutgoing(in.OutgoingEmail, true)
	if err != nil {
		return email.Email{}, err
	}
	var out email.Email
	err = s.store.Update(ctx, func(tx store.Tx) error {
		parent, err := tx.GetEmail(ctx, p.WorkspaceID, in.InReplyToEmailID)
		if err != nil {
			return notFoundAs(err, "inReplyToEmailId", "Email")
		}
		if !parent.CanBeRepliedTo() {
			return core.Conflict(email.CodeCannotReplyToUnsent, "inReplyToEmailId",
				"This email was not sent (it is "+string(parent.SendStatus)+"): it cannot be replied to.")
		}
		th, err := tx.LockThread(ctx, p.WorkspaceID, parent.ThreadID)
		if err != nil {
			return err
		}
		cust, err := tx.GetCustomer(ctx, p.WorkspaceID, th.CustomerID)
		if err != nil {
			return err
		}
		out, err = s.sendEmail(ctx, tx, p, cust, &th, replyRecipient(parent), &parent, o, 0)
		return err
	})
	return out, err
}

// replyRecipient is who a reply to parent goes to: the sender of an
// inbound email (its Reply-To, when it has one), the recipient of an
// outbound one.
func replyRecipient(parent email.Email) email.Address {
	switch {
	case !parent.Inbound:
		return parent.To.Address
	case parent.ReplyTo != "":
		return email.Address{Email: parent.ReplyTo}
	}
	return parent.From.Address
}

// sendEmail writes an outgoing email from p to to, on th (nil: a new
// EMAIL thread of cust, with ref when not 0), answering parent when not
// nil.
func (s *Service) sendEmail(ctx context.Context, tx store.Tx, p *auth.Principal, cust customer.Customer, th *thread.Thread,
	to email.Address, parent *email.Email, o outgoing, ref int64) (email.Email, error) {
	now := s.clock.Now()
	var c core.Collector
	as, err := checkAttachments(ctx, tx, p.WorkspaceID, cust.ID, o.ids, attachment.TypeEmail, &c)
	if err != nil {
		return email.Email{}, err
	}
	own, err := tx.ListSupportAddresses(ctx, p.WorkspaceID)
	if err != nil {
		return email.Email{}, err
	}
	from, err := senderAddress(own, o.from, th, parent, &c)
	if err != nil {
		return email.Email{}, err
	}
	if err := c.Err(); err != nil {
		return email.Email{}, err
	}
	if th == nil {
		created, err := s.createEmailThread(ctx, tx, p.WorkspaceID, cust, thread.Truncate(o.subject, thread.MaxTitleLength),
			from.Address, p.Actor, ref, now)
		if err != nil {
			return email.Email{}, err
		}
		th = &created
	}
	e := outboundEmail(p, *th, cust, from, to, parent, o, own, now)
	return e, s.writeEmail(ctx, tx, *th, e, as, now)
}

// senderAddress is the support address an email is sent from: the one
// asked for (which must be the workspace's), else the one the thread's
// emails went through, else the workspace's first. A workspace without
// one cannot send email (workspace_email_not_enabled).
func senderAddress(own []email.SupportAddress, asked *email.Address, th *thread.Thread, parent *email.Email,
	c *core.Collector) (email.SupportAddress, error) {
	find := func(addr string) (email.SupportAddress, bool) {
		base, _ := email.SplitAddress(addr)
		for _, a := range own {
			if a.Address == base {
				return a, true
			}
		}
		return email.SupportAddress{}, false
	}
	if asked != nil {
		a, ok := find(asked.Email)
		if !ok {
			c.Add("fromAlternateSupportEmail.email", "Not a support email address of this workspace", core.FieldNotFound)
		}
		if asked.Name != "" {
			a.Name = asked.Name
		}
		return a, nil
	}
	var tried []string
	if parent != nil {
		tried = append(tried, parent.To.Email, parent.From.Email)
	}
	if th != nil {
		tried = append(tried, th.SupportEmailAddresses...)
	}
	for _, addr := range tried {
		if a, ok := find(addr); ok {
			return a, nil
		}
	}
	if len(own) == 0 {
		return email.SupportAddress{}, core.Conflict(email.CodeNotEnabled, "",
			"This workspace has no support email address to send from (threadline email address add).")
	}
	return own[0], nil
}

// outboundEmail builds the stored email of an outgoing message.
func outboundEmail(p *auth.Principal, th thread.Thread, cust customer.Customer, from email.SupportAddress, to email.Address,
	parent *email.Email, o outgoing, own []email.SupportAddress, now core.Time) email.Email {
	id := core.NewID(email.PrefixEmail)
	e := email.Email{ID: id, WorkspaceID: th.WorkspaceID, ThreadID: th.ID, CustomerID: th.CustomerID,
		MessageID: email.NewMessageID(id, from.Address), From: participant(from.From(), own, cust),
		To: participant(to, own, cust), ReplyTo: email.ReplyAddress(from.Address, th.ID), Text: &o.text,
		Markdown: o.markdown, HTML: o.html, Category: o.category, Authenticity: email.AuthUnknown,
		SendStatus: email.Pending, NextAttemptAt: now, TimelineEntryID: core.NewID(core.PrefixTimeline),
		CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
	for _, id := range o.ids {
		e.Attachments = append(e.Attachments, email.AttachmentRef{ID: id})
	}
	for _, a := range o.cc {
		e.Cc = append(e.Cc, participant(a, own, cust))
	}
	for _, a := range o.bcc {
		e.Bcc = append(e.Bcc, participant(a, own, cust))
	}
	subject := o.subject
	if parent != nil {
		e.InReplyToEmailID, e.InReplyTo = &parent.ID, parent.MessageID
		e.References = email.ThreadingReferences(parent.References, parent.MessageID)
		if subject == "" && parent.Subject != nil {
			subject = email.ReplySubject(*parent.Subject)
		}
	}
	if subject == "" {
		subject = email.ReplySubject(th.Title)
	}
	e.Subject = &subject
	return e
}

// replyByEmail answers an EMAIL or API thread by email (replyToThread):
// under its latest email that can be answered, to whom that email was
// from or to; or, on a thread without one, a first email to its customer.
// Impersonating the customer records an email from them instead (nothing
// is sent).
func (s *Service) replyByEmail(ctx context.Context, p *auth.Principal, threadID string, in ReplyInput, asCustomer bool) error {
	opts := OutgoingEmail{Text: in.Text, Markdown: in.Markdown, AttachmentIDs: in.AttachmentIDs, Cc: in.Cc, Bcc: in.Bcc}
	o, err := checkOutgoing(opts, true)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		th, err := tx.LockThread(ctx, p.WorkspaceID, threadID)
		if err != nil {
			return notFoundAs(err, "threadId", "Thread")
		}
		cust, err := tx.GetCustomer(ctx, p.WorkspaceID, th.CustomerID)
		if err != nil {
			return err
		}
		if asCustomer {
			return s.impersonatedEmail(ctx, tx, th, cust, o)
		}
		latest, err := tx.LatestEmails(ctx, p.WorkspaceID, th.ID, 50)
		if err != nil {
			return err
		}
		for i := range latest {
			if latest[i].CanBeRepliedTo() {
				_, err := s.sendEmail(ctx, tx, p, cust, &th, replyRecipient(latest[i]), &latest[i], o, 0)
				return err
			}
		}
		_, err = s.sendEmail(ctx, tx, p, cust, &th, email.Address{Name: cust.FullName, Email: cust.Email}, nil, o, 0)
		return err
	})
}

// impersonatedEmail records an email from the customer of th, written
// through the API on their behalf (replyToThread with impersonation): it
// counts as their message (the NEW_REPLY rule, thread.email_received) and
// is not sent anywhere.
func (s *Service) impersonatedEmail(ctx context.Context, tx store.Tx, th thread.Thread, cust customer.Customer, o outgoing) error {
	now := s.clock.Now()
	by := core.Actor{Type: core.ActorCustomer, ID: cust.ID}
	var c core.Collector
	as, err := checkAttachments(ctx, tx, th.WorkspaceID, cust.ID, o.ids, attachment.TypeEmail, &c)
	if err != nil {
		return err
	}
	if err := c.Err(); err != nil {
		return err
	}
	own, err := tx.ListSupportAddresses(ctx, th.WorkspaceID)
	if err != nil {
		return err
	}
	// Without a support address, the email is still the customer's
	// message; it went to no address Threadline knows.
	support, _ := senderAddress(own, nil, &th, nil, &c)
	id := core.NewID(email.PrefixEmail)
	subject := email.ReplySubject(th.Title)
	e := email.Email{ID: id, WorkspaceID: th.WorkspaceID, ThreadID: th.ID, CustomerID: cust.ID,
		MessageID: email.NewMessageID(id, support.Address), Inbound: true,
		From: participant(email.Address{Name: cust.FullName, Email: cust.Email}, own, cust),
		To:   participant(support.From(), own, cust), Subject: &subject, Text: &o.text, Markdown: o.markdown, HTML: o.html,
		Category: email.Messaging, Authenticity: email.AuthUnknown, Checks: email.Checks{Source: "api"}, ReceivedAt: &now,
		TimelineEntryID: core.NewID(core.PrefixTimeline), CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	for _, id := range o.ids {
		e.Attachments = append(e.Attachments, email.AttachmentRef{ID: id})
	}
	return s.writeEmail(ctx, tx, th, e, as, now)
}
