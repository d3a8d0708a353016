package email

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
)

var now = core.FromMillis(1_767_225_600_000)

func TestAfterSend(t *testing.T) {
	sched := []time.Duration{time.Minute, time.Hour}
	e := Email{SendStatus: Pending, NextAttemptAt: now, LeaseUntil: &now}
	tests := []struct {
		name     string
		from     Email
		o        SendOutcome
		status   SendStatus
		attempts int
		wait     time.Duration // 0: not retried
	}{
		{"accepted", e, SendOutcome{}, Sent, 1, 0},
		{"refused for now", e, SendOutcome{Err: "451 busy"}, Pending, 1, time.Minute},
		{"refused again", Email{SendStatus: Pending, Attempts: 1}, SendOutcome{Err: "451 busy"}, Pending, 2, time.Hour},
		{"schedule exhausted", Email{SendStatus: Pending, Attempts: 2}, SendOutcome{Err: "451 busy"}, Failed, 3, 0},
		{"refused for good", e, SendOutcome{Err: "550 no such user", Permanent: true}, Failed, 1, 0},
	}
	for _, tc := range tests {
		got := tc.from.AfterSend(tc.o, sched, now)
		if got.SendStatus != tc.status || got.Attempts != tc.attempts || got.LeaseUntil != nil || got.LastError != tc.o.Err {
			t.Errorf("%s: %+v", tc.name, got)
		}
		if (got.SentAt != nil) != (tc.status == Sent) {
			t.Errorf("%s: sentAt %v", tc.name, got.SentAt)
		}
		if tc.wait > 0 {
			d := time.Duration(got.NextAttemptAt.Millis()-now.Millis()) * time.Millisecond
			if d < tc.wait*9/10 || d > tc.wait*11/10 {
				t.Errorf("%s: next attempt in %v, want %v ±10%%", tc.name, d, tc.wait)
			}
		}
	}
	long := Email{}.AfterSend(SendOutcome{Err: strings.Repeat("é", 5000)}, nil, now)
	if n := len([]rune(long.LastError)); n != maxErrorLength || long.SendStatus != Failed {
		t.Errorf("a long error kept %d characters, status %s", n, long.SendStatus)
	}
}

func TestBounces(t *testing.T) {
	tests := []struct {
		r         StatusReport
		bounce    bool
		reason    BounceReason
		retriable bool
	}{
		{StatusReport{Action: "failed", Status: "5.1.1"}, true, BounceBadAddress, false},
		{StatusReport{Action: "failed", Status: "5.7.1"}, true, BounceBlocked, false},
		{StatusReport{Action: "failed", Status: "5.4.4"}, true, BounceDNS, false},
		{StatusReport{Action: "failed", Status: "5.2.2"}, true, BounceHard, false},
		{StatusReport{Action: "failed", Status: "4.2.2"}, true, BounceSoft, true},
		{StatusReport{Action: "failed"}, true, BounceUnknown, false},
		{StatusReport{Status: "5.0.0"}, true, BounceHard, false},
		{StatusReport{Action: "delayed", Status: "4.4.7"}, false, "", false},
		{StatusReport{Action: "delivered", Status: "2.0.0"}, false, "", false},
	}
	for _, tc := range tests {
		if tc.r.IsBounce() != tc.bounce {
			t.Errorf("%+v: IsBounce = %v", tc.r, !tc.bounce)
		}
		if !tc.bounce {
			continue
		}
		b := tc.r.Bounce(now)
		if b.Reason != tc.reason || b.Retriable != tc.retriable {
			t.Errorf("%+v: %+v", tc.r, b)
		}
	}
	e := Email{SendStatus: Sent}.WithBounce(StatusReport{Recipient: "A@X.test", Status: "5.1.1"}.Bounce(now), now)
	if e.SendStatus != Bounced || len(e.Bounces) != 1 || e.Bounces[0].Recipient != "a@x.test" || !e.CanBeRepliedTo() {
		t.Errorf("bounced: %+v", e)
	}
}

func TestCanBeRepliedTo(t *testing.T) {
	for _, tc := range []struct {
		e    Email
		want bool
	}{{Email{Inbound: true}, true}, {Email{SendStatus: Sent}, true}, {Email{SendStatus: Pending}, false}, {Email{SendStatus: Failed}, false}} {
		if tc.e.CanBeRepliedTo() != tc.want {
			t.Errorf("%+v: %v", tc.e, !tc.want)
		}
	}
}

