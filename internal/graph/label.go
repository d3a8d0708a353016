package graph

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
)

func labelTypeModel(t label.Type) *model.LabelType {
	return &model.LabelType{
		ID: t.ID, Name: t.Name, Icon: t.Icon, Color: t.Color, Description: t.Description, ExternalID: t.ExternalID,
		IsArchived: t.IsArchived(), ArchivedAt: t.ArchivedAt, ArchivedBy: actorOrNil(t.ArchivedBy),
		IsExcludedFromAi: t.IsExcludedFromAI, Position: t.Position, Type: model.LabelTypeType(t.Kind), ParentID: t.ParentID,
		CreatedAt: t.CreatedAt, CreatedBy: internalActor(t.CreatedBy), UpdatedAt: t.UpdatedAt, UpdatedBy: internalActor(t.UpdatedBy),
	}
}

func labelModel(l label.Label) model.Label {
	return model.Label{ID: l.ID, TypeID: l.TypeID, CreatedAt: l.CreatedAt, CreatedBy: actor(l.CreatedBy),
		UpdatedAt: l.UpdatedAt, UpdatedBy: actor(l.UpdatedBy)}
}

// labelTypesByID loads label types by id (Label.labelType).
var labelTypesByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*label.Type, []error) {
	return byID(s.LabelTypesByIDs)
})

// labelsOfThread loads each thread's labels with their types (Thread.labels).
var labelsOfThread = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([][]service.TypedLabel, []error) {
	return grouped(s.LabelsOfThreads)
})

// labelTypeUpdate converts UpdateLabelTypeInput.
func labelTypeUpdate(in model.UpdateLabelTypeInput) label.UpdateInput {
	opt := func(o *model.OptionalStringInput) core.Optional[string] {
		if o == nil {
			return core.Optional[string]{}
		}
		return core.Optional[string]{Set: true, Value: o.Value}
	}
	out := label.UpdateInput{Name: stringValue(in.Name), Icon: opt(in.Icon), Color: opt(in.Color),
		Description: opt(in.Description), ExternalID: opt(in.ExternalID)}
	if in.IsExcludedFromAi != nil {
		out.IsExcludedFromAI = core.Optional[bool]{Set: true, Value: in.IsExcludedFromAi.Value}
	}
	return out
}
