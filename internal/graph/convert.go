package graph

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/webhook"
	"github.com/threadline/threadline/internal/workspace"
)

// actor presents an actor as a member of the Actor union.
func actor(a core.Actor) model.Actor {
	switch a.Type {
	case core.ActorUser:
		return model.UserActor{UserID: a.ID}
	case core.ActorMachineUser:
		return model.MachineUserActor{MachineUserID: a.ID}
	case core.ActorCustomer:
		return model.CustomerActor{CustomerID: a.ID}
	case core.ActorDeletedCustomer:
		return model.DeletedCustomerActor{CustomerID: a.ID}
	}
	return model.SystemActor{SystemID: a.ID}
}

// internalActor presents an actor as a member of the InternalActor union;
// customers cannot be internal actors, so they present as the system.
func internalActor(a core.Actor) model.InternalActor {
	switch a.Type {
	case core.ActorUser:
		return model.UserActor{UserID: a.ID}
	case core.ActorMachineUser:
		return model.MachineUserActor{MachineUserID: a.ID}
	}
	return model.SystemActor{SystemID: a.ID}
}

func workspaceModel(w workspace.Workspace) *model.Workspace {
	return &model.Workspace{
		ID: w.ID, Name: w.Name, PublicName: w.PublicName, IsDemoWorkspace: w.IsDemo,
		DomainNames: []string{},
		CreatedAt:   w.CreatedAt, CreatedBy: internalActor(w.CreatedBy),
		UpdatedAt: w.UpdatedAt, UpdatedBy: internalActor(w.UpdatedBy),
	}
}

func workspaceHmacModel(w workspace.Workspace) *model.WorkspaceHmac {
	secret := w.HMACSecret
	return &model.WorkspaceHmac{
		HmacSecret: &secret,
		CreatedAt:  w.CreatedAt, CreatedBy: internalActor(w.CreatedBy),
		UpdatedAt: w.HMACUpdatedAt, UpdatedBy: internalActor(w.HMACUpdatedBy),
	}
}

func userModel(u user.User) *model.User {
	return &model.User{
		ID: u.ID, Email: u.Email, FullName: u.FullName, PublicName: u.PublicName,
		IsDeleted: u.DeletedAt != nil, Status: model.UserStatus(u.Status),
		SlackIdentities: []model.SlackUserIdentity{}, UpdatedAt: u.UpdatedAt,
	}
}

func machineUserModel(m user.MachineUser) *model.MachineUser {
	return &model.MachineUser{
		ID: m.ID, FullName: m.FullName, PublicName: m.PublicName, Description: m.Description,
		IsDeleted: m.DeletedAt != nil, Type: model.MachineUserType(m.Type), UpdatedAt: m.UpdatedAt,
	}
}

func actorOrNil(a *core.Actor) model.InternalActor {
	if a == nil {
		return nil
	}
	return internalActor(*a)
}

func customerModel(c customer.Customer) *model.Customer {
	return &model.Customer{
		ID: c.ID, FullName: c.FullName, ShortName: c.ShortName, ExternalID: c.ExternalID,
		Email:          &model.EmailAddress{Email: c.Email, IsVerified: c.EmailVerified, VerifiedAt: c.EmailVerifiedAt},
		MarkedAsSpamAt: c.MarkedAsSpamAt, CreatedAt: c.CreatedAt, CreatedBy: actor(c.CreatedBy), UpdatedAt: c.UpdatedAt,
	}
}

func labelTypeModel(t label.Type) *model.LabelType {
	return &model.LabelType{
		ID: t.ID, Name: t.Name, Icon: t.Icon, Color: t.Color, Description: t.Description, ExternalID: t.ExternalID,
		IsArchived: t.IsArchived(), ArchivedAt: t.ArchivedAt, ArchivedBy: actorOrNil(t.ArchivedBy),
		IsExcludedFromAi: t.IsExcludedFromAI, Position: t.Position, Type: model.LabelTypeType(t.Kind),
		CreatedAt: t.CreatedAt, CreatedBy: internalActor(t.CreatedBy), UpdatedAt: t.UpdatedAt, UpdatedBy: internalActor(t.UpdatedBy),
	}
}

func labelModel(l label.Label) model.Label {
	return model.Label{ID: l.ID, TypeID: l.TypeID, CreatedAt: l.CreatedAt, CreatedBy: actor(l.CreatedBy),
		UpdatedAt: l.UpdatedAt, UpdatedBy: actor(l.UpdatedBy)}
}

