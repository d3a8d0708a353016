package graph

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
)

func threadFieldModel(v field.Value) model.ThreadField {
	return model.ThreadField{ID: v.ID, Key: v.Key, Type: model.ThreadFieldSchemaType(v.Type), ThreadID: v.ThreadID,
		StringValue: v.String, BooleanValue: v.Bool, NumberValue: v.Number, DateValue: v.DateTime(), IsAiGenerated: v.IsAIGenerated,
		CreatedAt: v.CreatedAt, CreatedBy: actor(v.CreatedBy), UpdatedAt: v.UpdatedAt, UpdatedBy: actor(v.UpdatedBy)}
}

func fieldSchemaModel(s field.Schema) *model.ThreadFieldSchema {
	deps := make([]model.DependsOnLabelType, len(s.DependsOnLabelTypes))
	for i, id := range s.DependsOnLabelTypes {
		deps[i] = model.DependsOnLabelType{LabelTypeID: id}
	}
	var dep *model.DependsOnThreadFieldType
	if s.DependsOnField != nil {
		dep = &model.DependsOnThreadFieldType{ThreadFieldSchemaID: s.DependsOnField.SchemaID, ThreadFieldSchemaValue: s.DependsOnField.Value}
	}
	enums := s.EnumValues
	if enums == nil {
		enums = []string{}
	}
	return &model.ThreadFieldSchema{
		ID: s.ID, Key: s.Key, Label: s.Label, Description: s.Description, Type: model.ThreadFieldSchemaType(s.Type),
		EnumValues: enums, IsRequired: s.IsRequired, IsAiAutoFillEnabled: s.IsAIAutoFillEnabled,
		IsClientReadonly: s.IsClientReadonly, IsAvailableToAgents: s.IsAvailableToAgents, Order: s.Order, DefaultStringValue: s.DefaultString,
		DefaultBooleanValue: s.DefaultBool, DefaultNumberValue: s.DefaultNumber, DefaultDateValue: s.DefaultDate,
		DependsOnLabels: deps, DependsOnThreadField: dep,
		CreatedAt: s.CreatedAt, CreatedBy: internalActor(s.CreatedBy), UpdatedAt: s.UpdatedAt, UpdatedBy: internalActor(s.UpdatedBy),
	}
}

func createSchemaInput(in model.CreateThreadFieldSchemaInput) field.SchemaInput {
	out := field.SchemaInput{Key: in.Key, Label: in.Label, Description: in.Description, Type: field.Type(in.Type),
		EnumValues: in.EnumValues, IsRequired: in.IsRequired, IsAIAutoFillEnabled: in.IsAiAutoFillEnabled,
		Order: in.Order, DefaultString: in.DefaultStringValue, DefaultBool: in.DefaultBooleanValue,
		DefaultNumber: in.DefaultNumberValue, DefaultDate: in.DefaultDateValue, DependsOnLabelTypes: in.DependsOnLabelTypeIds}
	if in.IsClientReadonly != nil {
		out.IsClientReadonly = *in.IsClientReadonly
	}
	if in.IsAvailableToAgents != nil {
		out.IsAvailableToAgents = *in.IsAvailableToAgents
	}
	if d := in.DependsOnThreadField; d != nil {
		out.DependsOnField = &field.DependsOnField{SchemaID: d.ThreadFieldSchemaID, Value: d.ThreadFieldSchemaValue}
	}
	return out
}

func updateSchemaInput(in model.UpdateThreadFieldSchemaInput) service.SchemaUpdate {
	out := service.SchemaUpdate{ID: in.ThreadFieldSchemaID, EnumValues: in.EnumValues, IsRequired: in.IsRequired,
		IsAIAutoFillEnabled: in.IsAiAutoFillEnabled, IsClientReadonly: in.IsClientReadonly, IsAvailableToAgents: in.IsAvailableToAgents, Order: in.Order,
		DependsOnLabelTypes: in.DependsOnLabelTypeIds}
	if in.Label != nil {
		out.Label = &in.Label.Value
	}
	if in.Description != nil {
		out.Description = &in.Description.Value
	}
	if in.DefaultStringValue != nil {
		out.DefaultString = core.Optional[string]{Set: true, Value: in.DefaultStringValue.Value}
	}
	if in.DefaultBooleanValue != nil {
		out.DefaultBool = core.Optional[bool]{Set: true, Value: in.DefaultBooleanValue.Value}
	}
	if in.DefaultNumberValue != nil {
		out.DefaultNumber = core.Optional[float64]{Set: true, Value: in.DefaultNumberValue.Value}
	}
	if in.DefaultDateValue != nil {
		out.DefaultDate = core.Optional[string]{Set: true, Value: in.DefaultDateValue.Value}
	}
	if d := in.DependsOnThreadField; d != nil {
		out.DependsOnField.Set = true
		if d.Value != nil {
			out.DependsOnField.Value = &field.DependsOnField{SchemaID: d.Value.ThreadFieldSchemaID, Value: d.Value.ThreadFieldSchemaValue}
		}
	}
	return out
}

// fieldsOfThread loads each thread's field values (Thread.threadFields).
var fieldsOfThread = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([][]field.Value, []error) {
	return grouped(s.FieldValuesOfThreads)
})
