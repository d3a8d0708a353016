package event

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/thread"
)

// Thread is a thread as webhook payloads show it, with its customer,
// labels, field values and assignee. Lists are never null.
type Thread struct {
	ID                  string         `json:"id"`
	Ref                 string         `json:"ref"`
	ExternalID          *string        `json:"externalId"`
	Customer            Customer       `json:"customer"`
	Title               string         `json:"title"`
	Description         *string        `json:"description"`
	PreviewText         *string        `json:"previewText"`
	Priority            int            `json:"priority"`
	Status              thread.Status  `json:"status"`
	StatusDetail        *StatusDetail  `json:"statusDetail"`
	StatusChangedAt     string         `json:"statusChangedAt"`
	StatusChangedBy     Actor          `json:"statusChangedBy"`
	Channel             thread.Channel `json:"channel"`
	Labels              []Label        `json:"labels"`
	ThreadFields        []ThreadField  `json:"threadFields"`
	Assignee            Assignee       `json:"assignee"`
	AssignedAt          *string        `json:"assignedAt"`
	AdditionalAssignees []Assignee     `json:"additionalAssignees"`
	// The message infos are null until a message of their kind exists;
	// SupportEmailAddresses are those the thread's emails went through.
	FirstInboundMessageInfo  *MessageInfo `json:"firstInboundMessageInfo"`
	FirstOutboundMessageInfo *MessageInfo `json:"firstOutboundMessageInfo"`
	LastInboundMessageInfo   *MessageInfo `json:"lastInboundMessageInfo"`
	LastOutboundMessageInfo  *MessageInfo `json:"lastOutboundMessageInfo"`
	SupportEmailAddresses    []string     `json:"supportEmailAddresses"`
	CreatedAt                string       `json:"createdAt"`
	CreatedBy                Actor        `json:"createdBy"`
	UpdatedAt                string       `json:"updatedAt"`
	UpdatedBy                Actor        `json:"updatedBy"`
}

// MessageInfo is a thread's first or last inbound or outbound message as
// webhooks show it: when, through which channel, and by whom.
type MessageInfo struct {
	Timestamp     string  `json:"timestamp"`
	MessageSource string  `json:"messageSource"`
	ActorID       *string `json:"actorId"`
	ActorType     *string `json:"actorType"`
}

// newMessageInfo shows m as webhooks do: nil when there is no such
// message, a source webhooks do not know as
// UNKNOWN_THREAD_MESSAGE_INFO_MESSAGE_SOURCE.
func newMessageInfo(m *thread.MessageInfo) *MessageInfo {
	if m == nil {
		return nil
	}
	src := string(m.Source)
	switch m.Source {
	case thread.SourceChat, thread.SourceEmail, thread.SourceAPI, thread.SourceSlack, thread.SourceMSTeams:
	default:
		src = "UNKNOWN_THREAD_MESSAGE_INFO_MESSAGE_SOURCE"
	}
	out := &MessageInfo{Timestamp: m.At.ISO8601(), MessageSource: src}
	switch m.Actor.Type {
	case core.ActorUser, core.ActorMachineUser, core.ActorCustomer, core.ActorSystem:
		id, typ := m.Actor.ID, string(m.Actor.Type)
		out.ActorID, out.ActorType = &id, &typ
	case core.ActorDeletedCustomer:
		id, typ := m.Actor.ID, string(core.ActorCustomer)
		out.ActorID, out.ActorType = &id, &typ
	}
	return out
}

// ThreadParts are what a thread's payload shows besides the thread row.
type ThreadParts struct {
	Customer customer.Customer
	// CustomerGroups are the customer's customer group memberships.
	CustomerGroups []customergroup.Member
	// Labels are the thread's labels; LabelTypes[i] is the type of Labels[i].
	Labels     []label.Label
	LabelTypes []label.Type
	Values     []field.Value
	Assignee   Assignee // nil when the thread is unassigned
	// AdditionalAssignees are the users and machine users looped in
	// besides the assignee.
	AdditionalAssignees []Assignee
}

