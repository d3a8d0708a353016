package graph

import (
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/user"
)

func apiKeyModel(k auth.APIKey) *model.APIKey {
	perms := make([]string, len(k.Permissions))
	for i, p := range k.Permissions {
		perms[i] = string(p)
	}
	out := &model.APIKey{ID: k.ID, Permissions: perms, IsDeleted: k.RevokedAt != nil, DeletedAt: k.RevokedAt,
		CreatedAt: k.CreatedAt, CreatedBy: internalActor(k.CreatedBy), UpdatedAt: k.UpdatedAt, UpdatedBy: internalActor(k.UpdatedBy)}
	if k.Name != "" {
		out.Description = &k.Name
	}
	if k.RevokedBy != nil {
		out.DeletedBy = actor(*k.RevokedBy)
	}
	return out
}

func permissionsModel(ps []auth.Permission) *model.Permissions {
	out := &model.Permissions{Permissions: make([]string, len(ps))}
	for i, p := range ps {
		out.Permissions[i] = string(p)
	}
	return out
}

func apiKeyConnection(c core.Connection[auth.APIKey]) *model.APIKeyConnection {
	out := &model.APIKeyConnection{Edges: make([]model.APIKeyEdge, len(c.Edges)), PageInfo: pageInfo(c.PageInfo)}
	for i, e := range c.Edges {
		out.Edges[i] = model.APIKeyEdge{Cursor: e.Cursor, Node: *apiKeyModel(e.Node)}
	}
	return out
}

func machineUserConnection(c core.Connection[user.MachineUser]) *model.MachineUserConnection {
	out := &model.MachineUserConnection{Edges: make([]model.MachineUserEdge, len(c.Edges)), PageInfo: pageInfo(c.PageInfo)}
	for i, e := range c.Edges {
		out.Edges[i] = model.MachineUserEdge{Cursor: e.Cursor, Node: *machineUserModel(e.Node)}
	}
	return out
}

func machineUserInput(fullName, publicName *string, description core.Optional[string], typ *model.MachineUserType,
	avatar *model.WorkspaceFileInput) service.MachineUserInput {
	in := service.MachineUserInput{FullName: fullName, PublicName: publicName, Description: description,
		HasAvatar: avatar != nil && avatar.WorkspaceFileID != nil}
	if typ != nil {
		t := user.MachineUserType(*typ)
		in.Type = &t
	}
	return in
}
