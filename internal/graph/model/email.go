package model

import "github.com/threadline/threadline/internal/core"

// Email is an email as the API shows it. Its customer, thread and
// attachments are resolved on demand.
type Email struct {
	AdditionalRecipients []EmailParticipant
	Category             EmailCategory
	CreatedAt            core.Time
	CreatedBy            Actor
	From                 EmailParticipant
	HiddenRecipients     []EmailParticipant
	ID                   string
	InReplyToEmailID     *string
	MarkdownContent      *string
	Subject              *string
	TextContent          *string
	ThreadDiscussionID   *string
	To                   EmailParticipant
	UpdatedAt            core.Time
	UpdatedBy            Actor

	CustomerID    string
	ThreadID      string
	AttachmentIDs []string
}

// EmailEntry is an email as a timeline entry shows it; its attachments are
// resolved on demand.
type EmailEntry struct {
	AdditionalRecipients   []EmailParticipant
	Authenticity           EmailAuthenticity
	Bounces                []EmailBounce
	Category               EmailCategory
	EmailID                string
	From                   EmailParticipant
	FullMarkdownContent    *string
	FullTextContent        *string
	HasMoreMarkdownContent bool
	HasMoreTextContent     bool
	HiddenRecipients       []EmailParticipant
	IsStartOfThread        bool
	MarkdownContent        *string
	ReceivedAt             *core.Time
	SendStatus             *EmailSendStatus
	SentAt                 *core.Time
	Subject                *string
	TextContent            *string
	To                     EmailParticipant

	AttachmentIDs []string
}

// IsEntry marks EmailEntry as a member of the Entry union.
func (EmailEntry) IsEntry() {}

// CustomerEmailActor is an email address of a customer; the customer is
// resolved on demand.
type CustomerEmailActor struct {
	CustomerID string
}

// IsEmailActor marks CustomerEmailActor as a member of the EmailActor union.
func (CustomerEmailActor) IsEmailActor() {}

// UserEmailActor is an email address of a user; the user is resolved on
// demand.
type UserEmailActor struct {
	UserID string
}

// IsEmailActor marks UserEmailActor as a member of the EmailActor union.
func (UserEmailActor) IsEmailActor() {}
