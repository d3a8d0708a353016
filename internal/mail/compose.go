package mail

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/threadline/threadline/internal/email"
)

// Compose renders d as an RFC 5322 message: text (and HTML when given) as
// alternatives, attachments, and the headers that make the customer's
// client thread it (Message-ID, In-Reply-To, References, Reply-To). Every
// header value is checked for line breaks first: nothing d holds can add a
// header of its own.
func Compose(d email.Draft) ([]byte, error) {
	if err := checkHeaders(d); err != nil {
		return nil, err
	}
	b := enmime.Builder().From(d.From.Name, d.From.Email).Subject(d.Subject).Date(d.Date.Std()).
		ToAddrs(addrs(d.To)).Header("Message-ID", "<"+d.MessageID+">").Text([]byte(d.Text))
	if len(d.Cc) > 0 {
		b = b.CCAddrs(addrs(d.Cc))
	}
	if d.ReplyTo.Email != "" {
		b = b.ReplyTo(d.ReplyTo.Name, d.ReplyTo.Email)
	}
	if d.HTML != "" {
		b = b.HTML([]byte(d.HTML))
	}
	if d.InReplyTo != "" {
		b = b.Header("In-Reply-To", "<"+d.InReplyTo+">")
	}
	if len(d.References) > 0 {
		b = b.Header("References", "<"+strings.Join(d.References, "> <")+">")
	}
	for _, a := range d.Attachments {
		if a.Inline && a.ContentID != "" {
			b = b.AddInline(a.Data, a.ContentType, a.FileName, a.ContentID)
		} else {
			b = b.AddAttachment(a.Data, a.ContentType, a.FileName)
		}
	}
	root, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	var out bytes.Buffer
	if err := root.Encode(&out); err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	return out.Bytes(), nil
}

func addrs(l []email.Address) []mail.Address {
	out := make([]mail.Address, len(l))
	for i, a := range l {
		out[i] = mail.Address{Name: a.Name, Address: a.Email}
	}
	return out
}

// checkHeaders refuses a draft whose header values hold a line break.
func checkHeaders(d email.Draft) error {
	vals := []string{d.MessageID, d.Subject, d.InReplyTo, d.From.Name, d.From.Email, d.ReplyTo.Name, d.ReplyTo.Email}
	vals = append(vals, d.References...)
	for _, l := range [][]email.Address{d.To, d.Cc, d.Bcc} {
		for _, a := range l {
			vals = append(vals, a.Name, a.Email)
		}
	}
	for _, a := range d.Attachments {
		vals = append(vals, a.FileName, a.ContentType, a.ContentID)
	}
	for _, v := range vals {
		if strings.ContainsAny(v, "\r\n\x00") {
			return fmt.Errorf("mail: compose: a header value holds a line break: %q", v)
		}
	}
	if d.MessageID == "" || d.From.Email == "" || len(d.To) == 0 {
		return fmt.Errorf("mail: compose: a message needs a Message-ID, a sender and a recipient")
	}
	return nil
}
