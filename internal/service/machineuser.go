package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// MyMachineUser returns the machine user the caller's API key belongs to,
// or nil for callers that are not machine users. Reading its fields needs
// machineUser:read, as the schema declares.
func (s *Service) MyMachineUser(ctx context.Context) (*user.MachineUser, error) {
	p, err := principal(ctx)
	if err != nil || p.Actor.Type != core.ActorMachineUser {
		return nil, err
	}
	var m *user.MachineUser
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		m, err = optional(tx.GetMachineUser(ctx, p.WorkspaceID, p.Actor.ID))
		return err
	})
	return m, err
}

// MachineUsers lists the workspace's machine users (of one type when typ
// is set), deleted ones included, in creation order. Needs machineUser:read.
func (s *Service) MachineUsers(ctx context.Context, typ *user.MachineUserType, args core.PageArgs) (core.Connection[user.MachineUser], error) {
	p, err := principal(ctx, auth.MachineUserRead)
	if err != nil {
		return core.Connection[user.MachineUser]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[user.MachineUser]{}, err
	}
	var rows []user.MachineUser
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListMachineUsers(ctx, p.WorkspaceID, typ, page)
		return err
	})
	if err != nil {
		return core.Connection[user.MachineUser]{}, err
	}
	return core.NewConnection(page, rows, user.MachineCursorOf), nil
}

// MachineUserInput is what a client sets on a machine user. For an update,
// nil fields (and an unset Description) stay unchanged.
type MachineUserInput struct {
	FullName    *string
	PublicName  *string
	Description core.Optional[string]
	Type        *user.MachineUserType
	// HasAvatar is set when the client names an avatar: workspace files do
	// not exist in Threadline, so none can be found.
	HasAvatar bool
}

// check validates in, trimming its names; create requires both names.
func (in *MachineUserInput) check(create bool) error {
	var c core.Collector
	for _, n := range []struct {
		field string
		v     **string
	}{{"fullName", &in.FullName}, {"publicName", &in.PublicName}} {
		if *n.v == nil {
			if create {
				c.Required(n.field)
			}
			continue
		}
		clean, err := workspace.CleanName(n.field, **n.v)
		if e, ok := core.AsError(err); ok {
			c.Add(e.Fields[0].Field, e.Fields[0].Message, e.Fields[0].Type)
		}
		*n.v = &clean
	}
	if in.Description.Set {
		in.Description.Value = c.OptionalString("description", in.Description.Value, user.MaxDescriptionLength)
		if in.Description.Value != nil && *in.Description.Value == "" {
			in.Description.Value = nil
		}
	}
	if in.Type != nil && !user.ValidMachineUserType(*in.Type) {
		c.Invalid("type", "Invalid machine user type")
	}
	if in.HasAvatar {
		c.Add("avatar.workspaceFileId", "Workspace file not found", core.FieldNotFound)
	}
	return c.Err()
}

// CreateMachineUser adds a machine user (an API_USER unless in says
// otherwise). Needs machineUser:create.
func (s *Service) CreateMachineUser(ctx context.Context, in MachineUserInput) (user.MachineUser, error) {
	p, err := principal(ctx, auth.MachineUserCreate)
	if err != nil {
		return user.MachineUser{}, err
	}
	if err := in.check(true); err != nil {
		return user.MachineUser{}, err
	}
	now := s.clock.Now()
	m := user.MachineUser{ID: core.NewID(core.PrefixMachineUser), WorkspaceID: p.WorkspaceID, FullName: *in.FullName,
		PublicName: *in.PublicName, Description: in.Description.Value, Type: user.MachineAPIUser,
		CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
	if in.Type != nil {
		m.Type = *in.Type
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateMachineUser(ctx, m); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewMachineUserCreated(m))
	})
	return m, err
}

// liveMachineUser reads a machine user that exists and is not deleted,
// reporting a missing one against field.
func liveMachineUser(ctx context.Context, tx store.Tx, ws, id, field string) (user.MachineUser, error) {
	m, err := tx.GetMachineUser(ctx, ws, id)
	if err == nil && m.DeletedAt != nil {
		err = core.ErrNotFound
	}
	return m, notFoundAs(err, field, "Machine user")
}

