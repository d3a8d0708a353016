package thread

import (
	"slices"

	"github.com/threadline/threadline/internal/core"
)

// MessageSource is Plain's MessageSource: the channel a message came
// through.
type MessageSource string

// The message sources.
const (
	SourceAPI     MessageSource = "API"
	SourceChat    MessageSource = "CHAT"
	SourceDiscord MessageSource = "DISCORD"
	SourceEmail   MessageSource = "EMAIL"
	SourceMSTeams MessageSource = "MS_TEAMS"
	SourceSlack   MessageSource = "SLACK"
)

// MessageInfo says when a thread's first or last inbound (from the
// customer) or outbound (to the customer) message was sent, through which
// channel and by whom.
type MessageInfo struct {
	At     core.Time
	Source MessageSource
	Actor  core.Actor
}

// Messages are a thread's message infos; each is nil until a message of
// its kind exists.
type Messages struct {
	FirstInbound  *MessageInfo
	LastInbound   *MessageInfo
	FirstOutbound *MessageInfo
	LastOutbound  *MessageInfo
}

// record puts m into first and last: first keeps the earliest message,
// last the latest (a back-dated message does not move last back).
func record(first, last **MessageInfo, m MessageInfo) {
	if *first == nil || m.At.Millis() < (*first).At.Millis() {
		v := m
		*first = &v
	}
	if *last == nil || m.At.Millis() >= (*last).At.Millis() {
		v := m
		*last = &v
	}
}

// ReceiveMessage returns t after a message from the customer (m) arrived
// at now: its inbound message infos and preview updated, and, as Plain's
// status model says, a DONE or SNOOZED thread (snoozed for a duration or
// until the customer replies) moved back to TODO with NEW_REPLY. It
// reports whether the status changed. A blank preview leaves the preview
// as it was.
func (t Thread) ReceiveMessage(m MessageInfo, preview string, now core.Time) (Thread, bool) {
	record(&t.Messages.FirstInbound, &t.Messages.LastInbound, m)
	t = t.withPreview(preview)
	next, changed := t.OnActivity(now, m.Actor)
	return next.Touch(now, m.Actor), changed
}

// SendMessage returns t after a message to the customer (m) was sent at
// now: its outbound message infos and preview updated. Sending does not
// change the thread's status.
func (t Thread) SendMessage(m MessageInfo, preview string, now core.Time) Thread {
	record(&t.Messages.FirstOutbound, &t.Messages.LastOutbound, m)
	return t.withPreview(preview).Touch(now, m.Actor)
}

// withPreview sets the preview text to the latest message's, when it has
// any text.
func (t Thread) withPreview(preview string) Thread {
	if p := Truncate(preview, MaxPreviewLength); p != "" {
		t.PreviewText = &p
	}
	return t
}

// LastInboundMillis is the value threads sort by for
// LAST_INBOUND_MESSAGE_AT: the time of the last inbound message, 0 when
// there is none (such threads sort after every thread with one when
// newest first).
func (t Thread) LastInboundMillis() int64 {
	if t.Messages.LastInbound == nil {
		return 0
	}
	return t.Messages.LastInbound.At.Millis()
}

// WithSupportAddress returns t with addr among its support email
// addresses (added once, in the order first used).
func (t Thread) WithSupportAddress(addr string) Thread {
	if addr == "" || slices.Contains(t.SupportEmailAddresses, addr) {
		return t
	}
	t.SupportEmailAddresses = append(slices.Clone(t.SupportEmailAddresses), addr)
	return t
}