func threadFieldModel(v field.Value) model.ThreadField {
	return model.ThreadField{ID: v.ID, Key: v.Key, Type: model.ThreadFieldSchemaType(v.Type), ThreadID: v.ThreadID,
		StringValue: v.String, BooleanValue: v.Bool, NumberValue: v.Number, IsAiGenerated: v.IsAIGenerated,
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
		IsClientReadonly: s.IsClientReadonly, Order: s.Order, DefaultStringValue: s.DefaultString,
		DefaultBooleanValue: s.DefaultBool, DefaultNumberValue: s.DefaultNumber, DefaultDateValue: s.DefaultDate,
		DependsOnLabels: deps, DependsOnThreadField: dep,
		CreatedAt: s.CreatedAt, CreatedBy: internalActor(s.CreatedBy), UpdatedAt: s.UpdatedAt, UpdatedBy: internalActor(s.UpdatedBy),
	}
}

// statusDetail presents a thread's status detail as its union member.
func statusDetail(t thread.Thread) model.ThreadStatusDetail {
	at := t.StatusChangedAt
	switch t.StatusDetail {
	case thread.DetailCreated:
		return model.ThreadStatusDetailCreated{CreatedAt: t.CreatedAt}
	case thread.DetailInProgress:
		return model.ThreadStatusDetailInProgress{StatusChangedAt: at}
	case thread.DetailNewReply:
		return model.ThreadStatusDetailNewReply{StatusChangedAt: at}
	case thread.DetailWaitingForCustomer:
		return model.ThreadStatusDetailWaitingForCustomer{StatusChangedAt: at}
	case thread.DetailWaitingForDuration:
		until := at
		if t.WaitingUntil != nil {
			until = *t.WaitingUntil
		}
		return model.ThreadStatusDetailWaitingForDuration{StatusChangedAt: at, WaitingUntil: until}
	case thread.DetailDoneManuallySet:
		return model.ThreadStatusDetailDoneManuallySet{StatusChangedAt: at}
	case thread.DetailDoneAutomaticallySet:
		return model.ThreadStatusDetailDoneAutomaticallySet{StatusChangedAt: at}
	case thread.DetailIgnored:
		return model.ThreadStatusDetailIgnored{StatusChangedAt: at}
	}
	return nil
}

func threadModel(t thread.Thread) *model.Thread {
	return &model.Thread{
		ID: t.ID, Ref: t.RefString(), ExternalID: t.ExternalID, Title: t.Title, Description: t.Description,
		PreviewText: t.PreviewText, Priority: t.Priority, Status: model.ThreadStatus(t.Status),
		StatusDetail: statusDetail(t), StatusChangedAt: t.StatusChangedAt, Channel: model.ThreadChannel(t.Channel),
		AssignedAt: t.AssignedAt, SupportEmailAddresses: []string{},
		CreatedAt: t.CreatedAt, CreatedBy: actor(t.CreatedBy), UpdatedAt: t.UpdatedAt, UpdatedBy: actor(t.UpdatedBy),
		CustomerID: t.CustomerID, TenantID: t.TenantID, Assignee: t.Assignee,
	}
}

// pageArgs bundles Relay arguments.
func pageArgs(first *int, after *string, last *int, before *string) core.PageArgs {
	return core.PageArgs{First: first, After: after, Last: last, Before: before}
}

func pageInfo(p core.PageInfo) model.PageInfo {
	return model.PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage,
		StartCursor: p.StartCursor, EndCursor: p.EndCursor}
}

func targetModel(t webhook.Target) *model.WebhookTarget {
	subs := make([]model.WebhookTargetEventSubscription, len(t.EventTypes))
	for i, e := range t.EventTypes {
		subs[i] = model.WebhookTargetEventSubscription{EventType: e}
	}
	return &model.WebhookTarget{ID: t.ID, URL: t.URL, Description: t.Description, IsEnabled: t.IsEnabled,
		EventSubscriptions: subs, Version: t.Version, CreatedAt: t.CreatedAt, CreatedBy: internalActor(t.CreatedBy),
		UpdatedAt: t.UpdatedAt, UpdatedBy: internalActor(t.UpdatedBy)}
}

func attemptModel(a webhook.Attempt) model.WebhookDeliveryAttempt {
	status := model.WebhookDeliveryAttemptResultStatus(a.Result)
	var result model.WebhookDeliveryAttemptResult
	switch a.Result {
	case webhook.ResultSuccess:
		result = model.WebhookDeliveryAttemptSuccessfulResult{HTTPStatusCode: a.StatusCode, Status: status}
	case webhook.ResultFailed:
		result = model.WebhookDeliveryAttemptFailedResult{HTTPStatusCode: a.StatusCode, Status: status}
	case webhook.ResultRejected:
		result = model.WebhookDeliveryAttemptRejectedResult{RejectedMessage: a.Error, Status: status}
	default:
		result = model.WebhookDeliveryAttemptErrorResult{ErrorCode: "delivery_error", ErrorMessage: a.Error, Status: status}
	}
	return model.WebhookDeliveryAttempt{ID: a.ID, AttemptedAt: a.AttemptedAt, DurationInMilliseconds: a.DurationMS,
		PublicEventEventType: a.EventType, PublicEventID: a.EventID, Result: result, WebhookTargetID: a.TargetID}
}
