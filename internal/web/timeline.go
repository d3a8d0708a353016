package web

import (
	"context"
	"slices"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/timeline"
)

// entryView is one timeline entry as the thread page shows it.
type entryView struct {
	ID    string
	Kind  timeline.Kind
	At    core.Time
	Actor string
	// Who says what the actor is: "customer", "agent", "bot" or "system".
	Who string
	// Class is the entry's look: message-in, message-out, note, event or
	// change.
	Class string
	// Label names the entry in words (for screen readers and colour-blind
	// readers): "Customer message", "Internal note" …
	Label string
	// Text is a message's or note's text; Markdown renders it as markdown
	// (notes), else it is shown as typed.
	Text     string
	Markdown bool
	// Title and Components are an event's (or a thread's first message's).
	Title       string
	Components  []component.Component
	Attachments []attachment.Attachment
	// Summary words a change of the thread (status, assignment, labels,
	// priority), or anything the app has no view of.
	Summary string
}

// entryViews turns a page of a timeline into views: actors named and
// attachments read in one batch each.
func (h *Handler) entryViews(ctx context.Context, items []service.TimelineItem, customerName string) ([]entryView, error) {
	out := make([]entryView, len(items))
	var users, machines, attIDs []string
	for i, it := range items {
		out[i] = entryOf(it)
		switch it.Entry.Actor.Type {
		case core.ActorUser:
			users = append(users, it.Entry.Actor.ID)
		case core.ActorMachineUser:
			machines = append(machines, it.Entry.Actor.ID)
		}
		attIDs = append(attIDs, timeline.AttachmentIDs(it.Payload)...)
	}
	names := map[core.Actor]string{}
	if err := h.nameActors(ctx, names, distinct(users), distinct(machines)); err != nil {
		return nil, err
	}
	var atts map[string]attachment.Attachment
	if len(attIDs) > 0 {
		var err error
		if atts, err = h.svc.Attachments(ctx, attIDs); err != nil {
			return nil, err
		}
	}
	for i, it := range items {
		a := it.Entry.Actor
		switch a.Type {
		case core.ActorCustomer:
			out[i].Actor, out[i].Who = customerName, "customer"
		case core.ActorUser:
			out[i].Actor, out[i].Who = nameOr(names[a], "A former user"), "agent"
		case core.ActorMachineUser:
			out[i].Actor, out[i].Who = nameOr(names[a], "A removed bot"), "bot"
		default:
			out[i].Actor, out[i].Who = "Threadline", "system"
		}
		for _, id := range timeline.AttachmentIDs(it.Payload) {
			if at, ok := atts[id]; ok {
				out[i].Attachments = append(out[i].Attachments, at)
			}
		}
	}
	return out, nil
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// entryOf is what an entry shows, but its actor and attachments.
func entryOf(it service.TimelineItem) entryView {
	e := entryView{ID: it.Entry.ID, Kind: it.Entry.Kind, At: it.Entry.CreatedAt}
	switch p := it.Payload.(type) {
	case timeline.ThreadCreated:
		e.Class, e.Label, e.Components = "message-in", "Customer message", p.Components
	case timeline.Chat:
		e.Class, e.Label = "message-out", "Reply (chat)"
		if p.Inbound {
			e.Class, e.Label = "message-in", "Customer message (chat)"
		}
		if p.Text != nil {
			e.Text = *p.Text
		}
	case timeline.Email:
		e.Class, e.Label = "message-out", "Reply (email)"
		if p.Inbound {
			e.Class, e.Label = "message-in", "Customer email"
		}
		if p.Subject != nil {
			e.Title = *p.Subject
		}
		if p.Text != nil { // the new text, without the quoted history; never the HTML
			e.Text = *p.Text
		}
		switch email.SendStatus(p.SendStatus) {
		case email.Pending:
			e.Summary = "Sending…"
		case email.Failed:
			e.Summary = "Not sent: the mail relay refused it."
		case email.Bounced:
			e.Summary = "Bounced: the customer's mail server returned it."
		}
	case timeline.Note:
		e.Class, e.Label, e.Text, e.Markdown = "note", "Internal note", p.Text, true
	case timeline.ThreadEvent:
		e.Class, e.Label, e.Title, e.Components = "event", "Event", p.Title, p.Components
	case timeline.CustomerEvent:
		e.Class, e.Label, e.Title, e.Components = "event", "Customer event", p.Title, p.Components
	default:
		// Changes of the thread, and any entry this app has no view of,
		// in words — as text, never as HTML.
		e.Class, e.Label, e.Summary = "change", changeLabels[it.Entry.Kind], timeline.LLMText(it.Payload)
		if e.Label == "" {
			e.Label = "Activity"
		}
	}
	return e
}

// changeLabels name the entries that record a change of the thread.
var changeLabels = map[timeline.Kind]string{
	timeline.KindStatusTransitioned:     "Status",
	timeline.KindAssignmentTransitioned: "Assignment",
	timeline.KindLabelsChanged:          "Labels",
	timeline.KindPriorityChanged:        "Priority",
}

// distinct returns ids sorted, each once (for batch reads).
func distinct(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}
