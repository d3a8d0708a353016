package email

import (
	"fmt"
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/timeline"
)

// PrefixEmail begins the ids of emails ("em_…"), as Plain mints them.
const PrefixEmail = "em"

// SendStatus is Plain's EmailSendStatus: how far an outbound email got.
type SendStatus string

// The send statuses. An outbound email is PENDING until the relay accepts
// it (SENT) or refuses it for good, or its retries run out (FAILED); a
// delivery report about a sent email makes it BOUNCED.
const (
	Pending SendStatus = "PENDING"
	Sent    SendStatus = "SENT"
	Failed  SendStatus = "FAILED"
	Bounced SendStatus = "BOUNCED"
)

// Category is Plain's EmailCategory.
type Category string

// The categories Threadline sets.
const (
	Messaging  Category = "MESSAGING"
	UserHidden Category = "USER_HIDDEN" // sendNewEmail with isHiddenFromUser
)

// ActorKind names what an email address belongs to.
type ActorKind = timeline.EmailActorKind

// The participant kinds.
const (
	ActorCustomer       = timeline.EmailActorCustomer
	ActorUser           = timeline.EmailActorUser
	ActorSupportAddress = timeline.EmailActorSupportAddress
)

// Participant is a sender or recipient of a stored email, with who the
// address belongs to when Threadline knows (Kind "" when it does not).
type Participant struct {
	Address
	Kind ActorKind
	// ActorID is the customer's or user's id, or the support address.
	ActorID string
}

// AttachmentRef is an attachment of a stored email ("att_…"), with the
// Content-ID its HTML refers to it by.
type AttachmentRef struct {
	ID        string `json:"id"`
	ContentID string `json:"contentId,omitempty"`
	Inline    bool   `json:"inline,omitempty"`
}

// Checks record what Threadline learned about how an inbound email
// arrived: the transport, the SMTP envelope, and what was wrong with it
// but did not stop it being read.
type Checks struct {
	Source     string `json:"source"` // "smtp", "imap" or "api" (impersonation)
	RemoteAddr string `json:"remoteAddr,omitempty"`
	TLS        bool   `json:"tls,omitempty"`
	// EnvelopeFrom is the SMTP MAIL FROM; EnvelopeMatches reports whether
	// its domain is the From header's (a forwarded or spoofed mail often
	// differs). Both are empty for IMAP.
	EnvelopeFrom    string   `json:"envelopeFrom,omitempty"`
	EnvelopeMatches bool     `json:"envelopeMatches,omitempty"`
	Problems        []string `json:"problems,omitempty"`
}

// Bounce is a report that an email was not delivered to one recipient.
type Bounce struct {
	At        core.Time
	Recipient string
	Reason    BounceReason
	Details   string
	Retriable bool
}

// MaxReferences bounds the References an outgoing email carries: the
// first and the most recent ids, as RFC 5322 suggests when trimming.
const MaxReferences = 20

// Email is one stored email ("em_") of a thread: received from the
// customer (Inbound) or sent by the workspace. MessageID is unique in its
// workspace: receiving the same message twice stores it once.
type Email struct {
	ID               string
	WorkspaceID      string
	ThreadID         string
	CustomerID       string
	MessageID        string
	Inbound          bool
	InReplyToEmailID *string
	From             Participant
	To               Participant
	Cc, Bcc          []Participant
	// ReplyTo is where replies go: for an outbound email the thread's
	// reply address; for an inbound one its Reply-To header, if any.
	ReplyTo  string
	Subject  *string
	Text     *string // the whole text
	NewText  *string // the text without quoted history, nil when the same as Text
	Markdown *string
	HTML     string
	// InReplyTo and References are the threading headers of the message.
	InReplyTo    string
	References   []string
	Category     Category
	Authenticity Authenticity
	Attachments  []AttachmentRef
	Checks       Checks
	// IsStartOfThread is set when the email created its thread.
	IsStartOfThread bool
	// Sending (outbound only).
	SendStatus    SendStatus
	Attempts      int
	NextAttemptAt core.Time
	LeaseUntil    *core.Time
	LastError     string
	Bounces       []Bounce
	SentAt        *core.Time
	ReceivedAt    *core.Time
	// TimelineEntryID is the id of the email's timeline entry.
	TimelineEntryID string
	CreatedAt       core.Time
	CreatedBy       core.Actor
	UpdatedAt       core.Time
	UpdatedBy       core.Actor
}

// NewMessageID returns the Message-ID of the outbound email id sent from
// support: the email's id at the support address's domain, so that it is
// the same on every attempt and replies are recognised by it.
func NewMessageID(id, support string) string {
	_, domain, ok := strings.Cut(support, "@")
	if !ok || domain == "" {
		domain = "threadline.invalid"
	}
	return strings.ToLower(id) + "@" + domain
}

