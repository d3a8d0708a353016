package graph

import (
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/workspace"
)

func workspaceModel(w workspace.Workspace) *model.Workspace {
	out := &model.Workspace{
		ID: w.ID, Name: w.Name, PublicName: w.PublicName, IsDemoWorkspace: w.IsDemo,
		DomainNames: w.DomainNames,
		CreatedAt:   w.CreatedAt, CreatedBy: internalActor(w.CreatedBy),
		UpdatedAt: w.UpdatedAt, UpdatedBy: internalActor(w.UpdatedBy),
	}
	if len(w.DomainNames) > 0 { // the deprecated single domain name
		out.DomainName = &w.DomainNames[0]
	}
	return out
}

func workspaceHmacModel(w workspace.Workspace) *model.WorkspaceHmac {
	secret := w.HMACSecret
	return &model.WorkspaceHmac{
		HmacSecret: &secret,
		CreatedAt:  w.CreatedAt, CreatedBy: internalActor(w.CreatedBy),
		UpdatedAt: w.HMACUpdatedAt, UpdatedBy: internalActor(w.HMACUpdatedBy),
	}
}
