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
	RevokedAt     *core.Time
}

// Principal returns the principal a request authenticated with k acts as.
func (k APIKey) Principal() *Principal {
	return &Principal{
		WorkspaceID: k.WorkspaceID,
		Actor:       core.Actor{Type: core.ActorMachineUser, ID: k.MachineUserID},
		Permissions: k.Permissions,
	}
}
