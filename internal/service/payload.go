package service

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/thread"
)

// Event payloads: the JSON each change writes to the outbox, in the shape
// of Plain's webhook payloads.

// customerPayload is a customer as webhook payloads show it.
func customerPayload(c customer.Customer) map[string]any {
	return map[string]any{
		"id": c.ID, "fullName": c.FullName, "shortName": c.ShortName, "externalId": c.ExternalID,
		"email":     map[string]any{"email": c.Email, "isVerified": c.EmailVerified, "verifiedAt": isoPtr(c.EmailVerifiedAt)},
		"createdAt": c.CreatedAt.ISO8601(), "createdBy": actorPayload(c.CreatedBy),
		"updatedAt": c.UpdatedAt.ISO8601(), "updatedBy": actorPayload(c.UpdatedBy),
		"markedAsSpamAt": isoPtr(c.MarkedAsSpamAt),
	}
}

func isoPtr(t *core.Time) any {
	if t == nil {
		return nil
	}
	return t.ISO8601()
}

// actorPayload is an actor as webhook payloads show it.
func actorPayload(a core.Actor) map[string]any {
	switch a.Type {
	case core.ActorUser:
		return map[string]any{"actorType": "user", "userId": a.ID}
	case core.ActorMachineUser:
		return map[string]any{"actorType": "machineUser", "machineUserId": a.ID}
	case core.ActorCustomer:
		return map[string]any{"actorType": "customer", "customerId": a.ID}
	}
	return map[string]any{"actorType": "system", "system": a.ID}
}

func threadPayload(th thread.Thread, c customer.Customer, types []label.Type, labels []label.Label, values []field.Value) map[string]any {
	ls := make([]map[string]any, len(labels))
	for i, l := range labels {
		ls[i] = map[string]any{"id": l.ID, "labelType": labelTypePayload(types[i]), "createdAt": l.CreatedAt.ISO8601(),
			"createdBy": actorPayload(l.CreatedBy), "updatedAt": l.UpdatedAt.ISO8601(), "updatedBy": actorPayload(l.UpdatedBy)}
	}
	fs := make([]map[string]any, len(values))
	for i, v := range values {
		fs[i] = map[string]any{"id": v.ID, "key": v.Key, "type": v.Type, "threadId": v.ThreadID, "stringValue": v.String,
			"booleanValue": v.Bool, "numberValue": v.Number, "dateValue": v.Date, "isAiGenerated": v.IsAIGenerated}
	}
	var assignee any
	if th.Assignee != nil {
		assignee = actorPayload(*th.Assignee)
	}
	return map[string]any{
		"id": th.ID, "ref": th.RefString(), "externalId": th.ExternalID, "customer": customerPayload(c),
		"title": th.Title, "description": th.Description, "previewText": th.PreviewText, "priority": th.Priority,
		"status": th.Status, "statusDetail": map[string]any{"type": th.StatusDetail, "statusChangedAt": th.StatusChangedAt.ISO8601()},
		"statusChangedAt": th.StatusChangedAt.ISO8601(), "channel": th.Channel, "labels": ls, "threadFields": fs,
		"assignee": assignee, "assignedAt": isoPtr(th.AssignedAt),
		"createdAt": th.CreatedAt.ISO8601(), "createdBy": actorPayload(th.CreatedBy),
		"updatedAt": th.UpdatedAt.ISO8601(), "updatedBy": actorPayload(th.UpdatedBy),
	}
}

func fieldPayload(v field.Value) map[string]any {
	return map[string]any{"id": v.ID, "key": v.Key, "type": v.Type, "threadId": v.ThreadID, "stringValue": v.String,
		"booleanValue": v.Bool, "numberValue": v.Number, "dateValue": v.Date, "isAiGenerated": v.IsAIGenerated,
		"createdAt": v.CreatedAt.ISO8601(), "createdBy": actorPayload(v.CreatedBy),
		"updatedAt": v.UpdatedAt.ISO8601(), "updatedBy": actorPayload(v.UpdatedBy)}
}

func labelTypePayload(t label.Type) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "icon": t.Icon, "isArchived": t.IsArchived(),
		"archivedAt": isoPtr(t.ArchivedAt), "createdAt": t.CreatedAt.ISO8601(), "updatedAt": t.UpdatedAt.ISO8601()}
}
