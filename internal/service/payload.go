package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/user"
)

// Event payloads: the JSON each change writes to the outbox. For the event
// types Plain defines, a payload is the `payload` of Plain's webhook (minus
// `eventType`, which the envelope adds) and holds every property the
// definitions of the SDK's webhook-schema.json require, in their webhook
// form: tagged actors, discriminated status details, full assignees and
// label types. Properties Threadline has no data for are null or empty
// (customer groups, message infos, support email addresses). Extra
// properties (a thread's ref, channel, description and threadFields) are
// Threadline's own; the schema allows them.

// customerPayload is a customer as webhook payloads show it.
func customerPayload(c customer.Customer) map[string]any {
	m := map[string]any{
		"id": c.ID, "fullName": c.FullName, "shortName": c.ShortName, "externalId": c.ExternalID,
		"email":     map[string]any{"email": c.Email, "isVerified": c.EmailVerified, "verifiedAt": isoPtr(c.EmailVerifiedAt)},
		"createdAt": c.CreatedAt.ISO8601(), "createdBy": actorPayload(c.CreatedBy),
		"updatedAt": c.UpdatedAt.ISO8601(), "updatedBy": actorPayload(c.UpdatedBy),
		"markedAsSpamAt": isoPtr(c.MarkedAsSpamAt),
		// Threadline has no customer groups.
		"customerGroupMemberships": []any{},
	}
	if c.MarkedAsSpamAt == nil { // who marked a customer is not recorded
		m["markedAsSpamBy"] = nil
	}
	return m
}

func isoPtr(t *core.Time) any {
	if t == nil {
		return nil
	}
	return t.ISO8601()
}

// actorPayload is an actor as webhook payloads show it (the schema's
// "actor"). A deleted customer is still shown as the customer it was.
func actorPayload(a core.Actor) map[string]any {
	switch a.Type {
	case core.ActorUser:
		return map[string]any{"actorType": "user", "userId": a.ID}
	case core.ActorMachineUser:
		return map[string]any{"actorType": "machineUser", "machineUserId": a.ID}
	case core.ActorCustomer, core.ActorDeletedCustomer:
		return map[string]any{"actorType": "customer", "customerId": a.ID}
	case core.ActorSystem:
		return map[string]any{"actorType": "system", "system": a.ID}
	}
	return map[string]any{"actorType": "UNKNOWN"}
}

// internalActorPayload is an actor where webhooks only admit a user,
// machine user or system ("internalActor").
func internalActorPayload(a core.Actor) map[string]any {
	if a.Type == core.ActorCustomer || a.Type == core.ActorDeletedCustomer {
		return map[string]any{"actorType": "UNKNOWN"}
	}
	return actorPayload(a)
}

// threadBody builds a thread as webhook payloads show it, from its parts
// (customer, labels with their types, field values, assignee payload).
func threadBody(th thread.Thread, c customer.Customer, types []label.Type, labels []label.Label,
	values []field.Value, assignee any) map[string]any {
	ls := make([]map[string]any, len(labels))
	for i, l := range labels {
		ls[i] = map[string]any{"id": l.ID, "labelType": labelTypePayload(types[i]), "createdAt": l.CreatedAt.ISO8601(),
			"createdBy": actorPayload(l.CreatedBy), "updatedAt": l.UpdatedAt.ISO8601(), "updatedBy": actorPayload(l.UpdatedBy)}
	}
	fs := make([]map[string]any, len(values))
	for i, v := range values {
		fs[i] = fieldPayload(v)
	}
	return map[string]any{
		"id": th.ID, "ref": th.RefString(), "externalId": th.ExternalID, "customer": customerPayload(c),
		"title": th.Title, "description": th.Description, "previewText": th.PreviewText, "priority": th.Priority,
		"status": th.Status, "statusDetail": statusDetailPayload(th),
		"statusChangedAt": th.StatusChangedAt.ISO8601(), "statusChangedBy": actorPayload(th.StatusChangedBy),
		"channel": th.Channel, "labels": ls, "threadFields": fs,
		"assignee": assignee, "assignedAt": isoPtr(th.AssignedAt), "additionalAssignees": []any{},
		// Threadline records no messages yet, and threads have no support
		// email addresses.
		"firstInboundMessageInfo": nil, "firstOutboundMessageInfo": nil,
		"lastInboundMessageInfo": nil, "lastOutboundMessageInfo": nil,
		"supportEmailAddresses": []string{},
		"createdAt":             th.CreatedAt.ISO8601(), "createdBy": actorPayload(th.CreatedBy),
		"updatedAt": th.UpdatedAt.ISO8601(), "updatedBy": actorPayload(th.UpdatedBy),
	}
}

