package event

import (
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/timeline"
)

// EmailActor is who an email address belongs to, as webhooks show it: a
// tagged object (customer, user, supportEmailAddress, deletedCustomer).
type EmailActor struct {
	ActorType           string  `json:"actorType"`
	CustomerID          *string `json:"customerId,omitempty"`
	UserID              *string `json:"userId,omitempty"`
	SupportEmailAddress *string `json:"supportEmailAddress,omitempty"`
}

// EmailParticipant is a sender or recipient as webhooks show it.
type EmailParticipant struct {
	Email      string      `json:"email"`
	Name       *string     `json:"name"`
	EmailActor *EmailActor `json:"emailActor"`
}

// newEmailParticipant shows p as webhooks do.
func newEmailParticipant(p timeline.EmailParticipant) EmailParticipant {
	out := EmailParticipant{Email: p.Email, Name: p.Name}
	if p.Actor != nil {
		id := p.Actor.ID
		a := &EmailActor{ActorType: string(p.Actor.Kind)}
		switch p.Actor.Kind {
		case timeline.EmailActorCustomer, timeline.EmailActorDeletedCustomer:
			a.CustomerID = &id
		case timeline.EmailActorUser:
			a.UserID = &id
		case timeline.EmailActorSupportAddress:
			a.SupportEmailAddress = &id
		default:
			a = &EmailActor{ActorType: "UNKNOWN"}
		}
		out.EmailActor = a
	}
	return out
}

func newEmailParticipants(ps []timeline.EmailParticipant) []EmailParticipant {
	out := make([]EmailParticipant, len(ps))
	for i, p := range ps {
		out[i] = newEmailParticipant(p)
	}
	return out
}

// Email is an email as webhooks show it.
type Email struct {
	TimelineEntryID      string             `json:"timelineEntryId"`
	ID                   string             `json:"id"`
	To                   EmailParticipant   `json:"to"`
	From                 EmailParticipant   `json:"from"`
	ReplyTo              *string            `json:"replyTo"`
	AdditionalRecipients []EmailParticipant `json:"additionalRecipients"`
	HiddenRecipients     []EmailParticipant `json:"hiddenRecipients"`
	Subject              *string            `json:"subject"`
	TextContent          *string            `json:"textContent"`
	MarkdownContent      *string            `json:"markdownContent"`
	Authenticity         string             `json:"authenticity"`
	SentAt               *string            `json:"sentAt"`
	ReceivedAt           *string            `json:"receivedAt"`
	Attachments          []Attachment       `json:"attachments"`
	InReplyToEmailID     *string            `json:"inReplyToEmailId"`
	IsStartOfThread      bool               `json:"isStartOfThread"`
	SendStatus           string             `json:"sendStatus,omitempty"`
	CreatedAt            string             `json:"createdAt"`
	CreatedBy            Actor              `json:"createdBy"`
	UpdatedAt            string             `json:"updatedAt"`
	UpdatedBy            Actor              `json:"updatedBy"`
}

// NewEmail shows e, with its attachments, as webhooks do. Its text is the
// whole text of the email.
func NewEmail(e email.Email, as Attachments) Email {
	p := e.Payload()
	var replyTo *string
	if e.ReplyTo != "" {
		r := e.ReplyTo
		replyTo = &r
	}
	return Email{TimelineEntryID: e.TimelineEntryID, ID: e.ID, To: newEmailParticipant(p.To), From: newEmailParticipant(p.From),
		ReplyTo: replyTo, AdditionalRecipients: newEmailParticipants(p.Cc), HiddenRecipients: newEmailParticipants(p.Bcc),
		Subject: e.Subject, TextContent: e.Text, MarkdownContent: e.Markdown, Authenticity: string(e.Authenticity),
		SentAt: iso(e.SentAt), ReceivedAt: iso(e.ReceivedAt), Attachments: as.of(e.AttachmentIDs()),
		InReplyToEmailID: e.InReplyToEmailID, IsStartOfThread: e.IsStartOfThread, SendStatus: string(e.SendStatus),
		CreatedAt: e.CreatedAt.ISO8601(), CreatedBy: NewActor(e.CreatedBy),
		UpdatedAt: e.UpdatedAt.ISO8601(), UpdatedBy: NewActor(e.UpdatedBy)}
}