func TestThreadingReferences(t *testing.T) {
	if got := ThreadingReferences([]string{"a@x"}, "b@x"); !slices.Equal(got, []string{"a@x", "b@x"}) {
		t.Errorf("got %v", got)
	}
	if got := ThreadingReferences([]string{"a@x", "b@x"}, "b@x"); len(got) != 2 {
		t.Errorf("the id twice: %v", got)
	}
	var long []string
	for i := range 30 {
		long = append(long, fmt.Sprintf("%d@x", i))
	}
	got := ThreadingReferences(long, "new@x")
	if len(got) != MaxReferences || got[0] != "0@x" || got[len(got)-1] != "new@x" || got[len(got)-2] != "29@x" {
		t.Errorf("trimmed to %v", got)
	}
	if id := NewMessageID("em_01ABC", "help@Acme.test"); id != "em_01abc@Acme.test" {
		t.Errorf("NewMessageID = %q", id)
	}
}

func TestPayloadAndDraft(t *testing.T) {
	e := Email{ID: "em_1", MessageID: "em_1@acme.test", From: Participant{Address: Address{Name: "Acme", Email: "help@acme.test"}},
		To: Participant{Address: Address{Email: "a@x.test"}, Kind: ActorCustomer, ActorID: "c_1"},
		Cc: []Participant{{Address: Address{Email: "b@x.test"}}}, Bcc: []Participant{{Address: Address{Email: "a@x.test"}}},
		Subject: core.Ptr("Hi"), Text: core.Ptr("Hello\n> old"), NewText: core.Ptr("Hello"), ReplyTo: "help+th_1@acme.test",
		InReplyTo: "m0@x.test", References: []string{"m0@x.test"}, HTML: "<p>Hello</p>", CreatedAt: now}
	p := e.Payload()
	if *p.Text != "Hello" || *p.FullText != "Hello\n> old" || !p.HasMoreText() || p.To.Actor.ID != "c_1" || p.From.Actor != nil {
		t.Errorf("payload %+v", p)
	}
	d := e.Draft(nil)
	if d.Text != "Hello\n> old" || d.Subject != "Hi" || d.ReplyTo.Email != "help+th_1@acme.test" || d.ReplyTo.Name != "Acme" ||
		len(d.Cc) != 1 || len(d.Bcc) != 1 || d.InReplyTo != "m0@x.test" || d.HTML == "" {
		t.Errorf("draft %+v", d)
	}
	if r := e.Recipients(); len(r) != 2 {
		t.Errorf("recipients %v", r)
	}
}

func TestCleanInputs(t *testing.T) {
	for in, ok := range map[string]bool{"Help@Acme.test": true, "help+x@acme.test": false, "Ann <a@b.c>": false, "nope": false} {
		_, err := CleanSupportAddress("address", in)
		if (err == nil) != ok {
			t.Errorf("CleanSupportAddress(%q): %v", in, err)
		}
	}
	var c core.Collector
	many := make([]ParticipantInput, MaxRecipients)
	for i := range many {
		many[i] = ParticipantInput{Email: fmt.Sprintf("p%d@x.test", i)}
	}
	if cc, bcc := CleanRecipients(&c, "cc", many[:40], "bcc", many[40:]); len(cc) != 40 || len(bcc) != 9 || c.Err() != nil {
		t.Errorf("49 recipients: %d %d %v", len(cc), len(bcc), c.Err())
	}
	CleanRecipients(&c, "cc", append(many, many[0]), "bcc", nil)
	CleanRecipients(&c, "cc", []ParticipantInput{{Email: "bad"}, {Email: "a@b.c", Name: core.Ptr("x\r\nBcc: evil@x.test")}}, "bcc", nil)
	e, _ := core.AsError(c.Err())
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	if !slices.Equal(fields, []string{"cc", "cc.0.email", "cc.1.name"}) {
		t.Errorf("fields %v", fields)
	}
	if _, err := CleanSubject("subject", "Hi\r\nBcc: evil@x.test"); err == nil {
		t.Error("a subject with a line break was accepted")
	}
}

func TestRenderMarkdown(t *testing.T) {
	html, err := RenderMarkdown("**Hi** [docs](https://example.com) [x](javascript:alert(1))\n\n<script>alert(1)</script>\n\n| a |\n|---|\n| b |")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<strong>Hi</strong>", `href="https://example.com"`, "<table>"} {
		if !strings.Contains(html, want) {
			t.Errorf("no %s in %s", want, html)
		}
	}
	for _, bad := range []string{"<script", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("%s in %s", bad, html)
		}
	}
}
