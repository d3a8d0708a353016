package timeline

import (
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// EmailActorKind names what an email participant is to the workspace.
type EmailActorKind string

// The kinds of email actors (Plain's EmailActor union).
const (
	EmailActorCustomer        EmailActorKind = "customer"
	EmailActorDeletedCustomer EmailActorKind = "deletedCustomer"
	EmailActorUser            EmailActorKind = "user"
	EmailActorSupportAddress  EmailActorKind = "supportEmailAddress"
)

// EmailActor is who an email address belongs to: a customer or user (ID is
// their id) or one of the workspace's support addresses (ID is the
// address).
type EmailActor struct {
	Kind EmailActorKind `json:"kind"`
	ID   string         `json:"id"`
}

// EmailParticipant is a sender or recipient of an email.
type EmailParticipant struct {
	Email string      `json:"email"`
	Name  *string     `json:"name,omitempty"`
	Actor *EmailActor `json:"actor,omitempty"`
}

// EmailBounce is a report that an email could not be delivered to one of
// its recipients.
type EmailBounce struct {
	BouncedAt core.Time        `json:"bouncedAt"`
	Recipient EmailParticipant `json:"recipient"`
	// Reason is one of Plain's EmailBounceReason values.
	Reason    string  `json:"reason"`
	Details   *string `json:"details,omitempty"`
	Retriable bool    `json:"retriable"`
}

// EmailAttachment is an attachment of an email, with the Content-ID its
// HTML refers to it by ("" when none).
type EmailAttachment struct {
	ID        string `json:"id"`
	ContentID string `json:"contentId,omitempty"`
}

// Email is an email as its entry shows it, received from (Inbound) or sent
// to the customer. Text is the new text of the email, without the quoted
// history its client marked; FullText is the whole text when it holds
// more than Text (nil otherwise). SendStatus is set on outbound emails
// only, and changes as the email is sent (the entry is updated with it).
type Email struct {
	EmailID          string             `json:"emailId"`
	Inbound          bool               `json:"inbound"`
	From             EmailParticipant   `json:"from"`
	To               EmailParticipant   `json:"to"`
	Cc               []EmailParticipant `json:"cc,omitempty"`
	Bcc              []EmailParticipant `json:"bcc,omitempty"`
	Subject          *string            `json:"subject,omitempty"`
	Text             *string            `json:"text,omitempty"`
	FullText         *string            `json:"fullText,omitempty"`
	Markdown         *string            `json:"markdown,omitempty"`
	Attachments      []EmailAttachment  `json:"attachments,omitempty"`
	Authenticity     string             `json:"authenticity"`
	Category         string             `json:"category"`
	IsStartOfThread  bool               `json:"isStartOfThread"`
	InReplyToEmailID *string            `json:"inReplyToEmailId,omitempty"`
	SendStatus       string             `json:"sendStatus,omitempty"`
	SentAt           *core.Time         `json:"sentAt,omitempty"`
	ReceivedAt       *core.Time         `json:"receivedAt,omitempty"`
	Bounces          []EmailBounce      `json:"bounces,omitempty"`
}

// Kind is KindEmail.
func (Email) Kind() Kind { return KindEmail }

// AttachmentIDs returns the ids of the email's attachments, in order.
func (e Email) AttachmentIDs() []string {
	out := make([]string, len(e.Attachments))
	for i, a := range e.Attachments {
		out[i] = a.ID
	}
	return out
}

// HasMoreText reports whether the email holds more text than its new text
// (quoted history or a signature).
func (e Email) HasMoreText() bool { return e.FullText != nil }

// WholeText is the email's whole text: FullText when it has more, else Text.
func (e Email) WholeText() *string {
	if e.FullText != nil {
		return e.FullText
	}
	return e.Text
}

// emailText renders an email entry for a language model.
func emailText(p Email) string {
	who := "Support"
	if p.Inbound {
		who = "Customer"
	}
	s := who + " (email"
	if p.Subject != nil && *p.Subject != "" {
		s += fmt.Sprintf(", subject %q", *p.Subject)
	}
	s += "): "
	if p.Text != nil {
		s += *p.Text
	}
	if n := len(p.Attachments); n > 0 {
		s = strings.TrimSpace(s + fmt.Sprintf(" [%d attachment(s)]", n))
	}
	return s
}
