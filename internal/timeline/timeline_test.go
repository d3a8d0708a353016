package timeline

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/thread"
)

func TestPayloadRoundTrip(t *testing.T) {
	now := core.FromMillis(1_700_000_000_000)
	agent := core.Actor{Type: core.ActorUser, ID: "u_1"}
	text := "Hello"
	comps := []component.Component{{Text: &component.Text{Text: "Hi"}}}
	for _, p := range []Payload{
		ThreadCreated{Components: comps},
		Note{NoteID: "n_1", Text: "x", Markdown: &text, AttachmentIDs: []string{"att_1"}, EditedAt: &now, EditedBy: &agent},
		Chat{ChatID: "ch_1", Text: &text, Inbound: true},
		ThreadEvent{EventBody{EventID: "tev_1", Title: "T", Components: comps, ExternalID: &text}},
		CustomerEvent{EventBody{EventID: "cev_1", Title: "T", Components: comps, IsCollapsed: true}},
		StatusTransitioned{Previous: StatusSnapshot{Status: thread.StatusTodo, Detail: thread.DetailCreated, ChangedAt: now},
			Next: StatusSnapshot{Status: thread.StatusSnoozed, Detail: thread.DetailWaitingForDuration, ChangedAt: now, WaitingUntil: &now}},
		AssignmentTransitioned{Next: &Assignee{Actor: agent, Name: "Ada"}},
		AssignmentTransitioned{},
		LabelsChanged{Previous: []Label{}, Next: []Label{{ID: "l_1", TypeID: "lt_1", TypeName: "Bug", CreatedAt: now, CreatedBy: agent}}},
		PriorityChanged{Previous: 2, Next: 0},
		Email{EmailID: "em_1", Inbound: true, From: EmailParticipant{Email: "a@x.test", Name: &text,
			Actor: &EmailActor{Kind: EmailActorCustomer, ID: "c_1"}}, To: EmailParticipant{Email: "s@y.test"},
			Cc: []EmailParticipant{{Email: "b@x.test"}}, Subject: &text, Text: &text, FullText: &text,
			Attachments: []EmailAttachment{{ID: "att_1", ContentID: "img1"}}, Authenticity: "PASS", Category: "MESSAGING",
			IsStartOfThread: true, ReceivedAt: &now},
		Email{EmailID: "em_2", To: EmailParticipant{Email: "a@x.test"}, SendStatus: "BOUNCED", SentAt: &now,
			Bounces: []EmailBounce{{BouncedAt: now, Recipient: EmailParticipant{Email: "a@x.test"}, Reason: "HARD_BOUNCE", Details: &text}}},
	} {
		b, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), `{"v":1`) {
			t.Errorf("%s: no version first: %s", p.Kind(), b)
		}
		got, err := Decode(p.Kind(), b)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Errorf("%s: round trip %s gave %#v, %v; want %#v", p.Kind(), b, got, err, p)
		}
	}
}

func TestDecodeVersions(t *testing.T) {
	// Version 0: thread_created entries hold a bare component list.
	p, err := Decode(KindThreadCreated, []byte(`[{"componentText":{"text":"Hi"}}]`))
	if tc, ok := p.(ThreadCreated); err != nil || !ok || len(tc.Components) != 1 || tc.Components[0].Text.Text != "Hi" {
		t.Errorf("version 0: %#v, %v", p, err)
	}
	for _, c := range []struct {
		kind Kind
		b    string
	}{{KindNote, `{"v":2,"noteId":"n_1"}`}, {KindNote, `not json`}, {"email_v9", `{"v":1}`}} {
		if _, err := Decode(c.kind, []byte(c.b)); err == nil {
			t.Errorf("Decode(%s, %s) accepted it", c.kind, c.b)
		}
	}
}

func TestLLMText(t *testing.T) {
	text := "My printer is on fire"
	for _, c := range []struct {
		p    Payload
		want string
	}{
		{Chat{Text: &text, Inbound: true}, "Customer: My printer is on fire"},
		{Chat{Text: &text, AttachmentIDs: []string{"att_1"}}, "Support: My printer is on fire [1 attachment(s)]"},
		{Note{Text: "call back"}, "Internal note: call back"},
		{ThreadEvent{EventBody{Title: "Deploy", Components: []component.Component{{PlainText: &component.PlainText{PlainText: "v2"}}}}}, "Event: Deploy\nv2"},
		{StatusTransitioned{Previous: StatusSnapshot{Status: thread.StatusDone, Detail: thread.DetailDoneManuallySet},
			Next: StatusSnapshot{Status: thread.StatusTodo, Detail: thread.DetailNewReply}}, "Status changed from Done (done manually set) to Todo (new reply)."},
		{AssignmentTransitioned{Next: &Assignee{Name: "Ada"}}, "Thread assigned to Ada."},
		{AssignmentTransitioned{Previous: &Assignee{Name: "Ada"}}, "Thread unassigned."},
		{LabelsChanged{Previous: []Label{{TypeName: "Bug"}}, Next: []Label{{TypeName: "Billing"}}}, "Labels added: Billing. Labels removed: Bug."},
		{PriorityChanged{Previous: 2, Next: 0}, "Priority changed from normal to urgent."},
		{ThreadCreated{}, ""},
	} {
		if got := LLMText(c.p); got != c.want {
			t.Errorf("LLMText(%#v) = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestNewEvent(t *testing.T) {
	now := core.FromMillis(1_700_000_000_000)
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	ok := []component.Component{{Text: &component.Text{Text: "x"}}}
	past := now.Add(-time.Hour).ISO8601()
	e, err := NewEvent(EventInput{Title: " Deploy ", Components: ok, Timestamp: &past, ExternalID: core.Ptr(" e1 ")}, "w_1", "c_1", now, by)
	if err != nil || e.Title != "Deploy" || e.Timestamp != now.Add(-time.Hour) || *e.ExternalID != "e1" || *e.Components[0].Text.TextSize != component.SizeM {
		t.Fatalf("NewEvent: %+v, %v", e, err)
	}
	future := now.Add(time.Hour).ISO8601()
	_, err = NewEvent(EventInput{Title: " ", Components: nil, Timestamp: &future, ExternalID: core.Ptr("")}, "w_1", "c_1", now, by)
	ce, _ := core.AsError(err)
	var fields []string
	for _, f := range ce.Fields {
		fields = append(fields, f.Field)
	}
	if got := strings.Join(fields, ","); got != "title,components,externalId,timestamp" {
		t.Errorf("invalid event: fields %s (%v)", got, err)
	}
}
