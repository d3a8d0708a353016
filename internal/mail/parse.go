// Package mail moves email in and out of Threadline: it parses and
// sanitises received messages (MIME, charsets, attachments, quoted history),
// composes outgoing ones with the headers that make them thread, receives
// mail over SMTP, fetches it over IMAP and sends it through a relay. What a
// message means for a thread is decided by the service.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime/v2"
	"github.com/microcosm-cc/bluemonday"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
)

// ParseOptions tune how a message is read.
type ParseOptions struct {
	// EnvelopeFrom is the SMTP MAIL FROM ("" for the null sender <>).
	EnvelopeFrom string
	// TrustedAuthServID names the mail server whose Authentication-Results
	// header is believed (the MX in front of Threadline); others are
	// ignored, as anybody can write one.
	TrustedAuthServID string
	// HasEnvelope is set when EnvelopeFrom is known (SMTP, not IMAP).
	HasEnvelope bool
}

var parser = enmime.NewParser(enmime.SkipMalformedParts(true), enmime.MaxStoredPartErrors(20))

// policy keeps the HTML an agent needs to read a mail and nothing that runs
// or phones home: no scripts, styles, forms, event handlers, or remote
// images (cid: images of the mail itself are kept).
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// Parse reads a received message. Broken parts, unknown charsets and
// missing headers are recorded in Problems, not refused; only a message
// that is not a mail at all is an error.
func Parse(raw []byte, opt ParseOptions) (email.Message, error) {
	env, err := parser.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return email.Message{}, fmt.Errorf("mail: not a readable message: %w", err)
	}
	var m email.Message
	for _, e := range env.Errors {
		m.Problems = append(m.Problems, e.Error())
	}
	readHeaders(env, raw, &m)
	// Lines end in CRLF on the wire (and some clients encode those in
	// quoted-printable): text is kept with LF endings.
	m.Text = strings.TrimSpace(lineEnds.Replace(env.Text))
	m.NewText = strings.TrimSpace(newText(m.Text))
	if env.HTML != "" {
		m.HTML = policy.Sanitize(env.HTML)
		m.NewHTML = policy.Sanitize(newHTML(env.HTML))
	}
	m.Attachments = attachments(env)
	if m.Text == "" && m.HTML == "" && len(m.Attachments) == 0 {
		keepRawBody(raw, &m)
	}
	m.Automated = classify(env, opt)
	if isReport(env) {
		m.Report = report(env, raw, m.MessageID)
	}
	m.Authenticity = authenticity(env.GetHeaderValues("Authentication-Results"), opt.TrustedAuthServID)
	return m, nil
}

func readHeaders(env *enmime.Envelope, raw []byte, m *email.Message) {
	m.MessageID = firstID(env.GetHeader("Message-Id"))
	if m.MessageID == "" { // a stable stand-in, so the same mail is recognised twice
		sum := sha256.Sum256(raw)
		m.MessageID = "missing-" + hex.EncodeToString(sum[:12]) + "@threadline.invalid"
		m.Problems = append(m.Problems, "no Message-ID header")
	}
	m.InReplyTo = ids(env.GetHeader("In-Reply-To"))
	m.References = ids(env.GetHeader("References"))
	if from := addresses(env, "From"); len(from) > 0 {
		m.From = from[0]
	} else {
		m.Problems = append(m.Problems, "no readable From header")
	}
	m.ReplyTo, m.To, m.Cc = addresses(env, "Reply-To"), addresses(env, "To"), addresses(env, "Cc")
	m.Subject = oneLine(env.GetHeader("Subject"))
	if d, err := env.Date(); err == nil {
		m.Date = core.At(d)
	}
}

var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n")

var idRe = regexp.MustCompile(`<([^<>\s]+)>`)

// ids reads a list of message ids ("<a@x> <b@y>").
func ids(h string) []string {
	var out []string
	for _, m := range idRe.FindAllStringSubmatch(h, 100) {
		out = append(out, m[1])
	}
	return out
}

func firstID(h string) string {
	if l := ids(h); len(l) > 0 {
		return l[0]
	}
	return strings.Trim(strings.TrimSpace(h), "<>")
}

func addresses(env *enmime.Envelope, key string) []email.Address {
	list, err := env.AddressList(key)
	if err != nil {
		// A list that does not parse whole may still hold good addresses.
		for _, part := range strings.Split(env.GetHeader(key), ",") {
			if a, err := mail.ParseAddress(strings.TrimSpace(part)); err == nil {
				list = append(list, a)
			}
		}
	}
	out := make([]email.Address, 0, len(list))
	for _, a := range list {
		out = append(out, email.Address{Name: oneLine(a.Name), Email: email.Normalize(a.Address)})
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func attachments(env *enmime.Envelope) []email.Attachment {
	var out []email.Attachment
	add := func(p *enmime.Part, inline bool) {
		name := p.FileName
		if name == "" && p.ContentID == "" {
			return
		}
		if name == "" {
			name = "inline"
		}
		out = append(out, email.Attachment{FileName: name, ContentType: p.ContentType,
			ContentID: strings.Trim(p.ContentID, "<>"), Inline: inline, Data: p.Content})
	}
	for _, p := range env.Attachments {
		add(p, false)
	}
	for _, p := range env.Inlines {
		add(p, true)
	}
	for _, p := range env.OtherParts {
		if !strings.HasPrefix(p.ContentType, "text/") && !strings.HasPrefix(p.ContentType, "multipart/") {
			add(p, p.ContentID != "")
		}
	}
	return out
}

// maxRawText bounds the raw body kept as the text of a message with no
// readable part.
const maxRawText = email.MaxTextLength

// keepRawBody keeps the body of a message in which no part could be read
// (a multipart message whose boundary never occurs, say) as its text, so
// that what the customer wrote is not lost.
func keepRawBody(raw []byte, m *email.Message) {
	body := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		body = raw[i+4:]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		body = raw[i+2:]
	} else {
		return
	}
	text := strings.TrimSpace(lineEnds.Replace(strings.ToValidUTF8(string(body), "\uFFFD")))
	if text == "" {
		return
	}
	if r := []rune(text); len(r) > maxRawText {
		text = string(r[:maxRawText])
	}
	m.Text, m.NewText = text, text
	m.Problems = append(m.Problems, "no readable part: the raw body is kept as text")
}
