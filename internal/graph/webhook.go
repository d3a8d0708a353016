package graph

import (
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/webhook"
)

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

func targetInput(in model.CreateWebhookTargetInput) webhook.TargetInput {
	out := webhook.TargetInput{URL: in.URL, Description: in.Description, IsEnabled: in.IsEnabled}
	for _, e := range in.EventSubscriptions {
		out.EventTypes = append(out.EventTypes, e.EventType)
	}
	if in.Version != nil {
		out.Version = *in.Version
	}
	return out
}

func targetUpdate(in model.UpdateWebhookTargetInput) service.TargetUpdate {
	u := service.TargetUpdate{ID: in.WebhookTargetID, HasTypes: in.EventSubscriptions != nil}
	if in.URL != nil {
		u.URL = &in.URL.Value
	}
	if in.Description != nil {
		u.Description = &in.Description.Value
	}
	if in.IsEnabled != nil {
		u.IsEnabled = &in.IsEnabled.Value
	}
	if in.Version != nil {
		u.Version = &in.Version.Value
	}
	for _, e := range in.EventSubscriptions {
		u.EventTypes = append(u.EventTypes, e.EventType)
	}
	return u
}

func attemptFilter(in *model.WebhookDeliveryAttemptFilter) webhook.AttemptFilter {
	var f webhook.AttemptFilter
	if in != nil {
		f.EventTypes = in.EventTypes
		if in.ResultStatus != nil {
			f.Result = webhook.AttemptResult(*in.ResultStatus)
		}
	}
	return f
}
