// Package user defines the people and bots that act in a workspace: users
// (support agents, "u_") and machine users ("mu_"), which own API keys.
package user

import "github.com/threadline/threadline/internal/core"

// Status is a user's availability, as Plain's UserStatus.
type Status string

// The user statuses.
const (
	StatusOnline  Status = "ONLINE"
	StatusOffline Status = "OFFLINE"
	StatusAway    Status = "AWAY"
	StatusBreak   Status = "BREAK"
)

// User is a human support agent of a workspace.
type User struct {
	ID          string
	WorkspaceID string
	Email       string // normalised, unique within the workspace
	FullName    string
	PublicName  string
	Status      Status
	DeletedAt   *core.Time
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// MachineUserType is Plain's MachineUserType.
type MachineUserType string

// The machine user types.
const (
	MachineAPIUser MachineUserType = "API_USER"
	MachineAIAgent MachineUserType = "AI_AGENT"
)

// MachineUser is a bot identity that owns API keys; changes made with a key
// are attributed to it.
type MachineUser struct {
	ID          string
	WorkspaceID string
	FullName    string
	PublicName  string
	Description *string
	Type        MachineUserType
	DeletedAt   *core.Time
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}
