// Package event defines Threadline's domain events: their types, one
// payload struct per type with the builders that make it from domain
// values, and the outbox record a change writes in its own transaction.
// It is pure: it encodes payloads but never stores or sends them (see
// internal/service and internal/outbox).
//
// For the event types Plain defines, a payload is the `payload` of Plain's
// webhook, `eventType` included, and holds every property the definitions
// of the SDK's webhook-schema.json require, in their webhook form: tagged
// actors, discriminated status details, full assignees and label types.
// Properties Threadline has no data for are null or empty (customer groups,
// message infos, support email addresses). Extra properties (a thread's
// ref, channel, description and threadFields) are Threadline's own; the
// schema allows them.
package event

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/threadline/threadline/internal/core"
)

// Type names a kind of event, as Plain names its webhook events
// ("thread.thread_created").
type Type string

// The event types Threadline emits that webhook targets can subscribe to.
const (
	ThreadCreated                Type = "thread.thread_created"
	ThreadStatusTransitioned     Type = "thread.thread_status_transitioned"
	ThreadAssignmentTransitioned Type = "thread.thread_assignment_transitioned"
	ThreadLabelsChanged          Type = "thread.thread_labels_changed"
	ThreadPriorityChanged        Type = "thread.thread_priority_changed"
	ThreadFieldCreated           Type = "thread.thread_field_created"
	ThreadFieldUpdated           Type = "thread.thread_field_updated"
	ThreadFieldDeleted           Type = "thread.thread_field_deleted"
	ThreadNoteCreated            Type = "thread.note_created"
	ThreadChatSent               Type = "thread.chat_sent"
	ThreadChatReceived           Type = "thread.chat_received"
	ThreadEmailReceived          Type = "thread.email_received"
	ThreadEmailSent              Type = "thread.email_sent"
	CustomerCreated              Type = "customer.customer_created"
	CustomerUpdated              Type = "customer.customer_updated"
	CustomerDeleted              Type = "customer.customer_deleted"
	TimelineEntryChanged         Type = "timeline.timeline_entry_changed"
	// Accounts.
	ThreadTenantUpdated             Type = "thread.thread_tenant_updated"
	CustomerGroupChanged            Type = "customer.customer_group_changed"
	CustomerGroupMembershipsChanged Type = "customer.customer_group_memberships_changed"
)

// The event types Threadline only records in its outbox: no webhook
// delivers them.
const (
	LabelTypeCreated         Type = "labelType.label_type_created"
	LabelTypeArchived        Type = "labelType.label_type_archived"
	LabelTypeUnarchived      Type = "labelType.label_type_unarchived"
	LabelTypeUpdated         Type = "labelType.label_type_updated"
	ThreadTitleChanged       Type = "thread.thread_title_changed"
	ThreadCustomerChanged    Type = "thread.thread_customer_changed"
	ThreadExternalIDChanged  Type = "thread.thread_external_id_changed"
	ThreadDeleted            Type = "thread.thread_deleted"
	ThreadFieldSchemaCreated Type = "threadFieldSchema.thread_field_schema_created"
	ThreadFieldSchemaUpdated Type = "threadFieldSchema.thread_field_schema_updated"
	ThreadFieldSchemaDeleted Type = "threadFieldSchema.thread_field_schema_deleted"
	UserCreated              Type = "user.user_created"
	UserStatusChanged        Type = "user.user_status_changed"
	UserDeleted              Type = "user.user_deleted"
	UserRoleChanged          Type = "user.user_role_changed"
	MachineUserCreated       Type = "machineUser.machine_user_created"
	MachineUserUpdated       Type = "machineUser.machine_user_updated"
	MachineUserDeleted       Type = "machineUser.machine_user_deleted"
	APIKeyCreated            Type = "apiKey.api_key_created"
	APIKeyUpdated            Type = "apiKey.api_key_updated"
	APIKeyRevoked            Type = "apiKey.api_key_revoked"
	WorkspaceCreated         Type = "workspace.workspace_created"
	WorkspaceUpdated         Type = "workspace.workspace_updated"
	WorkspaceHMACRegenerated Type = "workspace.workspace_hmac_regenerated"
	ThreadTierUpdated        Type = "thread.thread_tier_updated"
	// Accounts and customer card configs.
	CompanyCreated                   Type = "company.company_created"
	CompanyUpdated                   Type = "company.company_updated"
	CompanyDeleted                   Type = "company.company_deleted"
	TenantCreated                    Type = "tenant.tenant_created"
	TenantUpdated                    Type = "tenant.tenant_updated"
	TenantDeleted                    Type = "tenant.tenant_deleted"
	TierCreated                      Type = "tier.tier_created"
	TierUpdated                      Type = "tier.tier_updated"
	TierDeleted                      Type = "tier.tier_deleted"
	TierMembershipsChanged           Type = "tier.tier_memberships_changed"
	CustomerTenantMembershipsChanged Type = "customer.customer_tenant_memberships_changed"
	CardConfigCreated                Type = "customerCardConfig.customer_card_config_created"
	CardConfigUpdated                Type = "customerCardConfig.customer_card_config_updated"
	CardConfigDeleted                Type = "customerCardConfig.customer_card_config_deleted"
)

// ThreadAdditionalAssigneesTransitioned, recorded in the outbox only, is
// the change of a thread's additional assignees.
const ThreadAdditionalAssigneesTransitioned Type = "thread.thread_additional_assignees_transitioned"

