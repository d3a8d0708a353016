package service

import (
	"context"
	"errors"
	"slices"

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
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by, DomainNames: []string{},
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

// Workspace returns the caller's workspace when id names it, else nil: a
// key sees no other workspace.
func (s *Service) Workspace(ctx context.Context, id string) (*workspace.Workspace, error) {
	p, err := principal(ctx)
	if err != nil || id != p.WorkspaceID {
		return nil, err
	}
	return s.MyWorkspace(ctx)
}

// MyWorkspaces lists the workspaces the caller belongs to: its key's one.
func (s *Service) MyWorkspaces(ctx context.Context, args core.PageArgs) (core.Connection[workspace.Workspace], error) {
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[workspace.Workspace]{}, err
	}
	w, err := s.MyWorkspace(ctx)
	if err != nil || w == nil {
		return core.NewConnection(page, []workspace.Workspace{}, workspace.CursorOf), err
	}
	return core.PageSlice(page, []workspace.Workspace{*w}, workspace.CursorOf), nil
}

// WorkspaceInput is what a client changes of its workspace; nil fields
// stay unchanged.
type WorkspaceInput struct {
	Name        *string
	PublicName  *string
	DomainNames []string // nil: unchanged; empty: none
	// HasLogo is set when the client names a logo: workspace files do not
	// exist in Threadline, so none can be found.
	HasLogo bool
}

// UpdateWorkspace changes the caller's workspace's names and domain names.
// Needs workspace:edit.
func (s *Service) UpdateWorkspace(ctx context.Context, in WorkspaceInput) (workspace.Workspace, error) {
	p, err := principal(ctx, auth.WorkspaceEdit)
	if err != nil {
		return workspace.Workspace{}, err
	}
	var c core.Collector
	clean := func(field string, v *string) *string {
		if v == nil {
			return nil
		}
		n, err := workspace.CleanName(field, *v)
		if e, ok := core.AsError(err); ok {
			c.Add(e.Fields[0].Field, e.Fields[0].Message, e.Fields[0].Type)
		}
		return &n
	}
	name, public := clean("name", in.Name), clean("publicName", in.PublicName)
	var domains []string
	if in.DomainNames != nil {
		d, err := workspace.CleanDomainNames("domainNames", in.DomainNames)
		if e, ok := core.AsError(err); ok {
			for _, f := range e.Fields {
				c.Add(f.Field, f.Message, f.Type)
			}
		}
		domains = d
	}
	if in.HasLogo {
		c.Add("logo.workspaceFileId", "Workspace file not found", core.FieldNotFound)
	}
	if err := c.Err(); err != nil {
		return workspace.Workspace{}, err
	}
	now := s.clock.Now()
	var w workspace.Workspace
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if w, err = tx.GetWorkspace(ctx, p.WorkspaceID); err != nil {
			return notFoundAs(err, "workspace", "Workspace")
		}
		if name != nil {
			w.Name = *name
		}
		if public != nil {
			w.PublicName = *public
		}
		if domains != nil {
			w.DomainNames = domains
		}
		w.UpdatedAt, w.UpdatedBy = now, p.Actor
		if err := tx.UpdateWorkspace(ctx, w); err != nil {
			return err
		}
		return s.emit(ctx, tx, w.ID, p.Actor, now, event.NewWorkspaceUpdated(w))
	})
	return w, err
}

// MyPermissions returns the permissions the caller holds, "all" spelled
// out as every permission Threadline knows, sorted.
func (s *Service) MyPermissions(ctx context.Context) ([]auth.Permission, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	var out []auth.Permission
	for _, perm := range auth.Known {
		if p.Has(perm) {
			out = append(out, perm)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Permissions returns every permission a key can hold, sorted.
func (s *Service) Permissions(ctx context.Context) ([]auth.Permission, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	return slices.Sorted(slices.Values(auth.Known)), nil
}
