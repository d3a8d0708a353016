package event

import (
	"testing"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/timeline"
)

var png = attachment.Attachment{ID: "att_2", FileName: "photo.png", Size: 9, MimeType: "image/png",
	Extension: core.Ptr("png"), Type: attachment.TypeEmail, CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}

// fixtureEmail is an email from the customer (inbound) or to them.
func fixtureEmail(inbound bool) email.Email {
	customer := email.Participant{Address: email.Address{Name: "Grace", Email: "grace@example.com"}, Kind: email.ActorCustomer, ActorID: "c_1"}
	support := email.Participant{Address: email.Address{Email: "help@acme.test"}, Kind: email.ActorSupportAddress, ActorID: "help@acme.test"}
	e := email.Email{ID: "em_1", ThreadID: "th_1", CustomerID: "c_1", MessageID: "m1@example.com", Inbound: inbound,
		From: customer, To: support, Cc: []email.Participant{{Address: email.Address{Email: "boss@example.com"}}},
		Subject: core.Ptr("Printer"), Text: core.Ptr("It burns.\n\n> old"), NewText: core.Ptr("It burns."),
		Authenticity: email.AuthPass, Category: email.Messaging, IsStartOfThread: inbound, TimelineEntryID: "t_1",
		Attachments: []email.AttachmentRef{{ID: "att_2", ContentID: "img1"}, {ID: "att_gone"}},
		CreatedAt:   t0, CreatedBy: core.Actor{Type: core.ActorCustomer, ID: "c_1"}, UpdatedAt: t0, UpdatedBy: bot}
	if inbound {
		e.ReceivedAt = &t0
	} else {
		e.From, e.To, e.SendStatus, e.SentAt, e.ReplyTo = support, customer, email.Sent, &t1, "help+th_1@acme.test"
	}
	return e
}

func TestEmailPayload(t *testing.T) {
	in := decode(t, NewEmail(fixtureEmail(true), Attachments{"att_2": png}))
	from, _ := in["from"].(map[string]any)
	actor, _ := from["emailActor"].(map[string]any)
	if actor["actorType"] != "customer" || actor["customerId"] != "c_1" || from["name"] != "Grace" {
		t.Errorf("from = %v", from)
	}
	to, _ := in["to"].(map[string]any)
	if a, _ := to["emailActor"].(map[string]any); a["actorType"] != "supportEmailAddress" || a["supportEmailAddress"] != "help@acme.test" {
		t.Errorf("to = %v", to)
	}
	cc, _ := in["additionalRecipients"].([]any)
	if len(cc) != 1 || cc[0].(map[string]any)["emailActor"] != nil || cc[0].(map[string]any)["name"] != nil {
		t.Errorf("additionalRecipients = %v", cc)
	}
	if in["textContent"] != "It burns.\n\n> old" || in["replyTo"] != nil || in["sentAt"] != nil || in["receivedAt"] == nil ||
		in["isStartOfThread"] != true || len(in["attachments"].([]any)) != 1 || in["hiddenRecipients"] == nil {
		t.Errorf("inbound email = %v", in)
	}
	out := decode(t, NewEmail(fixtureEmail(false), nil))
	if out["replyTo"] != "help+th_1@acme.test" || out["sentAt"] == nil || out["receivedAt"] != nil || out["sendStatus"] != "SENT" {
		t.Errorf("outbound email = %v", out)
	}
}

func TestEmailEntry(t *testing.T) {
	e := fixtureEmail(true)
	te, err := e.Entry()
	if err != nil || te.ID != "t_1" || te.SourceID != "em_1" || te.Kind != timeline.KindEmail {
		t.Fatalf("entry %+v, %v", te, err)
	}
	p, err := timeline.DecodeEntry(te)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, NewTimelineEntry(te, p, Attachments{"att_2": png}))["entry"].(map[string]any)
	if m["entryType"] != "email" || m["textContent"] != "It burns." || m["hasMoreTextContent"] != true ||
		m["hasMoreMarkdownContent"] != false || m["markdownContent"] != nil {
		t.Errorf("entry = %v", m)
	}
	atts, _ := m["attachments"].([]any)
	if len(atts) != 1 || atts[0].(map[string]any)["emailContentId"] != "img1" || atts[0].(map[string]any)["type"] != "EMAIL" {
		t.Errorf("attachments = %v", atts)
	}
}
