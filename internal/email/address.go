package email

import (
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// SupportAddress is an address a workspace receives support mail at and
// sends from. An address routes to one workspace only.
type SupportAddress struct {
	Address     string // normalised, without a +tag
	WorkspaceID string
	Name        string // the display name mail is sent with ("Acme Support")
	CreatedAt   core.Time
	CreatedBy   core.Actor
}

// From returns the address as the sender of outgoing mail.
func (a SupportAddress) From() Address { return Address{Name: a.Name, Email: a.Address} }

// Error codes of email, as Plain names them.
const (
	// CodeNotEnabled: the workspace has no support address to send from.
	CodeNotEnabled = "workspace_email_not_enabled"
	// CodeCannotReplyToUnsent: replyToEmail named an email that was never
	// sent.
	CodeCannotReplyToUnsent = "cannot_reply_to_unsent_email"
	// CodeAddressTaken: a support address belongs to another workspace.
	CodeAddressTaken = "workspace_support_email_address_conflict"
)

// MaxNameLength bounds a display name.
const MaxNameLength = 200

// CleanSupportAddress checks a support address: one plain address, no
// display name, no +tag (Threadline uses tags to name threads).
func CleanSupportAddress(field, s string) (string, error) {
	addr, ok := core.NormalizeEmail(s)
	if !ok {
		return "", core.InvalidField(field, fmt.Sprintf("%q is not an email address", s))
	}
	if local, _, _ := strings.Cut(addr, "@"); strings.Contains(local, "+") {
		return "", core.InvalidField(field, "A support address must not have a +tag: Threadline adds one to name threads")
	}
	return addr, nil
}

// ParticipantInput is an address as the API gives it (EmailParticipantInput).
type ParticipantInput struct {
	Email string
	Name  *string
}

// CleanParticipant checks one address given through the API.
func CleanParticipant(c *core.Collector, field string, in ParticipantInput) (Address, bool) {
	addr, ok := core.NormalizeEmail(in.Email)
	if !ok {
		c.Invalid(field+".email", "Invalid email address")
		return Address{}, false
	}
	a := Address{Email: addr}
	if in.Name != nil {
		switch n := strings.TrimSpace(*in.Name); {
		case strings.ContainsAny(n, "\r\n\x00"):
			c.Invalid(field+".name", "A name must be one line")
			return Address{}, false
		case len([]rune(n)) > MaxNameLength:
			c.Invalid(field+".name", fmt.Sprintf("String must contain at most %d character(s)", MaxNameLength))
			return Address{}, false
		default:
			a.Name = n
		}
	}
	return a, true
}

// CleanRecipients checks the additional (Cc) and hidden (Bcc) recipients
// of an outgoing email: each a valid address, at most MaxRecipients in
// all. cc and bcc name their input fields.
func CleanRecipients(c *core.Collector, ccField string, cc []ParticipantInput, bccField string, bcc []ParticipantInput) (ccOut, bccOut []Address) {
	if len(cc)+len(bcc) > MaxRecipients {
		c.Invalid(ccField, fmt.Sprintf("At most %d additional and hidden recipients in all", MaxRecipients))
		return nil, nil
	}
	for i, p := range cc {
		if a, ok := CleanParticipant(c, fmt.Sprintf("%s.%d", ccField, i), p); ok {
			ccOut = append(ccOut, a)
		}
	}
	for i, p := range bcc {
		if a, ok := CleanParticipant(c, fmt.Sprintf("%s.%d", bccField, i), p); ok {
			bccOut = append(bccOut, a)
		}
	}
	return ccOut, bccOut
}

// CleanText checks an outgoing email's text: required, at most
// MaxTextLength characters, without NUL.
func CleanText(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len([]rune(s)) > MaxTextLength:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", MaxTextLength))
	}
	return s
}

// CleanMarkdown checks an outgoing email's optional markdown as CleanText
// checks its text; blank is none.
func CleanMarkdown(c *core.Collector, field string, s *string) *string {
	return c.OptionalString(field, s, MaxTextLength)
}