// NewThread shows th with its parts as webhooks do.
func NewThread(th thread.Thread, p ThreadParts) Thread {
	labels := make([]Label, len(p.Labels))
	for i, l := range p.Labels {
		labels[i] = NewLabel(l, p.LabelTypes[i])
	}
	fields := make([]ThreadField, len(p.Values))
	for i, v := range p.Values {
		fields[i] = NewThreadField(v)
	}
	return Thread{
		ID: th.ID, Ref: th.RefString(), ExternalID: th.ExternalID, Customer: NewCustomer(p.Customer, p.CustomerGroups...),
		Title: th.Title, Description: th.Description, PreviewText: th.PreviewText, Priority: th.Priority,
		Status: th.Status, StatusDetail: NewStatusDetail(th),
		StatusChangedAt: th.StatusChangedAt.ISO8601(), StatusChangedBy: NewActor(th.StatusChangedBy),
		Channel: th.Channel, Labels: labels, ThreadFields: fields,
		Assignee: p.Assignee, AssignedAt: iso(th.AssignedAt), AdditionalAssignees: additional(p.AdditionalAssignees),
		SupportEmailAddresses:    append([]string{}, th.SupportEmailAddresses...),
		FirstInboundMessageInfo:  newMessageInfo(th.Messages.FirstInbound),
		FirstOutboundMessageInfo: newMessageInfo(th.Messages.FirstOutbound),
		LastInboundMessageInfo:   newMessageInfo(th.Messages.LastInbound),
		LastOutboundMessageInfo:  newMessageInfo(th.Messages.LastOutbound),
		CreatedAt:                th.CreatedAt.ISO8601(), CreatedBy: NewActor(th.CreatedBy),
		UpdatedAt: th.UpdatedAt.ISO8601(), UpdatedBy: NewActor(th.UpdatedBy),
	}
}

// StatusDetail is a thread's status detail as webhooks show it: an object
// discriminated by Type, with the data its type requires and nothing else.
type StatusDetail struct {
	Type thread.Detail `json:"type"`
	// CreatedAt is set for CREATED only.
	CreatedAt string `json:"createdAt,omitempty"`
	// WaitingUntil and DurationSeconds are set for WAITING_FOR_DURATION only.
	WaitingUntil    string   `json:"waitingUntil,omitempty"`
	DurationSeconds *float64 `json:"durationSeconds,omitempty"`
}

// NewStatusDetail shows th's status detail as webhooks do: nil when it has
// none, type "UNKNOWN" for a detail Plain does not define.
func NewStatusDetail(th thread.Thread) *StatusDetail {
	d := StatusDetail{Type: th.StatusDetail}
	switch th.StatusDetail {
	case "":
		return nil
	case thread.DetailCreated:
		d.CreatedAt = th.CreatedAt.ISO8601()
	case thread.DetailWaitingForDuration:
		// A snooze sets statusChangedAt to its start and waitingUntil to
		// its end, so their difference is the duration asked for.
		until := th.StatusChangedAt
		if th.WaitingUntil != nil {
			until = *th.WaitingUntil
		}
		secs := float64(until.Millis()-th.StatusChangedAt.Millis()) / 1000
		d.WaitingUntil, d.DurationSeconds = until.ISO8601(), &secs
	case thread.DetailInProgress, thread.DetailNewReply, thread.DetailWaitingForCustomer,
		thread.DetailDoneManuallySet, thread.DetailDoneAutomaticallySet, thread.DetailIgnored,
		"THREAD_LINK_UPDATED", "THREAD_DISCUSSION_RESOLVED":
	default:
		d.Type = "UNKNOWN"
	}
	return &d
}