// webhookTypes is the one list of the types webhook targets can subscribe
// to, in the order Threadline documents them.
var webhookTypes = []Type{
	ThreadCreated,
	ThreadStatusTransitioned,
	ThreadAssignmentTransitioned,
	ThreadLabelsChanged,
	ThreadPriorityChanged,
	ThreadFieldCreated,
	ThreadFieldUpdated,
	ThreadFieldDeleted,
	ThreadNoteCreated,
	ThreadChatSent,
	ThreadChatReceived,
	ThreadEmailReceived,
	ThreadEmailSent,
	CustomerCreated,
	CustomerUpdated,
	CustomerDeleted,
	TimelineEntryChanged,
	ThreadTenantUpdated,
	CustomerGroupChanged,
	CustomerGroupMembershipsChanged,
}

// webhookDescriptions say, for people choosing subscriptions, when an event
// of each webhook type is sent.
var webhookDescriptions = map[Type]string{
	ThreadCreated:                   "A thread was created.",
	ThreadStatusTransitioned:        "A thread's status changed.",
	ThreadAssignmentTransitioned:    "A thread was assigned or unassigned.",
	ThreadLabelsChanged:             "Labels were added to or removed from a thread.",
	ThreadPriorityChanged:           "A thread's priority changed.",
	ThreadFieldCreated:              "A thread field was set on a thread.",
	ThreadFieldUpdated:              "A thread's value of a thread field changed.",
	ThreadFieldDeleted:              "A thread field was removed from a thread.",
	CustomerCreated:                 "A customer was created.",
	CustomerUpdated:                 "A customer's details changed, or it was marked or unmarked as spam.",
	CustomerDeleted:                 "A customer was deleted.",
	ThreadNoteCreated:               "A note was added to a thread.",
	ThreadChatSent:                  "A chat message was sent to a customer on a thread.",
	ThreadChatReceived:              "A chat message from a customer arrived on a thread.",
	ThreadEmailReceived:             "An email from a customer arrived on a thread.",
	ThreadEmailSent:                 "An email to a customer was handed to the mail relay.",
	TimelineEntryChanged:            "An entry of a thread's timeline was added, changed or removed.",
	ThreadTenantUpdated:             "A thread was moved into or out of a tenant.",
	CustomerGroupChanged:            "A customer group was created, changed or deleted.",
	CustomerGroupMembershipsChanged: "A customer joined or left customer groups.",
}

// Description says when an event of webhook type t is sent ("" for types
// no webhook delivers).
func (t Type) Description() string { return webhookDescriptions[t] }

// WebhookTypes returns the types webhook targets can subscribe to, in a
// fixed order; the caller owns the returned slice.
func WebhookTypes() []Type { return slices.Clone(webhookTypes) }

// IsWebhook reports whether webhook targets can subscribe to events of
// type t.
func (t Type) IsWebhook() bool { return slices.Contains(webhookTypes, t) }

// ChangesAccess reports whether an event of type t may change what an API
// key lets its holder do (a key revoked or changed, a machine user and its
// keys deleted), so that caches of keys must be
// emptied.
func (t Type) ChangesAccess() bool {
	switch t {
	case APIKeyRevoked, APIKeyUpdated, MachineUserDeleted:
		return true
	}
	return false
}

// ChangesLabelsOrFields reports whether an event of type t is about a
// change of a thread's labels or field values, so that its payload shows
// them as they were before the change and as they are after it.
func (t Type) ChangesLabelsOrFields() bool {
	switch t {
	case ThreadLabelsChanged, ThreadFieldCreated, ThreadFieldUpdated, ThreadFieldDeleted:
		return true
	}
	return false
}

// Payload is the data of one event. Its JSON encoding is what the outbox
// stores and webhooks send; it carries Type as "eventType".
type Payload interface {
	// Type is the event's type.
	Type() Type
	// OrderKey is what a webhook target must receive events in order for:
	// the id of the thread or customer the event is about, or "" when
	// events of the type need no order.
	OrderKey() string
}

// Record is an event as the outbox stores it, written in the transaction
// of the change it describes; webhooks are delivered from it.
type Record struct {
	Seq         int64 // assigned by the store on insert; increasing, not gap-free
	ID          string
	WorkspaceID string
	Type        Type
	Payload     []byte // the payload's JSON, "eventType" included
	Actor       core.Actor
	CreatedAt   core.Time
}

// NewRecord encodes p as a new outbox record (with a new "pEv_" id) of a
// change actor made in a workspace at a time.
func NewRecord(workspaceID string, p Payload, actor core.Actor, at core.Time) (Record, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return Record{}, fmt.Errorf("event %s: %w", p.Type(), err)
	}
	return Record{ID: core.NewID(core.PrefixEvent), WorkspaceID: workspaceID, Type: p.Type(), Payload: b,
		Actor: actor, CreatedAt: at}, nil
}

// Topic is where every event is announced, once its transaction commits,
// to the subscribers of every replica (live views, caches).
const Topic = "threadline_events"

// Notice is the announcement of one event: enough to know what changed,
// not the event itself (subscribers read what they need).
type Notice struct {
	WorkspaceID string `json:"w"`
	Type        Type   `json:"t"`
	Key         string `json:"k,omitempty"` // the thread or customer it is about
	EventID     string `json:"e"`
}

// NoticeOf returns the notice of r, whose payload p is.
func NoticeOf(r Record, p Payload) Notice {
	return Notice{WorkspaceID: r.WorkspaceID, Type: r.Type, Key: p.OrderKey(), EventID: r.ID}
}
