package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// CreateUser adds a support agent (role Support, no password) to the
// caller's workspace: CreateUserWith without the options.
func (s *Service) CreateUser(ctx context.Context, email, fullName string) (user.User, error) {
	return s.CreateUserWith(ctx, NewUserInput{Email: email, FullName: fullName})
}

// NewUserInput describes a new user: Role defaults to Support; without a
// Password the user cannot sign in until one is set.
type NewUserInput struct {
	Email    string
	FullName string
	Role     auth.Role
	Password *string
}

// CreateUserWith adds a user to the caller's workspace. An operator (the
// CLI, acting as System) may, and so may a caller with user:create, who
// gives only roles it could manage (owners only by owners). Emails are
// unique per workspace.
func (s *Service) CreateUserWith(ctx context.Context, in NewUserInput) (user.User, error) {
	p, err := principal(ctx)
	if err != nil {
		return user.User{}, err
	}
	if in.Role == "" {
		in.Role = auth.RoleSupport
	}
	if p.Actor.Type != core.ActorSystem {
		if err := p.Require(auth.UserCreate); err != nil {
			return user.User{}, err
		}
		if err := mayManage(p, in.Role); err != nil {
			return user.User{}, err
		}
	}
	var c core.Collector
	norm, ok := core.NormalizeEmail(in.Email)
	if !ok {
		c.Invalid("email", "Invalid email")
	}
	name, nameErr := workspace.CleanName("fullName", in.FullName)
	if nameErr != nil {
		c.Invalid("fullName", "Must be 1 to 500 characters")
	}
	if _, ok := auth.ParseRole(string(in.Role)); !ok {
		c.Invalid("role", "Unknown role")
	}
	hash := ""
	if in.Password != nil {
		if msg := auth.PasswordProblem(*in.Password); msg != "" {
			c.Invalid("password", msg)
		} else {
			hash = auth.HashPassword(*in.Password)
		}
	}
	if err := c.Err(); err != nil {
		return user.User{}, err
	}
	now := s.clock.Now()
	u := user.User{ID: core.NewID(core.PrefixUser), WorkspaceID: p.WorkspaceID, Email: norm, Role: in.Role,
		FullName: name, PublicName: name, Status: user.StatusOffline, StatusChangedAt: now,
		CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.GetWorkspace(ctx, p.WorkspaceID); err != nil {
			return notFoundAs(err, "workspace", "Workspace")
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			if errors.Is(err, core.ErrDuplicate) {
				return core.Conflict("user_already_exists_with_email", "email", "A user with this email already exists.")
			}
			return err
		}
		if hash != "" {
			if err := tx.SetPassword(ctx, u.WorkspaceID, u.ID, hash, now); err != nil {
				return err
			}
			u.HasPassword = true
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewUserCreated(u))
	})
	return u, err
}

// User returns a user of the caller's workspace, or nil.
func (s *Service) User(ctx context.Context, id string) (*user.User, error) {
	p, err := principal(ctx, auth.UserRead)
	if err != nil {
		return nil, err
	}
	var u *user.User
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		u, err = optional(tx.GetUser(ctx, p.WorkspaceID, id))
		return err
	})
	return u, err
}

// UserByEmail returns a user of the caller's workspace by email, or nil.
func (s *Service) UserByEmail(ctx context.Context, email string) (*user.User, error) {
	p, err := principal(ctx, auth.UserRead)
	if err != nil {
		return nil, err
	}
	norm, ok := core.NormalizeEmail(email)
	if !ok {
		return nil, nil
	}
	var u *user.User
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		u, err = optional(tx.GetUserByEmail(ctx, p.WorkspaceID, norm))
		return err
	})
	return u, err
}