// UpdateMachineUser changes a machine user's names, description or type.
// Needs machineUser:edit.
func (s *Service) UpdateMachineUser(ctx context.Context, id string, in MachineUserInput) (user.MachineUser, error) {
	p, err := principal(ctx, auth.MachineUserEdit)
	if err != nil {
		return user.MachineUser{}, err
	}
	if err := in.check(false); err != nil {
		return user.MachineUser{}, err
	}
	now := s.clock.Now()
	var m user.MachineUser
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if m, err = liveMachineUser(ctx, tx, p.WorkspaceID, id, "machineUserId"); err != nil {
			return err
		}
		if in.FullName != nil {
			m.FullName = *in.FullName
		}
		if in.PublicName != nil {
			m.PublicName = *in.PublicName
		}
		if in.Description.Set {
			m.Description = in.Description.Value
		}
		if in.Type != nil {
			m.Type = *in.Type
		}
		m.UpdatedAt, m.UpdatedBy = now, p.Actor
		if err := tx.UpdateMachineUser(ctx, m); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewMachineUserUpdated(m))
	})
	return m, err
}

// DeleteMachineUser deletes a machine user and revokes its keys, in one
// transaction: requests with them fail from the moment it returns. The
// machine user stays readable (isDeleted). Needs machineUser:delete.
func (s *Service) DeleteMachineUser(ctx context.Context, id string) (user.MachineUser, error) {
	p, err := principal(ctx, auth.MachineUserDelete)
	if err != nil {
		return user.MachineUser{}, err
	}
	now := s.clock.Now()
	var m user.MachineUser
	defer s.keys.clear() // its keys are revoked: at once here; other replicas hear of it
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if m, err = liveMachineUser(ctx, tx, p.WorkspaceID, id, "machineUserId"); err != nil {
			return err
		}
		m.DeletedAt, m.DeletedBy, m.UpdatedAt, m.UpdatedBy = &now, &p.Actor, now, p.Actor
		if err := tx.UpdateMachineUser(ctx, m); err != nil {
			return err
		}
		revoked, err := tx.RevokeAPIKeysOfMachineUser(ctx, p.WorkspaceID, m.ID, now, p.Actor)
		if err != nil {
			return err
		}
		for _, k := range revoked {
			if err := s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewAPIKeyRevoked(k)); err != nil {
				return err
			}
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewMachineUserDeleted(m))
	})
	return m, err
}

// APIKeysOfMachineUser lists a machine user's keys, revoked ones included,
// in creation order. Needs apiKey:read.
func (s *Service) APIKeysOfMachineUser(ctx context.Context, machineUserID string, args core.PageArgs) (core.Connection[auth.APIKey], error) {
	p, err := principal(ctx, auth.APIKeyRead)
	if err != nil {
		return core.Connection[auth.APIKey]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[auth.APIKey]{}, err
	}
	var rows []auth.APIKey
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListAPIKeysOfMachineUser(ctx, p.WorkspaceID, machineUserID, page)
		return err
	})
	if err != nil {
		return core.Connection[auth.APIKey]{}, err
	}
	return core.NewConnection(page, rows, auth.CursorOf), nil
}

// APIKeyOfMachineUser returns a key of the machine user, or nil. Needs
// apiKey:read.
func (s *Service) APIKeyOfMachineUser(ctx context.Context, machineUserID, id string) (*auth.APIKey, error) {
	p, err := principal(ctx, auth.APIKeyRead)
	if err != nil {
		return nil, err
	}
	var k *auth.APIKey
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		k, err = optional(tx.GetAPIKey(ctx, p.WorkspaceID, id))
		return err
	})
	if err != nil || k == nil || k.MachineUserID != machineUserID {
		return nil, err
	}
	return k, nil
}

