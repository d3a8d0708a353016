package service

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// conversationWorld is what the conversation scenario made.
type conversationWorld struct {
	ws, customerID, chatThreadID, apiThreadID, botID, attachmentID string
}

// runConversationScenario exchanges chats on a chat thread (with an
// attachment), moves it through the inbound status rule, adds notes
// (edited, deleted, on the customer) and thread and customer events.
func runConversationScenario(t *testing.T, svc *Service) conversationWorld {
	t.Helper()
	ctx := context.Background()
	ws := payloadMust(svc.EnsureDefaultWorkspace(ctx))(t)
	sys := System(ctx, ws)
	key := payloadMust(svc.CreateAPIKey(sys, "Chat bot", []auth.Permission{auth.All}, ""))(t)
	bot := auth.WithPrincipal(ctx, key.Key.Principal())
	w := conversationWorld{ws: ws, botID: key.MachineUser.ID}
	cust, _ := payloadMust2(svc.UpsertCustomer(bot, UpsertCustomerInput{Identifier: customer.Identifier{EmailAddress: core.Ptr("ada@example.com")},
		OnCreate: customer.CreateFields{FullName: "Ada", Email: "ada@example.com"}}))(t)
	w.customerID = cust.ID
	comps := []component.Component{{Text: &component.Text{Text: "Hello"}}}
	api := payloadMust(svc.CreateThread(bot, CreateThreadInput{Title: core.Ptr("API thread"), Customer: customer.Identifier{CustomerID: &cust.ID},
		Components: comps, HasComponents: true}))(t)
	w.apiThreadID = api.ID

	up := payloadMust(svc.CreateAttachmentUploadURL(bot, attachment.UploadInput{CustomerID: cust.ID, FileName: "shot.png", Size: 8, Type: attachment.TypeChat}))(t)
	payloadMust(svc.UploadAttachment(ctx, up.Token, []byte("\x89PNG\r\n\x1a\n"), "image/png"))(t)
	w.attachmentID = up.Attachment.ID

	first := payloadMust(svc.SendChat(bot, ChatInput{CustomerID: cust.ID, Text: core.Ptr("How can we help?"), AttachmentIDs: []string{up.Attachment.ID}}))(t)
	w.chatThreadID = first.ThreadID
	payloadMust(svc.SnoozeThread(bot, w.chatThreadID, nil, core.Ptr(thread.DetailWaitingForCustomer)))(t)
	payloadMust(svc.SendCustomerChat(bot, ChatInput{CustomerID: cust.ID, ThreadID: &w.chatThreadID, Text: core.Ptr("My printer is on fire")}))(t)
	payloadMust(svc.MarkThreadAsDone(bot, w.chatThreadID, nil))(t)
	if err := svc.ReplyToThread(bot, ReplyInput{ThreadID: w.chatThreadID, Text: "Still burning?",
		AsCustomer: &customer.Identifier{CustomerID: &cust.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.ReplyToThread(bot, ReplyInput{ThreadID: w.chatThreadID, Text: "Call the fire brigade."}); err != nil {
		t.Fatal(err)
	}

	n := payloadMust(svc.CreateNote(bot, CreateNoteInput{CustomerID: cust.ID, ThreadID: &w.chatThreadID,
		Content: note.Content{Text: "Escalate", Markdown: core.Ptr("**Escalate**")}}))(t)
	payloadMust(svc.UpdateNote(bot, UpdateNoteInput{NoteID: n.ID, Content: note.Content{Text: "Escalated"}}))(t)
	payloadMust(svc.DeleteNote(bot, n.ID))(t)
	payloadMust(svc.CreateNote(bot, CreateNoteInput{CustomerID: cust.ID, Content: note.Content{Text: "VIP customer"}}))(t)
	payloadMust(svc.CreateThreadEvent(bot, w.chatThreadID, timeline.EventInput{Title: "Printer replaced", Components: comps}))(t)
	payloadMust(svc.CreateCustomerEvent(bot, customer.Identifier{CustomerID: &cust.ID}, timeline.EventInput{Title: "Plan upgraded", Components: comps}))(t)
	return w
}

// conversationWebhooks runs the conversation scenario on a new SQLite
// store and returns the webhook bodies of its events, in order.
func conversationWebhooks(t *testing.T) (conversationWorld, [][]byte) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "conversation.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &payloadClock{}
	clock.ms.Store(time.Now().UnixMilli())
	w := runConversationScenario(t, New(st, clock, nil))
	var events []event.Record
	if err := st.View(ctx, func(tx store.Tx) (err error) {
		events, err = tx.ListEvents(ctx, w.ws, 0, 1000)
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
	return w, bodies
}

// TestConversationWebhookSchema validates the webhooks of the conversation
// scenario against the official SDK's webhook schema.
func TestConversationWebhookSchema(t *testing.T) {
	schema := loadWebhookSchema(t)
	_, bodies := conversationWebhooks(t)
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

// TestConversationPayloadContents checks what the conversation webhooks
// say: chats in and out, the inbound status rule, notes and entries.
func TestConversationPayloadContents(t *testing.T) {
	w, bodies := conversationWebhooks(t)
	byType := map[string][]map[string]any{}
	for _, b := range bodies {
		env := payloadJSON(t, b)
		byType[payloadStr(env, "type")] = append(byType[payloadStr(env, "type")], env)
	}
	c := payloadChecker{t: t}
	sent := c.one(byType, "thread.chat_sent", 2)
	c.eq(sent[0], "payload.chat.text", "How can we help?")
	c.eq(sent[0], "payload.chat.attachments.0.id", w.attachmentID)
	c.eq(sent[0], "payload.chat.attachments.0.fileMimeType", "image/png")
	c.eq(sent[0], "payload.thread.id", w.chatThreadID)
	c.eq(sent[0], "payload.thread.channel", "CHAT")
	c.eq(sent[0], "payload.thread.lastOutboundMessageInfo.messageSource", "CHAT")
	c.eq(sent[0], "payload.thread.lastOutboundMessageInfo.actorId", w.botID)
	c.eq(sent[0], "payload.thread.firstInboundMessageInfo", nil)
	c.eq(sent[1], "payload.chat.text", "Call the fire brigade.")

	received := c.one(byType, "thread.chat_received", 2)
	for i, env := range received {
		c.eq(env, "payload.chat.createdBy", map[string]any{"actorType": "customer", "customerId": w.customerID})
		c.eq(env, "payload.thread.status", "TODO")
		c.eq(env, "payload.thread.statusDetail", map[string]any{"type": "NEW_REPLY"})
		c.eq(env, "payload.thread.lastInboundMessageInfo.timestamp", payloadDig(env, "payload.chat.createdAt"))
		c.eq(env, "payload.thread.previewText", payloadDig(env, "payload.chat.text"))
		if i == 1 {
			c.eq(env, "payload.thread.firstInboundMessageInfo.timestamp", payloadDig(received[0], "payload.chat.createdAt"))
		}
	}
	// The customer's chats woke the snoozed thread and reopened the done one.
	var woke []string
	for _, env := range byType["thread.thread_status_transitioned"] {
		if payloadStr(env, "payload.thread.statusDetail.type") == "NEW_REPLY" {
			woke = append(woke, payloadStr(env, "payload.previousThread.status")+"/"+payloadStr(env, "payload.previousThread.statusDetail.type"))
			c.eq(env, "payload.thread.statusChangedBy", map[string]any{"actorType": "customer", "customerId": w.customerID})
		}
	}
	c.eq(nil, "inbound transitions", woke, []string{"SNOOZED/WAITING_FOR_CUSTOMER", "DONE/DONE_MANUALLY_SET"})

	notes := c.one(byType, "thread.note_created", 3) // one on the chat thread, the customer's on both threads
	c.eq(notes[0], "payload.note.markdown", "**Escalate**")
	c.eq(notes[0], "payload.note.createdBy", map[string]any{"actorType": "machineUser", "machineUserId": w.botID})
	c.eq(notes[1], "payload.note.text", "VIP customer")
	c.eq(notes[1], "payload.note.id", payloadDig(notes[2], "payload.note.id"))

	changes := map[string]int{}
	for _, env := range byType["timeline.timeline_entry_changed"] {
		kind := payloadStr(env, "payload.changeType") + " " + payloadStr(env, "payload.timelineEntry.entry.entryType") +
			payloadStr(env, "payload.previousTimelineEntry.entry.entryType")
		changes[kind]++
	}
	for kind, n := range map[string]int{"ADDED chat": 4, "UPDATED notenote": 1, "REMOVED note": 1, "ADDED note": 3,
		"ADDED custom": 4, "ADDED UNKNOWN": 4} {
		if changes[kind] != n {
			t.Errorf("%d timeline_entry_changed %q, want %d (all: %v)", changes[kind], kind, n, changes)
		}
	}
}
