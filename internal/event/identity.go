package event

import (
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// The payloads of the outbox-only events of users, machine users, API keys
// and workspaces changed through the API. None needs an order, and none
// ever holds a key's secret or hash, or the workspace's HMAC secret.

// UserStatusChangedPayload is the payload of user.user_status_changed.
type UserStatusChangedPayload struct {
	EventType      Type        `json:"eventType"`
	ID             string      `json:"id"`
	Status         user.Status `json:"status"`
	PreviousStatus user.Status `json:"previousStatus"`
}

// NewUserStatusChanged is the event of u's status change from previous.
func NewUserStatusChanged(u user.User, previous user.Status) UserStatusChangedPayload {
	return UserStatusChangedPayload{EventType: UserStatusChanged, ID: u.ID, Status: u.Status, PreviousStatus: previous}
}

// Type is user.user_status_changed.
func (UserStatusChangedPayload) Type() Type { return UserStatusChanged }

// OrderKey is "": user events need no order.
func (UserStatusChangedPayload) OrderKey() string { return "" }

// UserRoleChangedPayload is the payload of user.user_role_changed.
type UserRoleChangedPayload struct {
	EventType    Type   `json:"eventType"`
	ID           string `json:"id"`
	Role         string `json:"role"`
	PreviousRole string `json:"previousRole"`
}

// NewUserRoleChanged is the event of u's role change from previous.
func NewUserRoleChanged(u user.User, previous string) UserRoleChangedPayload {
	return UserRoleChangedPayload{EventType: UserRoleChanged, ID: u.ID, Role: string(u.Role), PreviousRole: previous}
}

// Type is user.user_role_changed.
func (UserRoleChangedPayload) Type() Type { return UserRoleChanged }

// OrderKey is "": user events need no order.
func (UserRoleChangedPayload) OrderKey() string { return "" }

// UserDeletedPayload is the payload of user.user_deleted.
type UserDeletedPayload struct {
	EventType Type   `json:"eventType"`
	ID        string `json:"id"`
	Email     string `json:"email"`
}

// NewUserDeleted is the event of u's deletion.
func NewUserDeleted(u user.User) UserDeletedPayload {
	return UserDeletedPayload{EventType: UserDeleted, ID: u.ID, Email: u.Email}
}

// Type is user.user_deleted.
func (UserDeletedPayload) Type() Type { return UserDeleted }

// OrderKey is "": user events need no order.
func (UserDeletedPayload) OrderKey() string { return "" }

// MachineUserPayload is the payload of machineUser.machine_user_created,
// _updated and _deleted: the machine user as it is after the change.
type MachineUserPayload struct {
	EventType   Type                 `json:"eventType"`
	ID          string               `json:"id"`
	FullName    string               `json:"fullName"`
	PublicName  string               `json:"publicName"`
	Description *string              `json:"description"`
	UserType    user.MachineUserType `json:"type"`
}

func newMachineUserPayload(t Type, m user.MachineUser) MachineUserPayload {
	return MachineUserPayload{EventType: t, ID: m.ID, FullName: m.FullName, PublicName: m.PublicName,
		Description: m.Description, UserType: m.Type}
}

// NewMachineUserCreated is the event of m's creation.
func NewMachineUserCreated(m user.MachineUser) MachineUserPayload {
	return newMachineUserPayload(MachineUserCreated, m)
}

// NewMachineUserUpdated is the event of a change of m (m as changed).
func NewMachineUserUpdated(m user.MachineUser) MachineUserPayload {
	return newMachineUserPayload(MachineUserUpdated, m)
}

// NewMachineUserDeleted is the event of m's deletion.
func NewMachineUserDeleted(m user.MachineUser) MachineUserPayload {
	return newMachineUserPayload(MachineUserDeleted, m)
}

// Type is the payload's event type.
func (p MachineUserPayload) Type() Type { return p.EventType }

// OrderKey is "": machine user events need no order.
func (MachineUserPayload) OrderKey() string { return "" }

// APIKeyUpdatedPayload is the payload of apiKey.api_key_updated.
type APIKeyUpdatedPayload struct {
	EventType   Type              `json:"eventType"`
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Permissions []auth.Permission `json:"permissions"`
}

// NewAPIKeyUpdated is the event of a change of k (k as changed).
func NewAPIKeyUpdated(k auth.APIKey) APIKeyUpdatedPayload {
	return APIKeyUpdatedPayload{EventType: APIKeyUpdated, ID: k.ID, Name: k.Name, Permissions: k.Permissions}
}

// Type is apiKey.api_key_updated.
func (APIKeyUpdatedPayload) Type() Type { return APIKeyUpdated }

// OrderKey is "": API key events need no order.
func (APIKeyUpdatedPayload) OrderKey() string { return "" }

// WorkspaceUpdatedPayload is the payload of workspace.workspace_updated.
type WorkspaceUpdatedPayload struct {
	EventType   Type     `json:"eventType"`
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	PublicName  string   `json:"publicName"`
	DomainNames []string `json:"domainNames"`
}

// NewWorkspaceUpdated is the event of a change of w (w as changed).
func NewWorkspaceUpdated(w workspace.Workspace) WorkspaceUpdatedPayload {
	return WorkspaceUpdatedPayload{EventType: WorkspaceUpdated, ID: w.ID, Name: w.Name, PublicName: w.PublicName,
		DomainNames: w.DomainNames}
}

// Type is workspace.workspace_updated.
func (WorkspaceUpdatedPayload) Type() Type { return WorkspaceUpdated }

// OrderKey is "": workspace events need no order.
func (WorkspaceUpdatedPayload) OrderKey() string { return "" }
