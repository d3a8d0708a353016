// Package user defines the people and bots that act in a workspace: users
// (support agents, "u_") and machine users ("mu_"), which own API keys.
package user

import (
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
)

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
	// Role is what the user may do when signed in to the web app.
	Role auth.Role
	// HasPassword is set once a password is set: only then can the user
	// sign in.
	HasPassword bool
	// StatusChangedAt is when Status last changed (its creation at first).
	StatusChangedAt core.Time
	// A deleted user stays readable, so that what they did keeps its actor.
	DeletedAt *core.Time
	DeletedBy *core.Actor
	CreatedAt core.Time
	CreatedBy core.Actor
	UpdatedAt core.Time
	UpdatedBy core.Actor
}

// Credential is what signing a user in checks: the user and the hash of
// their password ("" when none is set). It never leaves the service.
type Credential struct {
	User         User
	PasswordHash string
}

// ValidStatus reports whether s is one of the statuses.
func ValidStatus(s Status) bool {
	switch s {
	case StatusOnline, StatusOffline, StatusAway, StatusBreak:
		return true
	}
	return false
}

// Filter selects users (Plain's UsersFilter). Deleted users are listed,
// as Plain lists them, unless Deleted says otherwise.
type Filter struct {
	// Deleted, when set, keeps only deleted (true) or active (false) users.
	Deleted *bool
	// MatchNothing is set when the filter asks for something no user can
	// be (assignable to tasks, which Threadline does not have).
	MatchNothing bool
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
	// A deleted machine user stays readable; its keys are revoked.
	DeletedAt *core.Time
	DeletedBy *core.Actor
	CreatedAt core.Time
	CreatedBy core.Actor
	UpdatedAt core.Time
	UpdatedBy core.Actor
}

// MaxDescriptionLength bounds machine user and API key descriptions.
const MaxDescriptionLength = 500

// ValidMachineUserType reports whether t is one of the types.
func ValidMachineUserType(t MachineUserType) bool {
	return t == MachineAPIUser || t == MachineAIAgent
}

// CursorOf is the cursor of a user in user lists (creation order).
func CursorOf(u User) string { return core.EncodeCursor(u.ID) }

// MachineCursorOf is the cursor of a machine user in machine user lists
// (creation order).
func MachineCursorOf(m MachineUser) string { return core.EncodeCursor(m.ID) }
