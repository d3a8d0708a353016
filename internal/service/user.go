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

// CreateUser adds a support agent to the caller's workspace. Only an
// operator (the CLI, acting as System) may. Emails are unique per workspace.
func (s *Service) CreateUser(ctx context.Context, email, fullName string) (user.User, error) {
	p, err := operator(ctx)
	if err != nil {
		return user.User{}, err
	}
	var c core.Collector
	norm, ok := core.NormalizeEmail(email)
	if !ok {
		c.Invalid("email", "Invalid email")
	}
	name, nameErr := workspace.CleanName("fullName", fullName)
	if nameErr != nil {
		c.Invalid("fullName", "Must be 1 to 500 characters")
	}
	if err := c.Err(); err != nil {
		return user.User{}, err
	}
	now := s.clock.Now()
	u := user.User{ID: core.NewID(core.PrefixUser), WorkspaceID: p.WorkspaceID, Email: norm,
		FullName: name, PublicName: name, Status: user.StatusOffline,
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
