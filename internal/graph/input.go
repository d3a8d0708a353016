package graph

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
)

func upsertCustomerInput(in model.UpsertCustomerInput) service.UpsertCustomerInput {
	out := service.UpsertCustomerInput{
		Identifier: customer.Identifier{CustomerID: in.Identifier.CustomerID, EmailAddress: in.Identifier.EmailAddress,
			ExternalID: in.Identifier.ExternalID},
		OnCreate: customer.CreateFields{FullName: in.OnCreate.FullName, ShortName: in.OnCreate.ShortName,
			ExternalID: in.OnCreate.ExternalID, Email: in.OnCreate.Email.Email, EmailVerified: in.OnCreate.Email.IsVerified,
			GroupIdentifiers: len(in.OnCreate.CustomerGroupIdentifiers), TenantIdentifiers: len(in.OnCreate.TenantIdentifiers)},
	}
	u := in.OnUpdate
	if u.FullName != nil {
		out.OnUpdate.FullName = &u.FullName.Value
	}
	if u.ShortName != nil {
		out.OnUpdate.ShortName = core.Optional[string]{Set: true, Value: u.ShortName.Value}
	}
	if u.ExternalID != nil {
		out.OnUpdate.ExternalID = core.Optional[string]{Set: true, Value: u.ExternalID.Value}
	}
	if u.Email != nil {
		out.OnUpdate.Email, out.OnUpdate.EmailVerified = &u.Email.Email, u.Email.IsVerified
	}
	return out
}

func customerFilter(f *model.CustomersFilter) (customer.Filter, error) {
	var out customer.Filter
	if f == nil {
		return out, nil
	}
	out.IsMarkedAsSpam = f.IsMarkedAsSpam
	// Customer groups, tenants and companies cannot be created yet: a filter
	// naming any of them matches no customer.
	out.MatchNothing = len(f.CustomerGroupIds) > 0 || len(f.CustomerGroupKeys) > 0 ||
		len(f.TenantIdentifiers) > 0 || len(f.CompanyIdentifiers) > 0
	r, err := timeRange("updatedAt", f.UpdatedAt)
	if err != nil {
		return out, err
	}
	if r != nil {
		out.UpdatedAfter, out.UpdatedBefore = r.After, r.Before
	}
	return out, nil
}

func (r *Resolver) customerBy(ctx context.Context, id customer.Identifier) (*model.Customer, error) {
	c, err := r.Svc.Customer(ctx, id)
	if err != nil || c == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return customerModel(*c), nil
}

func createSchemaInput(in model.CreateThreadFieldSchemaInput) field.SchemaInput {
	out := field.SchemaInput{Key: in.Key, Label: in.Label, Description: in.Description, Type: field.Type(in.Type),
		EnumValues: in.EnumValues, IsRequired: in.IsRequired, IsAIAutoFillEnabled: in.IsAiAutoFillEnabled,
		Order: in.Order, DefaultString: in.DefaultStringValue, DefaultBool: in.DefaultBooleanValue,
		DefaultNumber: in.DefaultNumberValue, DefaultDate: in.DefaultDateValue, DependsOnLabelTypes: in.DependsOnLabelTypeIds}
	if in.IsClientReadonly != nil {
		out.IsClientReadonly = *in.IsClientReadonly
	}
	if d := in.DependsOnThreadField; d != nil {
		out.DependsOnField = &field.DependsOnField{SchemaID: d.ThreadFieldSchemaID, Value: d.ThreadFieldSchemaValue}
	}
	return out
}

func updateSchemaInput(in model.UpdateThreadFieldSchemaInput) service.SchemaUpdate {
	out := service.SchemaUpdate{ID: in.ThreadFieldSchemaID, EnumValues: in.EnumValues, IsRequired: in.IsRequired,
		IsAIAutoFillEnabled: in.IsAiAutoFillEnabled, IsClientReadonly: in.IsClientReadonly, Order: in.Order,
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

// components converts GraphQL component inputs to the domain's, through
// JSON: both use the GraphQL field names.
func components(in []model.ComponentInput) ([]component.Component, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return component.Unmarshal(b)
}

func createThreadInput(in model.CreateThreadInput) (service.CreateThreadInput, error) {
	out := service.CreateThreadInput{
		Title: in.Title, Description: in.Description,
		Customer: customer.Identifier{CustomerID: in.CustomerIdentifier.CustomerID,
			EmailAddress: in.CustomerIdentifier.EmailAddress, ExternalID: in.CustomerIdentifier.ExternalID},
		HasComponents: in.Components != nil, LabelTypeIDs: in.LabelTypeIds, ExternalID: in.ExternalID,
		Priority: in.Priority, HasTenant: in.TenantIdentifier != nil, HasChannelDetail: in.ChannelDetails != nil,
		AttachmentIDs: in.AttachmentIds,
	}
	if in.Components != nil {
		cs, err := components(in.Components)
		if err != nil {
			return out, fmt.Errorf("components: %w", err)
		}
		out.Components = cs
	}
	if in.AssignedTo != nil {
		out.AssignedTo = &service.AssigneeInput{UserID: in.AssignedTo.UserID, MachineUserID: in.AssignedTo.MachineUserID}
	}
	if in.Channel != nil {
		ch := thread.Channel(*in.Channel)
		out.Channel = &ch
	}
	for _, f := range in.ThreadFields {
		out.ThreadFields = append(out.ThreadFields, field.ValueInput{Key: f.Key, Type: field.Type(f.Type),
			String: f.StringValue, Bool: f.BooleanValue, Number: f.NumberValue, Date: f.DateValue})
	}
	return out, nil
}

func (r *Resolver) threadBy(ctx context.Context, l service.ThreadLookup) (*model.Thread, error) {
	t, err := r.Svc.Thread(ctx, l)
	if err != nil || t == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return threadModel(*t), nil
}

// assignee resolves a thread's assignee to its union member. Reading a
// user needs user:read, a machine user machineUser:read.
func (r *Resolver) assignee(ctx context.Context, a *core.Actor) (model.ThreadAssignee, error) {
	if a == nil {
		return nil, nil
	}
	// Selecting only __typename of a member needs no read of it (and no
	// permission), as preflight assumes.
	switch a.Type {
	case core.ActorUser:
		if !selectsFieldsOf(ctx, "User", "ThreadAssignee") {
			return &model.User{ID: a.ID}, nil
		}
		u, err := r.loaders(ctx).Users.Load(ctx, a.ID)
		if err != nil || u == nil {
			return nil, r.nilOrQueryError(ctx, err)
		}
		return userModel(*u), nil
	case core.ActorMachineUser:
		if !selectsFieldsOf(ctx, "MachineUser", "ThreadAssignee") {
			return &model.MachineUser{ID: a.ID}, nil
		}
		m, err := r.loaders(ctx).MachineUsers.Load(ctx, a.ID)
		if err != nil || m == nil {
			return nil, r.nilOrQueryError(ctx, err)
		}
		return machineUserModel(*m), nil
	}
	return &model.System{ID: a.ID}, nil
}

// onlyID reports whether the current field selects nothing but id and
// __typename of its object.
func onlyID(ctx context.Context) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "id" && f.Name != "__typename" {
			return false
		}
	}
	return true
}

// selectsFieldsOf reports whether the current field selects any field but
// __typename of the object type satisfies[0] (satisfies lists it and the
// unions and interfaces it belongs to, as fragments may be on either).
func selectsFieldsOf(ctx context.Context, satisfies ...string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, satisfies) {
		if f.Name != "__typename" {
			return true
		}
	}
	return false
}