// ThreadingReferences returns the References of a reply to an email
// whose own References are refs and whose Message-ID is id: refs then id,
// trimmed to MaxReferences (keeping the first, which names the
// conversation's start).
func ThreadingReferences(refs []string, id string) []string {
	out := slices.Clone(refs)
	if id != "" && !slices.Contains(out, id) {
		out = append(out, id)
	}
	if len(out) > MaxReferences {
		out = append(out[:1], out[len(out)-MaxReferences+1:]...)
	}
	return out
}

// CanBeRepliedTo reports whether a reply may answer e: an inbound email,
// or an outbound one that was sent (replying to an email that never left
// would thread the reply under a message the customer does not have).
func (e Email) CanBeRepliedTo() bool {
	return e.Inbound || e.SendStatus == Sent || e.SendStatus == Bounced
}

// Actor is who the email's timeline entry is by: its creator.
func (e Email) Actor() core.Actor { return e.CreatedBy }

// Payload is what e's timeline entry shows.
func (e Email) Payload() timeline.Email {
	p := timeline.Email{EmailID: e.ID, Inbound: e.Inbound, From: participantOut(e.From), To: participantOut(e.To),
		Cc: participantsOut(e.Cc), Bcc: participantsOut(e.Bcc), Subject: e.Subject, Text: e.Text, Markdown: e.Markdown,
		Authenticity: string(e.Authenticity), Category: string(e.Category), IsStartOfThread: e.IsStartOfThread,
		InReplyToEmailID: e.InReplyToEmailID, SendStatus: string(e.SendStatus), SentAt: e.SentAt, ReceivedAt: e.ReceivedAt}
	if e.NewText != nil {
		p.Text, p.FullText = e.NewText, e.Text
	}
	for _, a := range e.Attachments {
		p.Attachments = append(p.Attachments, timeline.EmailAttachment{ID: a.ID, ContentID: a.ContentID})
	}
	for _, b := range e.Bounces {
		tb := timeline.EmailBounce{BouncedAt: b.At, Recipient: timeline.EmailParticipant{Email: b.Recipient},
			Reason: string(b.Reason), Retriable: b.Retriable}
		if b.Details != "" {
			d := b.Details
			tb.Details = &d
		}
		p.Bounces = append(p.Bounces, tb)
	}
	return p
}

func participantOut(p Participant) timeline.EmailParticipant {
	out := timeline.EmailParticipant{Email: p.Email}
	if p.Name != "" {
		n := p.Name
		out.Name = &n
	}
	if p.Kind != "" {
		out.Actor = &timeline.EmailActor{Kind: p.Kind, ID: p.ActorID}
	}
	return out
}

func participantsOut(ps []Participant) []timeline.EmailParticipant {
	if len(ps) == 0 {
		return nil
	}
	out := make([]timeline.EmailParticipant, len(ps))
	for i, p := range ps {
		out[i] = participantOut(p)
	}
	return out
}

// AttachmentIDs returns the ids of e's attachments, in order.
func (e Email) AttachmentIDs() []string {
	out := make([]string, len(e.Attachments))
	for i, a := range e.Attachments {
		out[i] = a.ID
	}
	return out
}

// Entry returns e's timeline entry, at its sending or receiving time.
func (e Email) Entry() (timeline.Entry, error) {
	te, err := timeline.NewEntry(e.WorkspaceID, e.ThreadID, e.CustomerID, e.ID, e.Payload(), e.CreatedBy, e.CreatedAt)
	if err != nil {
		return te, fmt.Errorf("email %s: %w", e.ID, err)
	}
	if e.TimelineEntryID != "" {
		te.ID = e.TimelineEntryID
	}
	return te, nil
}

// Recipients returns the addresses an outbound email goes to: To, Cc and
// Bcc, each once.
func (e Email) Recipients() []Address {
	var out []Address
	for _, p := range append(append([]Participant{e.To}, e.Cc...), e.Bcc...) {
		if !slices.ContainsFunc(out, func(a Address) bool { return a.Email == p.Email }) {
			out = append(out, p.Address)
		}
	}
	return out
}

// Draft returns the message that sends e, with its attachments as given
// (in the order of e.Attachments).
func (e Email) Draft(attachments []Attachment) Draft {
	d := Draft{MessageID: e.MessageID, From: e.From.Address, ReplyTo: Address{Email: e.ReplyTo}, To: []Address{e.To.Address},
		InReplyTo: e.InReplyTo, References: e.References, Date: e.CreatedAt, Attachments: attachments, HTML: e.HTML}
	if e.ReplyTo != "" {
		d.ReplyTo.Name = e.From.Name
	}
	for _, p := range e.Cc {
		d.Cc = append(d.Cc, p.Address)
	}
	for _, p := range e.Bcc {
		d.Bcc = append(d.Bcc, p.Address)
	}
	if e.Subject != nil {
		d.Subject = *e.Subject
	}
	if e.Text != nil {
		d.Text = *e.Text
	}
	return d
}
