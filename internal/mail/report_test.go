package mail

import (
	"slices"
	"testing"

	"github.com/threadline/threadline/internal/email"
)

// A delivery status notification as Postfix sends it: a human part, the
// machine-readable report and the original message's headers.
var dsn = crlf(`From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
To: help@acme.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <20261201100000.ABC@mx.example.com>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; Grace@Example.com
Original-Recipient: rfc822;grace@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <grace@example.com>: Recipient address rejected: User unknown

--B
Content-Type: text/rfc822-headers

From: Acme Support <help@acme.test>
To: grace@example.com
Subject: Re: Printer on fire
Message-ID: <em_01h14dfq4pdybh398j1e99twss@acme.test>

--B--
`)

func TestParseDeliveryReport(t *testing.T) {
	m, err := Parse(dsn, ParseOptions{EnvelopeFrom: "", HasEnvelope: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Automated == email.Human || m.Report == nil {
		t.Fatalf("not read as a report: %+v", m)
	}
	r := *m.Report
	if r.Action != "failed" || r.Status != "5.1.1" || r.Recipient != "grace@example.com" ||
		r.Diagnostic != "550 5.1.1 <grace@example.com>: Recipient address rejected: User unknown" ||
		!slices.Equal(r.MessageIDs, []string{"em_01h14dfq4pdybh398j1e99twss@acme.test"}) || !r.IsBounce() {
		t.Fatalf("report = %+v", r)
	}
	if b := r.Bounce(m.Date); b.Reason != email.BounceBadAddress {
		t.Errorf("bounce = %+v", b)
	}
	// Exim's plain-text bounce: no report part, X-Failed-Recipients.
	exim := crlf("From: Mail Delivery System <Mailer-Daemon@mx.example.com>\nTo: help@acme.test\n" +
		"Subject: Mail delivery failed\nX-Failed-Recipients: grace@example.com\nMessage-ID: <e1@mx>\n\n" +
		"This message was created automatically.\n\n------ This is a copy of the message, including all the headers. ------\n" +
		"Message-ID: <em_2@acme.test>\nSubject: Hi\n\nHello\n")
	m, err = Parse(exim, ParseOptions{})
	if err != nil || m.Report == nil || m.Report.Action != "failed" || m.Report.Recipient != "grace@example.com" ||
		!slices.Equal(m.Report.MessageIDs, []string{"em_2@acme.test"}) {
		t.Fatalf("exim bounce: %+v %v", m.Report, err)
	}
	// A person's mail has no report, even when it quotes headers.
	m, err = Parse(crlf("From: a@example.com\nTo: help@acme.test\nSubject: x\n\nMessage-ID: <q@x>\n"), ParseOptions{})
	if err != nil || m.Report != nil {
		t.Fatalf("a person's mail: %+v %v", m.Report, err)
	}
}
