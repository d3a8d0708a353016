package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
)

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestComposeParseRoundTrip(t *testing.T) {
	d := email.Draft{MessageID: "th_1.em_1@support.acme.test", From: email.Address{Name: "Acme Support", Email: "support@acme.test"},
		ReplyTo: email.Address{Email: email.ReplyAddress("support@acme.test", "th_01H14DFQ4PDYBH398J1E99TWSS")},
		To:      []email.Address{{Name: "Ann Müller", Email: "ann@example.com"}}, Cc: []email.Address{{Email: "cc@example.com"}},
		Bcc: []email.Address{{Email: "hidden@example.com"}}, Subject: "Re: Überweisung fehlgeschlagen",
		Text: "Hallo Ann,\n\ngrüße!", HTML: "<p>Hallo <b>Ann</b></p>", InReplyTo: "orig@example.com",
		References: []string{"a@example.com", "orig@example.com"}, Date: core.At(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)),
		Attachments: []email.Attachment{{FileName: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")}}}
	raw, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("hidden@example.com")) {
		t.Fatal("Bcc shows in the message")
	}
	m, err := Parse(raw, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != d.MessageID || m.Subject != d.Subject || m.From != d.From || m.To[0] != d.To[0] || m.Cc[0] != d.Cc[0] ||
		m.InReplyTo[0] != "orig@example.com" || len(m.References) != 2 || m.ReplyTo[0].Email != "support+th_01h14dfq4pdybh398j1e99twss@acme.test" {
		t.Fatalf("headers: %+v", m)
	}
	if m.Text != d.Text || !strings.Contains(m.HTML, "<b>Ann</b>") || len(m.Attachments) != 1 ||
		m.Attachments[0].FileName != "invoice.pdf" || string(m.Attachments[0].Data) != "%PDF-1.4 x" || m.Automated != email.Human {
		t.Fatalf("body: %+v", m)
	}
	if got := d.EnvelopeRecipients(); strings.Join(got, ",") != "ann@example.com,cc@example.com,hidden@example.com" {
		t.Fatalf("envelope recipients %v", got)
	}
}

func TestComposeRefusesHeaderInjection(t *testing.T) {
	base := email.Draft{MessageID: "x@y", From: email.Address{Email: "s@acme.test"}, To: []email.Address{{Email: "a@b.test"}}, Subject: "ok"}
	for _, mut := range []func(*email.Draft){
		func(d *email.Draft) { d.Subject = "hi\r\nBcc: victim@example.com" },
		func(d *email.Draft) { d.To[0].Name = "Ann\nX-Evil: 1" },
		func(d *email.Draft) { d.InReplyTo = "a@b>\r\nX: y" },
		func(d *email.Draft) { d.Attachments = []email.Attachment{{FileName: "a\r\n.pdf"}} },
	} {
		d := base
		d.To = []email.Address{base.To[0]}
		mut(&d)
		if _, err := Compose(d); err == nil {
			t.Errorf("injection accepted: %+v", d)
		}
	}
	if _, err := email.CleanSubject("subject", "hi\nBcc: x"); err == nil {
		t.Error("CleanSubject accepted a line break")
	}
}

func TestParseCharsetsAndBrokenMIME(t *testing.T) {
	latin1 := crlf("From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.com>\nTo: support@acme.test\nSubject: =?windows-1252?Q?caf=E9?=\n" +
		"Message-ID: <l1@example.com>\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=E8me\n")
	m, err := Parse(latin1, ParseOptions{})
	if err != nil || m.From.Name != "André" || m.Subject != "café" || m.Text != "Café crème" {
		t.Fatalf("latin-1: %+v %v", m, err)
	}
	unknown := crlf("From: a@example.com\nTo: support@acme.test\nSubject: x\nContent-Type: text/plain; charset=x-no-such-charset\n\nhello\n")
	m, err = Parse(unknown, ParseOptions{})
	if err != nil || !strings.Contains(m.Text, "hello") || !strings.HasPrefix(m.MessageID, "missing-") {
		t.Fatalf("unknown charset: %+v %v", m, err)
	}
	broken := crlf("From: a@example.com\nTo: support@acme.test\nSubject: broken\nMessage-ID: <b@x>\n" +
		"Content-Type: multipart/mixed; boundary=\"nope\"\n\n--wrong\nContent-Type: text/plain\n\nstill here\n")
	m, err = Parse(broken, ParseOptions{})
	if err != nil || m.MessageID != "b@x" || !strings.Contains(m.Text, "still here") || len(m.Problems) == 0 {
		t.Fatalf("broken MIME: %+v %v", m, err)
	}
	if _, err := Parse([]byte("\x00\x01 not a mail"), ParseOptions{}); err != nil {
		t.Logf("garbage: %v", err) // refused or read as an empty mail: either way no panic
	}
}

func TestParseSanitisesHTML(t *testing.T) {
	raw := crlf("From: a@example.com\nTo: support@acme.test\nSubject: x\nMessage-ID: <h@x>\nMIME-Version: 1.0\n" +
		"Content-Type: text/html; charset=utf-8\n\n<p onclick=\"steal()\">Hi<script>alert(1)</script>" +
		"<img src=\"https://tracker.example/p.gif\" onerror=\"x()\"><img src=\"cid:logo\"><a href=\"javascript:alert(1)\">x</a>" +
		"<style>body{}</style><iframe src=\"https://evil\"></iframe></p>\n")
	m, err := Parse(raw, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "onclick", "onerror", "javascript:", "<style", "<iframe"} {
		if strings.Contains(strings.ToLower(m.HTML), bad) {
			t.Errorf("sanitised HTML keeps %q: %s", bad, m.HTML)
		}
	}
	if !strings.Contains(m.HTML, `src="cid:logo"`) || !strings.Contains(m.Text, "Hi") {
		t.Errorf("sanitised too much: %s / %q", m.HTML, m.Text)
	}
}

func TestParseSplitsQuotedHistory(t *testing.T) {
	raw := crlf("From: ann@example.com\nTo: support+th_01H14DFQ4PDYBH398J1E99TWSS@acme.test\nSubject: Re: help\nMessage-ID: <r@x>\n" +
		"In-Reply-To: <th_1.em_1@support.acme.test>\nReferences: <a@x> <th_1.em_1@support.acme.test>\n" +
		"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n" +
		"Thanks, that worked!\n\n-- \nAnn, Example Ltd\n\nOn Tue, 1 Dec 2026 at 10:00, Acme <support@acme.test> wrote:\n> Try again\n" +
		"--b\nContent-Type: text/html; charset=utf-8\n\n<div>Thanks, that worked!</div><div class=\"gmail_quote\"><blockquote>Try again</blockquote></div>\n--b--\n")
	m, err := Parse(raw, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.NewText != "Thanks, that worked!" || !strings.Contains(m.Text, "Try again") {
		t.Errorf("text: new %q, whole %q", m.NewText, m.Text)
	}
	if strings.Contains(m.NewHTML, "Try again") || !strings.Contains(m.HTML, "Try again") || !strings.Contains(m.NewHTML, "worked") {
		t.Errorf("html: new %q, whole %q", m.NewHTML, m.HTML)
	}
	if keys := m.ThreadKeys(); strings.Join(keys, " ") != "th_1.em_1@support.acme.test a@x" {
		t.Errorf("thread keys %v", keys)
	}
	if base, th := email.SplitAddress(m.To[0].Email); base != "support@acme.test" || th != "th_01H14DFQ4PDYBH398J1E99TWSS" {
		t.Errorf("reply address: %s %s", base, th)
	}
}

func TestClassify(t *testing.T) {
	head := "From: ann@example.com\nTo: support@acme.test\nSubject: x\nMessage-ID: <c@x>\n"
	for _, c := range []struct {
		name, raw string
		opt       ParseOptions
		want      email.Automation
	}{
		{"person", head + "\nhello\n", ParseOptions{HasEnvelope: true, EnvelopeFrom: "ann@example.com"}, email.Human},
		{"auto-submitted no", head + "Auto-Submitted: no\n\nhello\n", ParseOptions{}, email.Human},
		{"out of office", head + "Auto-Submitted: auto-replied\n\nI am away\n", ParseOptions{}, email.AutoSubmitted},
		{"bounce", "From: MAILER-DAEMON@mx.example.com\nTo: support@acme.test\nSubject: Undelivered\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n--r\nContent-Type: text/plain\n\nfailed\n" +
			"--r\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--r--\n", ParseOptions{}, email.DeliveryReport},
		{"null sender", head + "\nreceipt\n", ParseOptions{HasEnvelope: true}, email.NullSender},
		{"mailer-daemon", "From: postmaster@example.com\nTo: support@acme.test\nSubject: x\n\nbody\n", ParseOptions{}, email.MailerDaemon},
		{"bulk", head + "Precedence: bulk\n\nnews\n", ParseOptions{}, email.BulkPrecedence},
		{"x-autoreply", head + "X-Autoreply: yes\n\naway\n", ParseOptions{}, email.AutoReply},
	} {
		m, err := Parse(crlf(c.raw), c.opt)
		if err != nil || m.Automated != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, m.Automated, err, c.want)
		}
	}
}

func TestAuthenticity(t *testing.T) {
	for _, c := range []struct {
		headers []string
		trusted string
		want    email.Authenticity
	}{
		{[]string{"mx.acme.test; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com"}, "mx.acme.test", email.AuthPass},
		{[]string{"mx.acme.test; dkim=fail; spf=pass"}, "mx.acme.test", email.AuthFail},
		{[]string{"evil.example; dkim=pass"}, "mx.acme.test", email.AuthUnknown},
		{[]string{"mx.acme.test; dkim=pass"}, "", email.AuthUnknown},
	} {
		if got := authenticity(c.headers, c.trusted); got != c.want {
			t.Errorf("%v trusting %q: %s, want %s", c.headers, c.trusted, got, c.want)
		}
	}
}