// statusDetailPayload is a thread's status detail as webhooks show it:
// an object discriminated by "type", with the data its type requires.
func statusDetailPayload(th thread.Thread) any {
	d := map[string]any{"type": th.StatusDetail}
	switch th.StatusDetail {
	case "":
		return nil
	case thread.DetailCreated:
		d["createdAt"] = th.CreatedAt.ISO8601()
	case thread.DetailWaitingForDuration:
		// A snooze sets statusChangedAt to its start and waitingUntil to
		// its end, so their difference is the duration asked for.
		until := th.StatusChangedAt
		if th.WaitingUntil != nil {
			until = *th.WaitingUntil
		}
		d["waitingUntil"] = until.ISO8601()
		d["durationSeconds"] = float64(until.Millis()-th.StatusChangedAt.Millis()) / 1000
	case thread.DetailInProgress, thread.DetailNewReply, thread.DetailWaitingForCustomer,
		thread.DetailDoneManuallySet, thread.DetailDoneAutomaticallySet, thread.DetailIgnored,
		"THREAD_LINK_UPDATED", "THREAD_DISCUSSION_RESOLVED":
	default:
		d["type"] = "UNKNOWN"
	}
	return d
}

// assigneePayload is a thread's assignee as webhooks show it: the full
// user or machine user, or null. An assignee that cannot be read any more
// is shown by id only, as the schema allows.
func assigneePayload(ctx context.Context, tx store.UserStore, th thread.Thread) (any, error) {
	if th.Assignee == nil {
		return nil, nil
	}
	var out map[string]any
	var err error
	switch a := *th.Assignee; a.Type {
	case core.ActorUser:
		var u user.User
		if u, err = tx.GetUser(ctx, th.WorkspaceID, a.ID); err == nil {
			out = userPayload(u)
		}
	case core.ActorMachineUser:
		var m user.MachineUser
		if m, err = tx.GetMachineUser(ctx, th.WorkspaceID, a.ID); err == nil {
			out = machineUserPayload(m)
		}
	default:
		err = core.ErrNotFound
	}
	if errors.Is(err, core.ErrNotFound) {
		return map[string]any{"id": th.Assignee.ID}, nil
	}
	return out, err
}

// userPayload is a user as webhooks show it.
func userPayload(u user.User) map[string]any {
	status := string(u.Status)
	switch u.Status {
	case user.StatusOnline, user.StatusOffline, user.StatusAway, user.StatusBreak:
	default:
		status = "UNKNOWN_USER_STATUS"
	}
	return map[string]any{"id": u.ID, "email": u.Email, "fullName": u.FullName, "publicName": u.PublicName,
		// Threadline sets a user's status only when it creates the user.
		"status": status, "statusChangedAt": u.CreatedAt.ISO8601(),
		"createdAt": u.CreatedAt.ISO8601(), "createdBy": internalActorPayload(u.CreatedBy),
		"updatedAt": u.UpdatedAt.ISO8601(), "updatedBy": internalActorPayload(u.UpdatedBy),
		"deletedAt": isoPtr(u.DeletedAt), "deletedBy": deletedBy(u.DeletedAt, u.UpdatedBy)}
}

// machineUserPayload is a machine user as webhooks show it.
func machineUserPayload(m user.MachineUser) map[string]any {
	return map[string]any{"id": m.ID, "fullName": m.FullName, "publicName": m.PublicName, "description": m.Description,
		"createdAt": m.CreatedAt.ISO8601(), "createdBy": internalActorPayload(m.CreatedBy),
		"updatedAt": m.UpdatedAt.ISO8601(), "updatedBy": internalActorPayload(m.UpdatedBy),
		"deletedAt": isoPtr(m.DeletedAt), "deletedBy": deletedBy(m.DeletedAt, m.UpdatedBy)}
}

// deletedBy is who deleted a record: deletion is its last update.
func deletedBy(at *core.Time, updatedBy core.Actor) any {
	if at == nil {
		return nil
	}
	return internalActorPayload(updatedBy)
}

// fieldPayload is a thread field value as webhooks show it.
func fieldPayload(v field.Value) map[string]any {
	return map[string]any{"id": v.ID, "key": v.Key, "type": v.Type, "threadId": v.ThreadID, "stringValue": v.String,
		"booleanValue": v.Bool, "numberValue": v.Number, "dateValue": v.Date, "isAiGenerated": v.IsAIGenerated,
		"createdAt": v.CreatedAt.ISO8601(), "createdBy": actorPayload(v.CreatedBy),
		"updatedAt": v.UpdatedAt.ISO8601(), "updatedBy": actorPayload(v.UpdatedBy)}
}

// labelTypePayload is a label type as webhooks show it.
func labelTypePayload(t label.Type) map[string]any {
	var archivedBy any
	if t.ArchivedBy != nil {
		archivedBy = internalActorPayload(*t.ArchivedBy)
	}
	return map[string]any{"id": t.ID, "name": t.Name, "icon": t.Icon, "externalId": t.ExternalID,
		"isExcludedFromAi": t.IsExcludedFromAI, "isArchived": t.IsArchived(),
		"archivedAt": isoPtr(t.ArchivedAt), "archivedBy": archivedBy,
		"createdAt": t.CreatedAt.ISO8601(), "createdBy": internalActorPayload(t.CreatedBy),
		"updatedAt": t.UpdatedAt.ISO8601(), "updatedBy": internalActorPayload(t.UpdatedBy)}
}