// ThreadEmailPayload is the payload of thread.email_received and
// thread.email_sent: the thread after the email, and the email.
type ThreadEmailPayload struct {
	EventType Type   `json:"eventType"`
	Thread    Thread `json:"thread"`
	Email     Email  `json:"email"`
}

// NewThreadEmailReceived is the event of an email from th's customer.
func NewThreadEmailReceived(th Thread, e Email) ThreadEmailPayload {
	return ThreadEmailPayload{EventType: ThreadEmailReceived, Thread: th, Email: e}
}

// NewThreadEmailSent is the event of an email the relay accepted for th's
// customer.
func NewThreadEmailSent(th Thread, e Email) ThreadEmailPayload {
	return ThreadEmailPayload{EventType: ThreadEmailSent, Thread: th, Email: e}
}

// Type is thread.email_received or thread.email_sent.
func (p ThreadEmailPayload) Type() Type { return p.EventType }

// OrderKey is the thread's id.
func (p ThreadEmailPayload) OrderKey() string { return p.Thread.ID }

// EmailEntry is an email entry as webhooks show it.
type EmailEntry struct {
	EntryType              string                 `json:"entryType"`
	EmailID                string                 `json:"emailId"`
	To                     EmailParticipant       `json:"to"`
	From                   EmailParticipant       `json:"from"`
	AdditionalRecipients   []EmailParticipant     `json:"additionalRecipients"`
	HiddenRecipients       []EmailParticipant     `json:"hiddenRecipients"`
	Subject                *string                `json:"subject"`
	TextContent            *string                `json:"textContent"`
	HasMoreTextContent     bool                   `json:"hasMoreTextContent"`
	MarkdownContent        *string                `json:"markdownContent"`
	HasMoreMarkdownContent bool                   `json:"hasMoreMarkdownContent"`
	Authenticity           string                 `json:"authenticity"`
	SentAt                 *string                `json:"sentAt"`
	ReceivedAt             *string                `json:"receivedAt"`
	Attachments            []EmailEntryAttachment `json:"attachments"`
	InReplyToEmailID       *string                `json:"inReplyToEmailId"`
	IsStartOfThread        bool                   `json:"isStartOfThread"`
	SendStatus             string                 `json:"sendStatus,omitempty"`
}

// EmailEntryAttachment is an attachment of an email entry, with the
// Content-ID the email's HTML refers to it by.
type EmailEntryAttachment struct {
	Attachment
	EmailContentID string `json:"emailContentId"`
}

func (EmailEntry) webhookEntry() {}

// newEmailEntry shows an email entry's payload as webhooks do.
func newEmailEntry(p timeline.Email, as Attachments) EmailEntry {
	atts := []EmailEntryAttachment{}
	for _, a := range p.Attachments {
		if at, ok := as[a.ID]; ok {
			atts = append(atts, EmailEntryAttachment{Attachment: NewAttachment(at), EmailContentID: a.ContentID})
		}
	}
	return EmailEntry{EntryType: "email", EmailID: p.EmailID, To: newEmailParticipant(p.To), From: newEmailParticipant(p.From),
		AdditionalRecipients: newEmailParticipants(p.Cc), HiddenRecipients: newEmailParticipants(p.Bcc), Subject: p.Subject,
		TextContent: p.Text, HasMoreTextContent: p.HasMoreText(), MarkdownContent: p.Markdown, Authenticity: p.Authenticity,
		SentAt: iso(p.SentAt), ReceivedAt: iso(p.ReceivedAt), Attachments: atts, InReplyToEmailID: p.InReplyToEmailID,
		IsStartOfThread: p.IsStartOfThread, SendStatus: p.SendStatus}
}