// grantable checks a list of permission strings a caller asks to grant a
// key: at least one, each known (or "all"), each held by the caller. It
// returns them sorted and without duplicates.
func grantable(p *auth.Principal, perms []string) ([]auth.Permission, error) {
	if len(perms) == 0 {
		return nil, core.Invalid(core.FieldError{Field: "permissions", Message: "Array must contain at least 1 element(s)",
			Type: core.FieldValidation})
	}
	var c core.Collector
	for i, s := range perms {
		if _, err := auth.ParseList(s); err != nil || strings.Contains(s, ",") {
			c.Invalid(fmt.Sprintf("permissions.%d", i), "Unknown permission "+s)
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	out, _ := auth.ParseList(strings.Join(perms, ","))
	for _, perm := range out {
		if err := p.Require(perm); err != nil {
			return nil, &core.Error{Kind: core.KindForbidden, Code: "insufficient_permissions",
				Message: "Cannot grant a permission you do not hold: " + string(perm)}
		}
	}
	return out, nil
}

// cleanDescription trims a key's description; blank means none.
func cleanDescription(d *string) (string, error) {
	if d == nil {
		return "", nil
	}
	v := strings.TrimSpace(*d)
	if len([]rune(v)) > user.MaxDescriptionLength {
		return "", core.InvalidField("description", fmt.Sprintf("String must contain at most %d character(s)", user.MaxDescriptionLength))
	}
	return v, nil
}

// CreateMachineUserAPIKey mints a key of a live machine user with the given
// permissions, which the caller must hold; the secret is returned once.
// Needs apiKey:create.
func (s *Service) CreateMachineUserAPIKey(ctx context.Context, machineUserID string, description *string, perms []string) (NewAPIKey, error) {
	p, err := principal(ctx, auth.APIKeyCreate)
	if err != nil {
		return NewAPIKey{}, err
	}
	name, err := cleanDescription(description)
	if err != nil {
		return NewAPIKey{}, err
	}
	granted, err := grantable(p, perms)
	if err != nil {
		return NewAPIKey{}, err
	}
	now := s.clock.Now()
	secret := auth.NewKey()
	out := NewAPIKey{Secret: secret, Key: auth.APIKey{ID: core.NewID(core.PrefixAPIKey), WorkspaceID: p.WorkspaceID,
		MachineUserID: machineUserID, Name: name, Hash: auth.HashKey(secret), Hint: auth.Hint(secret), Permissions: granted,
		CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if out.MachineUser, err = liveMachineUser(ctx, tx, p.WorkspaceID, machineUserID, "machineUserId"); err != nil {
			return err
		}
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

// liveAPIKey reads a key that exists and is not revoked.
func liveAPIKey(ctx context.Context, tx store.Tx, ws, id string) (auth.APIKey, error) {
	k, err := tx.GetAPIKey(ctx, ws, id)
	if err == nil && k.RevokedAt != nil {
		err = core.ErrNotFound
	}
	return k, notFoundAs(err, "apiKeyId", "API key")
}

// UpdateAPIKey replaces a key's description and permissions, which the
// caller must hold. Needs apiKey:edit.
func (s *Service) UpdateAPIKey(ctx context.Context, id string, description *string, perms []string) (auth.APIKey, error) {
	p, err := principal(ctx, auth.APIKeyEdit)
	if err != nil {
		return auth.APIKey{}, err
	}
	name, err := cleanDescription(description)
	if err != nil {
		return auth.APIKey{}, err
	}
	granted, err := grantable(p, perms)
	if err != nil {
		return auth.APIKey{}, err
	}
	now := s.clock.Now()
	var k auth.APIKey
	defer s.keys.clear() // at once here; other replicas hear of it
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if k, err = liveAPIKey(ctx, tx, p.WorkspaceID, id); err != nil {
			return err
		}
		k.Name, k.Permissions, k.UpdatedAt, k.UpdatedBy = name, granted, now, p.Actor
		if err := tx.UpdateAPIKey(ctx, k); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewAPIKeyUpdated(k))
	})
	return k, err
}

// DeleteAPIKey revokes a key (Plain deletes it; Threadline keeps it,
// marked deleted): requests with it fail from the moment this returns.
// Needs apiKey:delete.
func (s *Service) DeleteAPIKey(ctx context.Context, id string) (auth.APIKey, error) {
	p, err := principal(ctx, auth.APIKeyDelete)
	if err != nil {
		return auth.APIKey{}, err
	}
	now := s.clock.Now()
	var k auth.APIKey
	defer s.keys.clear() // at once here; other replicas hear of it
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if k, err = liveAPIKey(ctx, tx, p.WorkspaceID, id); err != nil {
			return err
		}
		k.RevokedAt, k.RevokedBy, k.UpdatedAt, k.UpdatedBy = &now, &p.Actor, now, p.Actor
		if err := tx.UpdateAPIKey(ctx, k); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewAPIKeyRevoked(k.ID))
	})
	return k, err
}
