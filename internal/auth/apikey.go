package auth

import "github.com/threadline/threadline/internal/core"

// APIKey is a stored API key. The secret itself is never stored: only its
// hash (HashKey) and a short hint for listings.
type APIKey struct {
	ID            string
	WorkspaceID   string
	MachineUserID string
	Name          string
	Hash          string
	Hint          string
	Permissions   []Permission
	CreatedAt     core.Time
	CreatedBy     core.Actor
	UpdatedAt     core.Time
	UpdatedBy     core.Actor
	// A revoked key (Plain's deleted key) authenticates nothing.
	RevokedAt *core.Time
	RevokedBy *core.Actor
}

// CursorOf is the cursor of a key in lists of a machine user's keys.
func CursorOf(k APIKey) string { return core.EncodeCursor(k.ID) }

// Principal returns the principal a request authenticated with k acts as.
func (k APIKey) Principal() *Principal {
	return &Principal{
		WorkspaceID: k.WorkspaceID,
		Actor:       core.Actor{Type: core.ActorMachineUser, ID: k.MachineUserID},
		Permissions: k.Permissions,
	}
}
