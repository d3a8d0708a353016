package graph

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// attachmentsByID loads attachments by id, for the messages that name them.
var attachmentsByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*attachment.Attachment, []error) {
	return byID(s.Attachments)
})

// attachmentList resolves attachment ids to their attachments, in order;
// ids of attachments that no longer exist are left out.
func (r *Resolver) attachmentList(ctx context.Context, ids []string) ([]model.Attachment, error) {
	out := make([]model.Attachment, 0, len(ids))
	l := attachmentsByID.of(ctx, r.Svc)
	for _, id := range ids {
		a, err := l.Load(ctx, id)
		if err != nil {
			return nil, r.queryError(ctx, err)
		}
		if a != nil {
			out = append(out, attachmentModel(*a))
		}
	}
	return out, nil
}

func attachmentModel(a attachment.Attachment) model.Attachment {
	return model.Attachment{ID: a.ID, FileName: a.FileName, FileExtension: a.Extension, FileMimeType: a.MimeType,
		FileSize: model.FileSize{Bytes: int(a.Size), KiloBytes: float64(a.Size) / 1000, MegaBytes: float64(a.Size) / 1_000_000},
		Type:     model.AttachmentType(a.Type), CreatedAt: a.CreatedAt, CreatedBy: actor(a.CreatedBy), UpdatedAt: a.UpdatedAt,
		UpdatedBy: actor(a.UpdatedBy)}
}

// timelineEntryModel presents an entry with its payload.
func timelineEntryModel(it service.TimelineItem) model.TimelineEntry {
	e := it.Entry
	out := model.TimelineEntry{ID: e.ID, CustomerID: e.CustomerID, ThreadID: e.ThreadID, Timestamp: e.CreatedAt,
		Actor: actor(e.Actor), Entry: entryModel(e, it.Payload)}
	if text := timeline.LLMText(it.Payload); text != "" {
		out.LlmText = &text
	}
	return out
}

func timelineConnection(page service.TimelinePage) *model.TimelineEntryConnection {
	out := &model.TimelineEntryConnection{Edges: make([]model.TimelineEntryEdge, len(page.Edges)), PageInfo: pageInfo(page.PageInfo)}
	for i, e := range page.Edges {
		out.Edges[i] = model.TimelineEntryEdge{Cursor: e.Cursor, Node: timelineEntryModel(e.Node)}
	}
	return out
}

// entryModel presents the payload of e as its member of the Entry union.
func entryModel(e timeline.Entry, p timeline.Payload) model.Entry {
	switch p := p.(type) {
	case timeline.ThreadCreated:
		return model.CustomEntry{Title: "", Components: asCustom(componentModels(p.Components)), Attachments: []model.Attachment{}}
	case timeline.Note:
		return model.NoteEntry{NoteID: p.NoteID, Text: p.Text, Markdown: p.Markdown, AttachmentIDs: p.AttachmentIDs,
			IsEdited: p.EditedAt != nil, EditedAt: p.EditedAt, EditedBy: actorOrNil(p.EditedBy)}
	case timeline.Chat:
		return model.ChatEntry{ChatID: p.ChatID, Text: p.Text, CustomerReadAt: p.CustomerReadAt, AttachmentIDs: p.AttachmentIDs}
	case timeline.Email:
		return emailEntryModel(p)
	case timeline.ThreadEvent:
		return model.ThreadEventEntry{TimelineEventID: p.EventID, CustomerID: e.CustomerID, Title: p.Title, ExternalID: p.ExternalID,
			IsCollapsed: p.IsCollapsed, Components: asEvent(componentModels(p.Components))}
	case timeline.CustomerEvent:
		return model.CustomerEventEntry{TimelineEventID: p.EventID, CustomerID: e.CustomerID, Title: p.Title, ExternalID: p.ExternalID,
			IsCollapsed: p.IsCollapsed, Components: asEvent(componentModels(p.Components))}
	case timeline.StatusTransitioned:
		return model.ThreadStatusTransitionedEntry{PreviousStatus: model.ThreadStatus(p.Previous.Status),
			PreviousStatusDetail: snapshotDetail(p.Previous), NextStatus: model.ThreadStatus(p.Next.Status),
			NextStatusDetail: snapshotDetail(p.Next)}
	case timeline.AssignmentTransitioned:
		out := model.ThreadAssignmentTransitionedEntry{}
		if p.Previous != nil {
			out.Previous = &p.Previous.Actor
		}
		if p.Next != nil {
			out.Next = &p.Next.Actor
		}
		return out
	case timeline.LabelsChanged:
		return model.ThreadLabelsChangedEntry{Previous: p.Previous, Next: p.Next}
	case timeline.PriorityChanged:
		return model.ThreadPriorityChangedEntry{PreviousPriority: p.Previous, NextPriority: p.Next}
	}
	panic(fmt.Sprintf("timeline payload %T has no Entry member", p))
}

// snapshotDetail presents a status snapshot's detail as statusDetail does
// for a thread.
func snapshotDetail(s timeline.StatusSnapshot) model.ThreadStatusDetail {
	return statusDetail(thread.Thread{StatusDetail: s.Detail, StatusChangedAt: s.ChangedAt, WaitingUntil: s.WaitingUntil,
		CreatedAt: s.ThreadCreatedAt})
}

// entryLabels presents labels as a labels-changed entry kept them.
func entryLabels(ls []timeline.Label) []model.Label {
	out := make([]model.Label, len(ls))
	for i, l := range ls {
		out[i] = model.Label{ID: l.ID, TypeID: l.TypeID, CreatedAt: l.CreatedAt, CreatedBy: actor(l.CreatedBy),
			UpdatedAt: l.UpdatedAt, UpdatedBy: actor(l.UpdatedBy)}
	}
	return out
}

// componentModel is a component's output form: a value of both the
// EventComponent and the CustomTimelineEntryComponent unions.
type componentModel interface {
	model.EventComponent
	model.CustomTimelineEntryComponent
}

// componentModels presents normalised components; a kind no output type
// shows (a user, which Threadline does not accept yet) is left out.
func componentModels(cs []component.Component) []componentModel {
	out := make([]componentModel, 0, len(cs))
	for _, c := range cs {
		if m := componentOut(c); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func asEvent(cs []componentModel) []model.EventComponent {
	out := make([]model.EventComponent, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

func asCustom(cs []componentModel) []model.CustomTimelineEntryComponent {
	out := make([]model.CustomTimelineEntryComponent, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

// timelineFilter converts a thread timeline's filters.
func timelineFilter(f *model.ThreadTimelineEntriesFilter) service.TimelineFilter {
	var out service.TimelineFilter
	if f == nil {
		return out
	}
	if f.EntryTypes != nil {
		out.EntryTypes = make([]string, len(f.EntryTypes))
		for i, t := range f.EntryTypes {
			out.EntryTypes[i] = string(t)
		}
	}
	out.IsMessage = f.IsMessage
	return out
}

// eventInput converts the fields thread and customer events share.
func eventInput(title string, comps []model.EventComponentInput, ext *string, collapsed *bool, ts *string) (timeline.EventInput, error) {
	b, err := json.Marshal(comps)
	if err != nil {
		return timeline.EventInput{}, err
	}
	cs, err := component.Unmarshal(b)
	if err != nil {
		return timeline.EventInput{}, fmt.Errorf("components: %w", err)
	}
	return timeline.EventInput{Title: title, Components: cs, ExternalID: ext, IsCollapsed: collapsed, Timestamp: ts}, nil
}

// eventComponents presents an event's components.
func eventComponents(cs []component.Component) []model.EventComponent {
	return asEvent(componentModels(cs))
}
