package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/workspace"
)

const defaultWorkspaceSetting = "default_workspace_id"

// DefaultWorkspaceName is the name given to the workspace a fresh database gets.
const DefaultWorkspaceName = "Default workspace"

func newWorkspace(name string, at core.Time, by core.Actor) workspace.Workspace {
	return workspace.Workspace{
		ID: core.NewID(core.PrefixWorkspace), Name: name, PublicName: name,
		HMACSecret: auth.NewSecret(), HMACUpdatedAt: at, HMACUpdatedBy: by,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by,
	}
}

// EnsureDefaultWorkspace creates the default workspace of a fresh database,
// once even when several replicas start together, and returns its id.
func (s *Service) EnsureDefaultWorkspace(ctx context.Context) (string, error) {
	var id string
	err := s.store.Update(ctx, func(tx store.Tx) error {
		v, err := tx.Setting(ctx, defaultWorkspaceSetting)
		if err == nil {
			id = v
			return nil
		}
		if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		now := s.clock.Now()
		w := newWorkspace(DefaultWorkspaceName, now, core.SystemActor)
		won, err := tx.SetSettingOnce(ctx, defaultWorkspaceSetting, w.ID)
		if err != nil {
			return err
		}
		if !won { // another replica got there first
			id, err = tx.Setting(ctx, defaultWorkspaceSetting)
			return err
		}
		id = w.ID
		if err := tx.CreateWorkspace(ctx, w); err != nil {
			return err
		}
		return s.emit(ctx, tx, w.ID, core.SystemActor, now, event.NewWorkspaceCreated(w))
	})
	return id, err
}

// DefaultWorkspaceID returns the id of the default workspace.
func (s *Service) DefaultWorkspaceID(ctx context.Context) (string, error) {
	var id string
	err := s.store.View(ctx, func(tx store.Tx) (err error) {
		id, err = tx.Setting(ctx, defaultWorkspaceSetting)
		return err
	})
	return id, err
}

// CreateWorkspace creates a workspace (an operator action, from the CLI).
func (s *Service) CreateWorkspace(ctx context.Context, name string) (workspace.Workspace, error) {
	name, err := workspace.CleanName("name", name)
	if err != nil {
		return workspace.Workspace{}, err
	}
	now := s.clock.Now()
	w := newWorkspace(name, now, core.SystemActor)
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, w); err != nil {
			return err
		}
		return s.emit(ctx, tx, w.ID, core.SystemActor, now, event.NewWorkspaceCreated(w))
	})
	return w, err
}

// MyWorkspace returns the caller's workspace. Any valid key may read it,
// as in Plain.
func (s *Service) MyWorkspace(ctx context.Context) (*workspace.Workspace, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	var w *workspace.Workspace
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		w, err = optional(tx.GetWorkspace(ctx, p.WorkspaceID))
		return err
	})
	return w, err
}

// WorkspaceHMAC returns the caller's workspace with its webhook signing
// secret. The secret verifies webhooks, so it needs webhookTarget:read.
func (s *Service) WorkspaceHMAC(ctx context.Context) (*workspace.Workspace, error) {
	if _, err := principal(ctx, auth.WebhookTargetRead); err != nil {
		return nil, err
	}
	return s.MyWorkspace(ctx)
}

// RegenerateWorkspaceHMAC replaces the signing secret; webhooks sent after
// it returns are signed with the new one. Needs webhookTarget:edit.
func (s *Service) RegenerateWorkspaceHMAC(ctx context.Context) (workspace.Workspace, error) {
	p, err := principal(ctx, auth.WebhookTargetEdit)
	if err != nil {
		return workspace.Workspace{}, err
	}
	var w workspace.Workspace
	now := s.clock.Now()
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.UpdateWorkspaceHMAC(ctx, p.WorkspaceID, auth.NewSecret(), now, p.Actor); err != nil {
			return err
		}
		if w, err = tx.GetWorkspace(ctx, p.WorkspaceID); err != nil {
			return err
		}
		return s.emit(ctx, tx, w.ID, p.Actor, now, event.NewWorkspaceHMACRegenerated(w.ID))
	})
	return w, err
}