// MachineUser returns a machine user of the caller's workspace, or nil.
func (s *Service) MachineUser(ctx context.Context, id string) (*user.MachineUser, error) {
	p, err := principal(ctx, auth.MachineUserRead)
	if err != nil {
		return nil, err
	}
	var m *user.MachineUser
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		m, err = optional(tx.GetMachineUser(ctx, p.WorkspaceID, id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("machine user %s: %w", id, err)
	}
	return m, nil
}

// UsersByIDs loads users for batched resolution. Needs user:read.
func (s *Service) UsersByIDs(ctx context.Context, ids []string) (map[string]user.User, error) {
	p, err := principal(ctx, auth.UserRead)
	if err != nil {
		return nil, err
	}
	out := map[string]user.User{}
	err = s.store.View(ctx, func(tx store.Tx) error {
		us, err := tx.GetUsers(ctx, p.WorkspaceID, dedupe(ids))
		for _, u := range us {
			out[u.ID] = u
		}
		return err
	})
	return out, err
}

// MachineUsersByIDs loads machine users for batched resolution. Needs machineUser:read.
func (s *Service) MachineUsersByIDs(ctx context.Context, ids []string) (map[string]user.MachineUser, error) {
	p, err := principal(ctx, auth.MachineUserRead)
	if err != nil {
		return nil, err
	}
	out := map[string]user.MachineUser{}
	err = s.store.View(ctx, func(tx store.Tx) error {
		ms, err := tx.GetMachineUsers(ctx, p.WorkspaceID, dedupe(ids))
		for _, m := range ms {
			out[m.ID] = m
		}
		return err
	})
	return out, err
}

// MyUser returns the user the caller acts as, or nil: callers with an API
// key act as its machine user, never as a user.
func (s *Service) MyUser(ctx context.Context) (*user.User, error) {
	p, err := principal(ctx)
	if err != nil || p.Actor.Type != core.ActorUser {
		return nil, err
	}
	var u *user.User
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		u, err = optional(tx.GetUser(ctx, p.WorkspaceID, p.Actor.ID))
		return err
	})
	return u, err
}

// Users lists the workspace's users, deleted ones included, in creation
// order. Needs user:read.
func (s *Service) Users(ctx context.Context, f user.Filter, args core.PageArgs) (core.Connection[user.User], error) {
	p, err := principal(ctx, auth.UserRead)
	if err != nil {
		return core.Connection[user.User]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[user.User]{}, err
	}
	var rows []user.User
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListUsers(ctx, p.WorkspaceID, f, page)
		return err
	})
	if err != nil {
		return core.Connection[user.User]{}, err
	}
	return core.NewConnection(page, rows, user.CursorOf), nil
}

// changeUser reads the user of id, which must exist and not be deleted,
// applies change and stores the result with its event; a nil event means
// nothing changed. Users change rarely, so it takes no row lock: of two
// concurrent changes of one user, the last to commit wins.
func (s *Service) changeUser(ctx context.Context, perm auth.Permission, id string,
	change func(u *user.User, now core.Time, by core.Actor) (event.Payload, error)) (user.User, error) {
	p, err := principal(ctx, perm)
	if err != nil {
		return user.User{}, err
	}
	now := s.clock.Now()
	var u user.User
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if u, err = tx.GetUser(ctx, p.WorkspaceID, id); err != nil || u.DeletedAt != nil {
			if err == nil {
				err = core.ErrNotFound
			}
			return notFoundAs(err, "userId", "User")
		}
		ev, err := change(&u, now, p.Actor)
		if err != nil || ev == nil {
			return err
		}
		u.UpdatedAt, u.UpdatedBy = now, p.Actor
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, ev)
	})
	return u, err
}

// ChangeUserStatus sets a user's availability; setting the status it has
// changes nothing. Needs user:edit.
func (s *Service) ChangeUserStatus(ctx context.Context, id string, status user.Status) (user.User, error) {
	if !user.ValidStatus(status) {
		return user.User{}, core.InvalidField("status", "Invalid status")
	}
	return s.changeUser(ctx, auth.UserEdit, id, func(u *user.User, now core.Time, _ core.Actor) (event.Payload, error) {
		if u.Status == status {
			return nil, nil
		}
		prev := u.Status
		u.Status, u.StatusChangedAt = status, now
		return event.NewUserStatusChanged(*u, prev), nil
	})
}

// DeleteUser deletes a user: it stays readable (isDeleted), so that what
// it did keeps its actor, but can no longer be assigned. Needs user:delete.
func (s *Service) DeleteUser(ctx context.Context, id string) (user.User, error) {
	return s.changeUser(ctx, auth.UserDelete, id, func(u *user.User, now core.Time, by core.Actor) (event.Payload, error) {
		u.DeletedAt, u.DeletedBy = &now, &by
		return event.NewUserDeleted(*u), nil
	})
}
