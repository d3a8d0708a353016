package graph

import (
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/workspace"
)

func workspaceModel(w workspace.Workspace) *model.Workspace {
	return &model.Workspace{
		ID: w.ID, Name: w.Name, PublicName: w.PublicName, IsDemoWorkspace: w.IsDemo,
		DomainNames: []string{},
		CreatedAt:   w.CreatedAt, CreatedBy: internalActor(w.CreatedBy),
		UpdatedAt: w.UpdatedAt, UpdatedBy: internalActor(w.UpdatedBy),
	}
}

func workspaceHmacModel(w workspace.Workspace) *model.WorkspaceHmac {
	secret := w.HMACSecret
	return &model.WorkspaceHmac{
		HmacSecret: &secret,
		CreatedAt:  w.CreatedAt, CreatedBy: internalActor(w.CreatedBy),
		UpdatedAt: w.HMACUpdatedAt, UpdatedBy: internalActor(w.HMACUpdatedBy),
	}
}