// Label is a label of a thread as webhooks show it, with its type.
type Label struct {
	ID        string    `json:"id"`
	LabelType LabelType `json:"labelType"`
	CreatedAt string    `json:"createdAt"`
	CreatedBy Actor     `json:"createdBy"`
	UpdatedAt string    `json:"updatedAt"`
	UpdatedBy Actor     `json:"updatedBy"`
}

// NewLabel shows l, of type t, as webhooks do.
func NewLabel(l label.Label, t label.Type) Label {
	return Label{ID: l.ID, LabelType: NewLabelType(t), CreatedAt: l.CreatedAt.ISO8601(),
		CreatedBy: NewActor(l.CreatedBy), UpdatedAt: l.UpdatedAt.ISO8601(), UpdatedBy: NewActor(l.UpdatedBy)}
}

// LabelType is a label type as webhooks show it; its actors are internal
// actors.
type LabelType struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Icon             *string `json:"icon"`
	ExternalID       *string `json:"externalId"`
	IsExcludedFromAI bool    `json:"isExcludedFromAi"`
	IsArchived       bool    `json:"isArchived"`
	ArchivedAt       *string `json:"archivedAt"`
	ArchivedBy       *Actor  `json:"archivedBy"`
	CreatedAt        string  `json:"createdAt"`
	CreatedBy        Actor   `json:"createdBy"`
	UpdatedAt        string  `json:"updatedAt"`
	UpdatedBy        Actor   `json:"updatedBy"`
}

// NewLabelType shows t as webhooks do.
func NewLabelType(t label.Type) LabelType {
	var archivedBy *Actor
	if t.ArchivedBy != nil {
		a := NewInternalActor(*t.ArchivedBy)
		archivedBy = &a
	}
	return LabelType{ID: t.ID, Name: t.Name, Icon: t.Icon, ExternalID: t.ExternalID,
		IsExcludedFromAI: t.IsExcludedFromAI, IsArchived: t.IsArchived(),
		ArchivedAt: iso(t.ArchivedAt), ArchivedBy: archivedBy,
		CreatedAt: t.CreatedAt.ISO8601(), CreatedBy: NewInternalActor(t.CreatedBy),
		UpdatedAt: t.UpdatedAt.ISO8601(), UpdatedBy: NewInternalActor(t.UpdatedBy)}
}

// ThreadField is a thread's value of a field as webhooks show it: each of
// the four value properties is null unless the value sets it.
type ThreadField struct {
	ID            string     `json:"id"`
	Key           string     `json:"key"`
	Type          field.Type `json:"type"`
	ThreadID      string     `json:"threadId"`
	StringValue   *string    `json:"stringValue"`
	BooleanValue  *bool      `json:"booleanValue"`
	NumberValue   *float64   `json:"numberValue"`
	DateValue     *string    `json:"dateValue"`
	IsAIGenerated bool       `json:"isAiGenerated"`
	CreatedAt     string     `json:"createdAt"`
	CreatedBy     Actor      `json:"createdBy"`
	UpdatedAt     string     `json:"updatedAt"`
	UpdatedBy     Actor      `json:"updatedBy"`
}

// NewThreadField shows v as webhooks do.
func NewThreadField(v field.Value) ThreadField {
	return ThreadField{ID: v.ID, Key: v.Key, Type: v.Type, ThreadID: v.ThreadID, StringValue: v.String,
		BooleanValue: v.Bool, NumberValue: v.Number, DateValue: v.Date, IsAIGenerated: v.IsAIGenerated,
		CreatedAt: v.CreatedAt.ISO8601(), CreatedBy: NewActor(v.CreatedBy),
		UpdatedAt: v.UpdatedAt.ISO8601(), UpdatedBy: NewActor(v.UpdatedBy)}
}

// additional is a thread's additional assignees as webhooks show them: a
// list, empty rather than null.
func additional(as []Assignee) []Assignee {
	if as == nil {
		return []Assignee{}
	}
	return as
}
