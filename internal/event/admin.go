package event

import (
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// The payloads of the events only the outbox records (no webhook delivers
// them): changes of a workspace's settings. Build them with their New
// functions, which set EventType; none needs an order.

// LabelTypeCreatedPayload is the payload of labelType.label_type_created:
// the label type as webhooks show it.
type LabelTypeCreatedPayload struct {
	EventType Type `json:"eventType"`
	LabelType
}

// NewLabelTypeCreated is the event of t's creation.
func NewLabelTypeCreated(t label.Type) LabelTypeCreatedPayload {
	return LabelTypeCreatedPayload{EventType: LabelTypeCreated, LabelType: NewLabelType(t)}
}

// Type is labelType.label_type_created.
func (LabelTypeCreatedPayload) Type() Type { return LabelTypeCreated }

// OrderKey is "": label type events need no order.
func (LabelTypeCreatedPayload) OrderKey() string { return "" }

// LabelTypeArchivedPayload is the payload of labelType.label_type_archived:
// the archived label type as webhooks show it.
type LabelTypeArchivedPayload struct {
	EventType Type `json:"eventType"`
	LabelType
}

// NewLabelTypeArchived is the event of t's archiving (t as archived).
func NewLabelTypeArchived(t label.Type) LabelTypeArchivedPayload {
	return LabelTypeArchivedPayload{EventType: LabelTypeArchived, LabelType: NewLabelType(t)}
}

// Type is labelType.label_type_archived.
func (LabelTypeArchivedPayload) Type() Type { return LabelTypeArchived }

// OrderKey is "": label type events need no order.
func (LabelTypeArchivedPayload) OrderKey() string { return "" }

// LabelTypeUnarchivedPayload is the payload of
// labelType.label_type_unarchived: the label type as webhooks show it.
type LabelTypeUnarchivedPayload struct {
	EventType Type `json:"eventType"`
	LabelType
}

// NewLabelTypeUnarchived is the event of t's unarchiving (t as unarchived).
func NewLabelTypeUnarchived(t label.Type) LabelTypeUnarchivedPayload {
	return LabelTypeUnarchivedPayload{EventType: LabelTypeUnarchived, LabelType: NewLabelType(t)}
}

// Type is labelType.label_type_unarchived.
func (LabelTypeUnarchivedPayload) Type() Type { return LabelTypeUnarchived }

// OrderKey is "": label type events need no order.
func (LabelTypeUnarchivedPayload) OrderKey() string { return "" }

// ThreadFieldSchemaCreatedPayload is the payload of
// threadFieldSchema.thread_field_schema_created.
type ThreadFieldSchemaCreatedPayload struct {
	EventType Type       `json:"eventType"`
	ID        string     `json:"id"`
	Key       string     `json:"key"`
	FieldType field.Type `json:"type"`
}

// NewThreadFieldSchemaCreated is the event of s's creation.
func NewThreadFieldSchemaCreated(s field.Schema) ThreadFieldSchemaCreatedPayload {
	return ThreadFieldSchemaCreatedPayload{EventType: ThreadFieldSchemaCreated, ID: s.ID, Key: s.Key, FieldType: s.Type}
}

// Type is threadFieldSchema.thread_field_schema_created.
func (ThreadFieldSchemaCreatedPayload) Type() Type { return ThreadFieldSchemaCreated }

// OrderKey is "": schema events need no order.
func (ThreadFieldSchemaCreatedPayload) OrderKey() string { return "" }

// ThreadFieldSchemaUpdatedPayload is the payload of
// threadFieldSchema.thread_field_schema_updated.
type ThreadFieldSchemaUpdatedPayload struct {
	EventType Type   `json:"eventType"`
	ID        string `json:"id"`
	Key       string `json:"key"`
}

// NewThreadFieldSchemaUpdated is the event of a change of s (s as changed).
func NewThreadFieldSchemaUpdated(s field.Schema) ThreadFieldSchemaUpdatedPayload {
	return ThreadFieldSchemaUpdatedPayload{EventType: ThreadFieldSchemaUpdated, ID: s.ID, Key: s.Key}
}

// Type is threadFieldSchema.thread_field_schema_updated.
func (ThreadFieldSchemaUpdatedPayload) Type() Type { return ThreadFieldSchemaUpdated }

// OrderKey is "": schema events need no order.
func (ThreadFieldSchemaUpdatedPayload) OrderKey() string { return "" }

// ThreadFieldSchemaDeletedPayload is the payload of
// threadFieldSchema.thread_field_schema_deleted.
type ThreadFieldSchemaDeletedPayload struct {
	EventType Type   `json:"eventType"`
	ID        string `json:"id"`
	Key       string `json:"key"`
}

// NewThreadFieldSchemaDeleted is the event of s's deletion.
func NewThreadFieldSchemaDeleted(s field.Schema) ThreadFieldSchemaDeletedPayload {
	return ThreadFieldSchemaDeletedPayload{EventType: ThreadFieldSchemaDeleted, ID: s.ID, Key: s.Key}
}

// Type is threadFieldSchema.thread_field_schema_deleted.
func (ThreadFieldSchemaDeletedPayload) Type() Type { return ThreadFieldSchemaDeleted }

// OrderKey is "": schema events need no order.
func (ThreadFieldSchemaDeletedPayload) OrderKey() string { return "" }

// UserCreatedPayload is the payload of user.user_created.
type UserCreatedPayload struct {
	EventType Type   `json:"eventType"`
	ID        string `json:"id"`
	Email     string `json:"email"`
	FullName  string `json:"fullName"`
}

// NewUserCreated is the event of u's creation.
func NewUserCreated(u user.User) UserCreatedPayload {
	return UserCreatedPayload{EventType: UserCreated, ID: u.ID, Email: u.Email, FullName: u.FullName}
}

// Type is user.user_created.
func (UserCreatedPayload) Type() Type { return UserCreated }

// OrderKey is "": user events need no order.
func (UserCreatedPayload) OrderKey() string { return "" }

// APIKeyCreatedPayload is the payload of apiKey.api_key_created. It never
// holds the key's secret or hash.
type APIKeyCreatedPayload struct {
	EventType     Type              `json:"eventType"`
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	MachineUserID string            `json:"machineUserId"`
	Permissions   []auth.Permission `json:"permissions"`
}

// NewAPIKeyCreated is the event of k's creation.
func NewAPIKeyCreated(k auth.APIKey) APIKeyCreatedPayload {
	return APIKeyCreatedPayload{EventType: APIKeyCreated, ID: k.ID, Name: k.Name, MachineUserID: k.MachineUserID,
		Permissions: k.Permissions}
}

// Type is apiKey.api_key_created.
func (APIKeyCreatedPayload) Type() Type { return APIKeyCreated }

// OrderKey is "": API key events need no order.
func (APIKeyCreatedPayload) OrderKey() string { return "" }

// APIKeyRevokedPayload is the payload of apiKey.api_key_revoked.
type APIKeyRevokedPayload struct {
	EventType Type   `json:"eventType"`
	ID        string `json:"id"`
}

// NewAPIKeyRevoked is the event of the revocation of the key id.
func NewAPIKeyRevoked(id string) APIKeyRevokedPayload {
	return APIKeyRevokedPayload{EventType: APIKeyRevoked, ID: id}
}

// Type is apiKey.api_key_revoked.
func (APIKeyRevokedPayload) Type() Type { return APIKeyRevoked }

// OrderKey is "": API key events need no order.
func (APIKeyRevokedPayload) OrderKey() string { return "" }

// WorkspaceCreatedPayload is the payload of workspace.workspace_created.
// It never holds the workspace's HMAC secret.
type WorkspaceCreatedPayload struct {
	EventType  Type   `json:"eventType"`
	ID         string `json:"id"`
	Name       string `json:"name"`
	PublicName string `json:"publicName"`
	CreatedAt  string `json:"createdAt"`
}

// NewWorkspaceCreated is the event of w's creation.
func NewWorkspaceCreated(w workspace.Workspace) WorkspaceCreatedPayload {
	return WorkspaceCreatedPayload{EventType: WorkspaceCreated, ID: w.ID, Name: w.Name, PublicName: w.PublicName,
		CreatedAt: w.CreatedAt.ISO8601()}
}

// Type is workspace.workspace_created.
func (WorkspaceCreatedPayload) Type() Type { return WorkspaceCreated }

// OrderKey is "": workspace events need no order.
func (WorkspaceCreatedPayload) OrderKey() string { return "" }

// WorkspaceHMACRegeneratedPayload is the payload of
// workspace.workspace_hmac_regenerated. It never holds the new secret.
type WorkspaceHMACRegeneratedPayload struct {
	EventType   Type   `json:"eventType"`
	WorkspaceID string `json:"workspaceId"`
}

// NewWorkspaceHMACRegenerated is the event of a new signing secret of the
// workspace workspaceID.
func NewWorkspaceHMACRegenerated(workspaceID string) WorkspaceHMACRegeneratedPayload {
	return WorkspaceHMACRegeneratedPayload{EventType: WorkspaceHMACRegenerated, WorkspaceID: workspaceID}
}

// Type is workspace.workspace_hmac_regenerated.
func (WorkspaceHMACRegeneratedPayload) Type() Type { return WorkspaceHMACRegenerated }

// OrderKey is "": workspace events need no order.
func (WorkspaceHMACRegeneratedPayload) OrderKey() string { return "" }
