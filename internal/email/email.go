// Package email holds what Threadline knows of email, without I/O: a
// received message as parsed and classified, the rules that thread a reply
// onto its conversation, the addresses replies come back to, and the checks
// an outgoing email must pass (no header injection, bounded recipients).
package email

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Limits of one email.
const (
	MaxSubjectLength = 998   // one header line, RFC 5322
	MaxRecipients    = 49    // additional + hidden, as in Plain (CC+BCC ≤ 49)
	MaxTextLength    = 64000 // characters of a text body written through the API
)

// Address is one mailbox: an optional display name and an address.
type Address struct {
	Name  string
	Email string
}

// String renders the address for a header ("Ann <ann@example.com>").
func (a Address) String() string {
	return (&mail.Address{Name: a.Name, Address: a.Email}).String()
}

// ParseAddress reads one address, lower-casing its domain part.
func ParseAddress(s string) (Address, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return Address{}, fmt.Errorf("not an email address: %q", s)
	}
	return Address{Name: a.Name, Email: Normalize(a.Address)}, nil
}

// Normalize lower-cases an address (Threadline compares addresses without
// regard to case, as every mail provider in use does).
func Normalize(addr string) string { return strings.ToLower(strings.TrimSpace(addr)) }

// Automation says why a message was sent by a machine, "" when a person
// wrote it. Automated mail never creates or re-opens a thread, so that two
// auto-responders cannot answer each other forever.
type Automation string

// The kinds of automated mail.
const (
	Human          Automation = ""
	AutoSubmitted  Automation = "auto-submitted"  // RFC 3834 Auto-Submitted other than "no"
	DeliveryReport Automation = "delivery-report" // a bounce or delivery status notification
	NullSender     Automation = "null-sender"     // the envelope sender is <> (bounces, receipts)
	MailerDaemon   Automation = "mailer-daemon"   // From MAILER-DAEMON or postmaster
	BulkPrecedence Automation = "precedence"      // Precedence bulk, junk, list or auto_reply
	AutoReply      Automation = "auto-reply"      // X-Autoreply, X-Autorespond and the like
	Loop           Automation = "loop"            // sent by one of the workspace's own addresses
)

// Authenticity is what the receiving side learned of the sender (Plain's
// EmailAuthenticity): PASS or FAIL when a trusted mail server recorded SPF,
// DKIM or DMARC results, UNKNOWN otherwise.
type Authenticity string

// The authenticity verdicts.
const (
	AuthPass    Authenticity = "PASS"
	AuthFail    Authenticity = "FAIL"
	AuthUnknown Authenticity = "UNKNOWN"
)

// Attachment is one file of a message.
type Attachment struct {
	FileName    string
	ContentType string
	ContentID   string // for inline images referenced as cid:…
	Inline      bool
	Data        []byte
}

// Message is a received email as Threadline keeps it.
type Message struct {
	MessageID   string // without angle brackets; never empty (made up when missing)
	InReplyTo   []string
	References  []string
	From        Address
	ReplyTo     []Address
	To, Cc      []Address
	Subject     string
	Date        core.Time
	Text        string // the whole text version (from text/plain, or derived from the HTML)
	NewText     string // Text without the quoted history and signature, where the client marked them
	HTML        string // the HTML version, sanitised; "" when there was none
	NewHTML     string // HTML without the quoted history, where the client marked it
	Attachments []Attachment
	Automated   Automation
	// Report is what a delivery status notification says (Automated is
	// DeliveryReport), nil for other mail.
	Report       *StatusReport
	Authenticity Authenticity
	// Problems lists what was wrong with the message but did not stop it
	// being read (a bad charset, broken MIME): recorded, not fatal.
	Problems []string
}

// ThreadKeys returns the message ids a reply may be threaded by, most
// specific first: In-Reply-To, then References from the newest.
func (m Message) ThreadKeys() []string {
	keys := slices.Clone(m.InReplyTo)
	for i := len(m.References) - 1; i >= 0; i-- {
		if !slices.Contains(keys, m.References[i]) {
			keys = append(keys, m.References[i])
		}
	}
	return keys
}

// Recipients returns every address the message was sent to (To and Cc).
func (m Message) Recipients() []Address { return append(slices.Clone(m.To), m.Cc...) }

// CleanSubject trims a subject and refuses one that would inject headers
// or is too long.
func CleanSubject(field, s string) (string, error) {
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", core.InvalidField(field, "A subject must be one line: it must not contain line breaks")
	}
	s = strings.TrimSpace(s)
	if len([]rune(s)) > MaxSubjectLength {
		return "", core.InvalidField(field, fmt.Sprintf("String must contain at most %d character(s)", MaxSubjectLength))
	}
	return s, nil
}

// ReplySubject is the subject of a reply to subject: "Re: " once.
func ReplySubject(subject string) string {
	s := strings.TrimSpace(subject)
	switch {
	case s == "":
		return "Re: your message"
	case len(s) >= 3 && strings.EqualFold(s[:3], "re:"):
		return s
	}
	return "Re: " + s
}

// CleanName checks a display name for header injection.
func CleanName(field, s string) (string, error) {
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", core.InvalidField(field, "A name must be one line")
	}
	return strings.TrimSpace(s), nil
}

// Draft is an email Threadline sends.
type Draft struct {
	// MessageID is the id the message is sent with, the same on every
	// attempt, so that a resent copy is recognised as the same message.
	MessageID   string
	From        Address
	ReplyTo     Address // where the customer's reply goes (ReplyAddress)
	To          []Address
	Cc, Bcc     []Address
	Subject     string
	Text        string
	HTML        string // optional
	InReplyTo   string
	References  []string
	Date        core.Time
	Attachments []Attachment
}

// EnvelopeRecipients returns every address the draft is sent to, Bcc
// included (which no header shows).
func (d Draft) EnvelopeRecipients() []string {
	var out []string
	for _, l := range [][]Address{d.To, d.Cc, d.Bcc} {
		for _, a := range l {
			if !slices.Contains(out, a.Email) {
				out = append(out, a.Email)
			}
		}
	}
	return out
}
