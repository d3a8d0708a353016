package graph

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

// actor presents an actor as a member of the Actor union.
func actor(a core.Actor) model.Actor {
	switch a.Type {
	case core.ActorUser:
		return model.UserActor{UserID: a.ID}
	case core.ActorMachineUser:
		return model.MachineUserActor{MachineUserID: a.ID}
	case core.ActorCustomer:
		return model.CustomerActor{CustomerID: a.ID}
	case core.ActorDeletedCustomer:
		return model.DeletedCustomerActor{CustomerID: a.ID}
	}
	return model.SystemActor{SystemID: a.ID}
}

// internalActor presents an actor as a member of the InternalActor union;
// customers cannot be internal actors, so they present as the system.
func internalActor(a core.Actor) model.InternalActor {
	switch a.Type {
	case core.ActorUser:
		return model.UserActor{UserID: a.ID}
	case core.ActorMachineUser:
		return model.MachineUserActor{MachineUserID: a.ID}
	}
	return model.SystemActor{SystemID: a.ID}
}

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

func userModel(u user.User) *model.User {
	return &model.User{
		ID: u.ID, Email: u.Email, FullName: u.FullName, PublicName: u.PublicName,
		IsDeleted: u.DeletedAt != nil, Status: model.UserStatus(u.Status),
		SlackIdentities: []model.SlackUserIdentity{}, UpdatedAt: u.UpdatedAt,
	}
}

func machineUserModel(m user.MachineUser) *model.MachineUser {
	return &model.MachineUser{
		ID: m.ID, FullName: m.FullName, PublicName: m.PublicName, Description: m.Description,
		IsDeleted: m.DeletedAt != nil, Type: model.MachineUserType(m.Type), UpdatedAt: m.UpdatedAt,
	}
}
