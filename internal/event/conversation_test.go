package event

import (
	"reflect"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/chat"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

func conversationNote() Note {
	n := note.New("w_1", "c_1", "th_1", note.Content{Text: "call back"}, t0, bot)
	return NewNote(n, "t_1")
}

var pdf = attachment.Attachment{ID: "att_1", FileName: "a.pdf", Size: 3, MimeType: "application/pdf",
	Extension: core.Ptr("pdf"), Type: attachment.TypeChat, CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}

func conversationChat() Chat {
	c := chat.Chat{ID: "ch_1", ThreadID: "th_1", CustomerID: "c_1", Text: core.Ptr("hi"),
		AttachmentIDs: []string{"att_1", "att_gone"}, TimelineEntryID: "t_1", CreatedAt: t0, CreatedBy: bot}
	return NewChat(c, Attachments{"att_1": pdf})
}

func conversationEntry() *TimelineEntry {
	e := timeline.Entry{ID: "t_1", ThreadID: "th_1", CustomerID: "c_1", Actor: bot, CreatedAt: t0}
	te := NewTimelineEntry(e, timeline.Note{NoteID: "n_1", Text: "x"}, nil)
	return &te
}

func TestConversationPayloads(t *testing.T) {
	ch := decode(t, conversationChat())
	atts, _ := ch["attachments"].([]any)
	if len(atts) != 1 || ch["customerReadAt"] != nil || ch["timelineEntryId"] != "t_1" {
		t.Errorf("chat = %v", ch)
	}
	if a := atts[0].(map[string]any); a["type"] != "CHAT" || a["fileSizeBytes"] != 3.0 || a["fileExtension"] != "pdf" {
		t.Errorf("attachment = %v", a)
	}
	n := decode(t, conversationNote())
	if n["deletedAt"] != nil || n["deletedBy"] != nil || n["markdown"] != nil || n["text"] != "call back" {
		t.Errorf("note = %v", n)
	}
	next, prev := conversationEntry(), conversationEntry()
	for _, c := range []struct {
		p    TimelineEntryChangedPayload
		want EntryChange
	}{{NewTimelineEntryChanged(next, nil), EntryAdded}, {NewTimelineEntryChanged(next, prev), EntryUpdated},
		{NewTimelineEntryChanged(nil, prev), EntryRemoved}} {
		if c.p.ChangeType != c.want || c.p.OrderKey() != "th_1" {
			t.Errorf("change %s, order key %q; want %s", c.p.ChangeType, c.p.OrderKey(), c.want)
		}
	}
}

func TestEntries(t *testing.T) {
	comps := component.Normalize([]component.Component{
		{Text: &component.Text{Text: strings.Repeat("a", 6000)}},
		{WorkflowButton: &component.WorkflowButton{WorkflowButtonLabel: "Go",
			WorkflowButtonWorkflowIdentifier: &component.WorkflowIdentifier{WorkflowKey: core.Ptr("k")}}},
		{DateTime: &component.DateTime{DateTimeISO8601: t0.ISO8601()}},
		{Row: &component.Row{RowMainContent: []component.Component{{Spacer: &component.Spacer{}}},
			RowAsideContent: []component.Component{{Badge: &component.Badge{BadgeLabel: "B"}}}}},
	})
	for _, c := range []struct {
		p    timeline.Payload
		want map[string]any
	}{
		{timeline.Note{NoteID: "n_1", Text: "x"}, map[string]any{"entryType": "note", "noteId": "n_1", "text": "x", "markdown": nil}},
		{timeline.Chat{ChatID: "ch_1", AttachmentIDs: []string{"att_1"}}, map[string]any{"entryType": "chat", "chatId": "ch_1",
			"text": nil, "customerReadAt": nil, "attachments": []any{decode(t, NewAttachment(pdf))}}},
		{timeline.PriorityChanged{Previous: 1, Next: 2}, map[string]any{"entryType": "UNKNOWN"}},
		{timeline.ThreadEvent{EventBody: timeline.EventBody{Title: "Deploy", ExternalID: core.Ptr("e")}}, map[string]any{
			"entryType": "custom", "title": "Deploy", "externalId": "e", "type": nil, "components": []any{}, "attachments": []any{}}},
	} {
		e := timeline.Entry{ID: "t_1", ThreadID: "th_1", CustomerID: "c_1", Actor: bot, CreatedAt: t0}
		got := decode(t, NewTimelineEntry(e, c.p, Attachments{"att_1": pdf}))
		if !reflect.DeepEqual(got["entry"], c.want) || got["threadId"] != "th_1" || got["timestamp"] != t0.ISO8601() {
			t.Errorf("%T: %v\nwant entry %v", c.p, got, c.want)
		}
	}
	got := decode(t, struct {
		C []Component `json:"c"`
	}{NewComponents(comps)})["c"].([]any)
	text, wf, dt, row := got[0].(map[string]any), got[1].(map[string]any), got[2].(map[string]any), got[3].(map[string]any)
	if len(text["text"].(string)) > 3*maxComponentText || text["type"] != "text" || text["textSize"] != "M" {
		t.Errorf("long text: %v", text["type"])
	}
	if wf["type"] != "UNKNOWN" || dt["type"] != "UNKNOWN" {
		t.Errorf("a workflow button by key and a date are UNKNOWN to webhooks: %v %v", wf, dt)
	}
	main := row["rowMainContent"].([]any)[0].(map[string]any)
	if row["type"] != "row" || main["type"] != "spacer" || main["spacerSize"] != "M" {
		t.Errorf("row = %v", row)
	}
	th := thread.Thread{ID: "th_1", CreatedAt: t0, Messages: thread.Messages{LastInbound: &thread.MessageInfo{At: t1,
		Source: thread.SourceChat, Actor: core.Actor{Type: core.ActorCustomer, ID: "c_1"}}}}
	info := decode(t, NewThread(th, ThreadParts{}))["lastInboundMessageInfo"]
	if !reflect.DeepEqual(info, map[string]any{"timestamp": t1.ISO8601(), "messageSource": "CHAT", "actorId": "c_1", "actorType": "customer"}) {
		t.Errorf("lastInboundMessageInfo = %v", info)
	}
}
