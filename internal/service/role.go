package service

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
)

// Roles returns the built-in roles, most powerful first. Needs user:read.
func (s *Service) Roles(ctx context.Context) ([]auth.Role, error) {
	if _, err := principal(ctx, auth.UserRead); err != nil {
		return nil, err
	}
	return auth.Roles, nil
}

// ChangeUserRole gives a user of the caller's workspace another role.
// Needs user:edit; only owners give or take the owner role, and a
// workspace that has an owner keeps at least one.
func (s *Service) ChangeUserRole(ctx context.Context, id string, role auth.Role) (user.User, error) {
	if _, ok := auth.ParseRole(string(role)); !ok {
		return user.User{}, core.InvalidField("role", "Unknown role")
	}
	p, err := principal(ctx, auth.UserEdit)
	if err != nil {
		return user.User{}, err
	}
	if role == auth.RoleOwner {
		if err := mayManage(p, role); err != nil {
			return user.User{}, err
		}
	}
	var u user.User
	err = s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if u, err = tx.GetUser(ctx, p.WorkspaceID, id); err != nil || u.DeletedAt != nil {
			if err == nil {
				err = core.ErrNotFound
			}
			return notFoundAs(err, "userId", "User")
		}
		if u.Role == role {
			return nil
		}
		if err := mayManage(p, u.Role); err != nil {
			return err
		}
		if u.Role == auth.RoleOwner {
			if err := keepAnOwner(ctx, tx, p.WorkspaceID, u.ID); err != nil {
				return err
			}
		}
		prev := u.Role
		now := s.clock.Now()
		u.Role, u.UpdatedAt, u.UpdatedBy = role, now, p.Actor
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewUserRoleChanged(u, string(prev)))
	})
	return u, err
}

// keepAnOwner refuses to leave a workspace without an owner once userID
// is one no more.
func keepAnOwner(ctx context.Context, tx store.Tx, ws, userID string) error {
	active := false
	page := core.Page{Limit: 500}
	for {
		us, err := tx.ListUsers(ctx, ws, user.Filter{Deleted: &active}, page)
		if err != nil {
			return err
		}
		for i, u := range us {
			if i < page.Limit && u.Role == auth.RoleOwner && u.ID != userID {
				return nil
			}
		}
		if len(us) <= page.Limit {
			return core.Conflict("roles_at_least_one_owner_required", "role", "The workspace must keep at least one owner.")
		}
		page.After = core.Cursor{us[page.Limit-1].ID}
	}
}
