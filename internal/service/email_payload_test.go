package service

import (
	"context"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// emailScenario is what the email scenario made.
type emailScenario struct {
	customerID, threadID, inboundID, sentID, failedID, attachmentID string
}

// runEmailScenario receives an email with an attachment, answers it
// (sent), sends a new email that the relay refuses for good (failed),
// records a bounce of the sent one, and replies on the thread as the
// customer and by email.
func runEmailScenario(t *testing.T, w *emailWorld) emailScenario {
	t.Helper()
	ctx := context.Background()
	first := mail("m1@example.com", "grace@example.com", "Printer on fire", "It burns.")
	first.Cc = []email.Address{{Name: "Boss", Email: "boss@example.com"}}
	first.Authenticity = email.AuthPass
	first.Attachments = []email.Attachment{{FileName: "photo.png", ContentType: "image/png", ContentID: "img1", Inline: true,
		Data: []byte("\x89PNG\r\n\x1a\n")}}
	got := w.receive(first)
	es := emailScenario{threadID: got.ThreadID, inboundID: got.EmailID, customerID: w.thread(got.ThreadID).CustomerID}
	es.attachmentID = w.emails(got.ThreadID)[0].Attachments[0].ID

	up := payloadMust(w.svc.CreateAttachmentUploadURL(w.bot, attachment.UploadInput{CustomerID: es.customerID, FileName: "invoice.pdf",
		Size: 8, Type: attachment.TypeEmail}))(t)
	payloadMust(w.svc.UploadAttachment(ctx, up.Token, []byte("%PDF-1.4"), "application/pdf"))(t)
	sent := payloadMust(w.svc.ReplyToEmail(w.bot, ReplyEmailInput{InReplyToEmailID: got.EmailID, OutgoingEmail: OutgoingEmail{
		Text: "Is it plugged in?", Markdown: core.Ptr("Is it **plugged in**?"), AttachmentIDs: []string{up.Attachment.ID},
		Cc: []email.ParticipantInput{{Email: "boss@example.com", Name: core.Ptr("Boss")}}}}))(t)
	failed := payloadMust(w.svc.SendNewEmail(w.bot, SendEmailInput{CustomerID: es.customerID, ThreadID: &es.threadID,
		OutgoingEmail: OutgoingEmail{Subject: core.Ptr("Survey"), Text: "How did we do?", HiddenFromUser: true}}))(t)
	es.sentID, es.failedID = sent.ID, failed.ID
	jobs := payloadMust(w.svc.ClaimEmails(ctx, "sender", time.Minute, 10))(t)
	for _, j := range jobs {
		o := email.SendOutcome{}
		if j.Email.ID == failed.ID {
			o = email.SendOutcome{Err: "550 5.1.1 mailbox unavailable", Permanent: true}
		}
		if kept, err := w.svc.FinishSend(ctx, j, "sender", o, nil); !kept || err != nil {
			t.Fatalf("FinishSend = %v, %v", kept, err)
		}
	}
	bounce := mail("b1@example.com", "mailer-daemon@example.com", "Undelivered", "Sorry.")
	bounce.Automated, bounce.Report = email.DeliveryReport, &email.StatusReport{MessageIDs: []string{sent.MessageID},
		Recipient: "boss@example.com", Action: "failed", Status: "5.7.1", Diagnostic: "blocked"}
	w.receive(bounce)
	if err := w.svc.ReplyToThread(w.bot, ReplyInput{ThreadID: es.threadID, Text: "Also: it smokes.",
		AsCustomer: &customer.Identifier{CustomerID: &es.customerID}}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.ReplyToThread(w.bot, ReplyInput{ThreadID: es.threadID, Text: "Unplug it.",
		Bcc: []email.ParticipantInput{{Email: "audit@acme.test"}}}); err != nil {
		t.Fatal(err)
	}
	return es
}

// emailWebhooks runs the email scenario and returns its webhook bodies.
func emailWebhooks(t *testing.T) (emailScenario, [][]byte) {
	t.Helper()
	w := newEmailWorld(t)
	es := runEmailScenario(t, w)
	var events []event.Record
	if err := w.st.View(context.Background(), func(tx store.Tx) (err error) {
		events, err = tx.ListEvents(context.Background(), w.ws, 0, 1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for _, e := range events {
		if e.Type.IsWebhook() {
			bodies = append(bodies, payloadEnvelope(t, e))
		}
	}
	return es, bodies
}

// TestEmailWebhookSchema validates the webhooks of the email scenario
// against the official SDK's webhook schema, and with its parser.
func TestEmailWebhookSchema(t *testing.T) {
	schema := loadWebhookSchema(t)
	_, bodies := emailWebhooks(t)
	for i, b := range bodies {
		if err := schema.validate(b); err != nil {
			t.Errorf("webhook %d (%s) does not validate:\n%v\nbody: %s", i, payloadStr(payloadJSON(t, b), "type"), err, b)
		}
	}
	if failures, ok := schema.parseWithSDK(t, bodies); ok {
		for i, msg := range failures {
			t.Errorf("parsePlainWebhook rejects webhook %d: %s", i, msg)
		}
	}
	t.Logf("%d webhook bodies validated", len(bodies))
}

// TestEmailPayloadContents checks what the email webhooks say.
func TestEmailPayloadContents(t *testing.T) {
	es, bodies := emailWebhooks(t)
	byType := map[string][]map[string]any{}
	for _, b := range bodies {
		env := payloadJSON(t, b)
		byType[payloadStr(env, "type")] = append(byType[payloadStr(env, "type")], env)
	}
	c := payloadChecker{t: t}
	received := c.one(byType, "thread.email_received", 2) // the first email, the impersonated reply
	c.eq(received[0], "payload.email.id", es.inboundID)
	c.eq(received[0], "payload.email.isStartOfThread", true)
	c.eq(received[0], "payload.email.authenticity", "PASS")
	c.eq(received[0], "payload.email.from.emailActor", map[string]any{"actorType": "customer", "customerId": es.customerID})
	c.eq(received[0], "payload.email.to.emailActor", map[string]any{"actorType": "supportEmailAddress", "supportEmailAddress": support})
	c.eq(received[0], "payload.email.additionalRecipients.0.email", "boss@example.com")
	c.eq(received[0], "payload.email.attachments.0.id", es.attachmentID)
	c.eq(received[0], "payload.thread.channel", "EMAIL")
	c.eq(received[0], "payload.thread.supportEmailAddresses", []any{support})
	c.eq(received[0], "payload.thread.lastInboundMessageInfo.messageSource", "EMAIL")
	c.eq(received[1], "payload.email.isStartOfThread", false)
	c.eq(received[1], "payload.email.textContent", "Also: it smokes.")

	sent := c.one(byType, "thread.email_sent", 1) // the failed email never fires it
	c.eq(sent[0], "payload.email.id", es.sentID)
	c.eq(sent[0], "payload.email.inReplyToEmailId", es.inboundID)
	c.eq(sent[0], "payload.email.subject", "Re: Printer on fire")
	c.eq(sent[0], "payload.email.markdownContent", "Is it **plugged in**?")
	c.eq(sent[0], "payload.email.sendStatus", "SENT")
	c.eq(sent[0], "payload.email.replyTo", email.ReplyAddress(support, es.threadID))
	c.eq(sent[0], "payload.email.attachments.0.fileName", "invoice.pdf")
	c.eq(sent[0], "payload.thread.lastOutboundMessageInfo.messageSource", "EMAIL")

	changes := map[string]int{}
	statuses := map[string][]string{}
	for _, env := range byType["timeline.timeline_entry_changed"] {
		typ := payloadStr(env, "payload.timelineEntry.entry.entryType")
		changes[payloadStr(env, "payload.changeType")+" "+typ]++
		if typ == "email" {
			id := payloadStr(env, "payload.timelineEntry.entry.emailId")
			statuses[id] = append(statuses[id], payloadStr(env, "payload.timelineEntry.entry.sendStatus"))
		}
	}
	// Received, sent, failed, impersonated, replied: five added; the sent
	// one updated to SENT then BOUNCED, the failed one to FAILED.
	c.eq(nil, "email entries added", changes["ADDED email"], 5)
	c.eq(nil, "email entries updated", changes["UPDATED email"], 3)
	c.eq(nil, "sent email's statuses", statuses[es.sentID], []string{"PENDING", "SENT", "BOUNCED"})
	c.eq(nil, "failed email's statuses", statuses[es.failedID], []string{"PENDING", "FAILED"})
}
