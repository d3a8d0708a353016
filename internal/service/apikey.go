package service

import (
	"context"
	"errors"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// NewAPIKey is what CreateAPIKey returns: the stored key and, once only,
// its secret.
type NewAPIKey struct {
	Key         auth.APIKey
	MachineUser user.MachineUser
	Secret      string
}

// CreateAPIKey mints a key with the given permissions. Without a machine user
// id it creates a machine user named like the key to own it. A caller can
// only grant permissions it holds itself.
func (s *Service) CreateAPIKey(ctx context.Context, name string, perms []auth.Permission, machineUserID string) (NewAPIKey, error) {
	p, err := principal(ctx, auth.APIKeyCreate)
	if err != nil {
		return NewAPIKey{}, err
	}
	name, err = workspace.CleanName("name", name)
	if err != nil {
		return NewAPIKey{}, err
	}
	if len(perms) == 0 {
		return NewAPIKey{}, core.RequiredField("permissions")
	}
	for _, perm := range perms {
		if err := p.Require(perm); err != nil {
			return NewAPIKey{}, &core.Error{Kind: core.KindForbidden, Code: "insufficient_permissions",
				Message: "Cannot grant a permission you do not hold: " + string(perm)}
		}
	}
	now := s.clock.Now()
	secret := auth.NewKey()
	out := NewAPIKey{Secret: secret, Key: auth.APIKey{
		ID: core.NewID(core.PrefixAPIKey), WorkspaceID: p.WorkspaceID, Name: name,
		Hash: auth.HashKey(secret), Hint: auth.Hint(secret), Permissions: perms,
		CreatedAt: now, CreatedBy: p.Actor,
	}}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.GetWorkspace(ctx, p.WorkspaceID); err != nil {
			return notFoundAs(err, "workspace", "Workspace")
		}
		if machineUserID != "" {
			m, err := tx.GetMachineUser(ctx, p.WorkspaceID, machineUserID)
			if err != nil {
				return notFoundAs(err, "machineUserId", "Machine user")
			}
			out.MachineUser = m
		} else {
			out.MachineUser = user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: p.WorkspaceID,
				FullName: name, PublicName: name, Type: user.MachineAPIUser,
				CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
			if err := tx.CreateMachineUser(ctx, out.MachineUser); err != nil {
				return err
			}
		}
		out.Key.MachineUserID = out.MachineUser.ID
		if err := tx.CreateAPIKey(ctx, out.Key); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewAPIKeyCreated(out.Key))
	})
	if err != nil {
		return NewAPIKey{}, err
	}
	return out, nil
}

// ListAPIKeys lists the caller's workspace's keys (hints only, no secrets).
func (s *Service) ListAPIKeys(ctx context.Context) ([]auth.APIKey, error) {
	p, err := operator(ctx)
	if err != nil {
		return nil, err
	}
	var keys []auth.APIKey
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		keys, err = tx.ListAPIKeys(ctx, p.WorkspaceID)
		return err
	})
	return keys, err
}

// RevokeAPIKey revokes a key of the caller's workspace; requests with it
// fail from the moment this returns.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) error {
	p, err := operator(ctx)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	defer s.keys.clear() // at once here; other replicas hear of it
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.RevokeAPIKey(ctx, p.WorkspaceID, id, now); err != nil {
			return notFoundAs(err, "id", "API key")
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewAPIKeyRevoked(id))
	})
}

// Authenticate resolves an "Authorization" header value to the principal of
// its API key. Missing, malformed, unknown and revoked keys all give
// ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, header string) (*auth.Principal, error) {
	scheme, key, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, ErrUnauthenticated
	}
	key = strings.TrimSpace(key)
	if !strings.HasPrefix(key, auth.KeyPrefix) {
		return nil, ErrUnauthenticated
	}
	hash := auth.HashKey(key)
	k, ok := s.keys.get(hash)
	if !ok {
		err := s.store.View(ctx, func(tx store.Tx) (err error) {
			k, err = tx.APIKeyByHash(ctx, hash)
			return err
		})
		if errors.Is(err, core.ErrNotFound) {
			return nil, ErrUnauthenticated // unknown keys are not cached: guessing fills nothing
		}
		if err != nil {
			return nil, err
		}
		s.keys.put(hash, k)
	}
	if k.RevokedAt != nil {
		return nil, ErrUnauthenticated
	}
	return k.Principal(), nil
}
