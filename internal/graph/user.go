package graph

import (
	"context"

	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/user"
)

func userModel(u user.User) *model.User {
	return &model.User{
		ID: u.ID, Email: u.Email, FullName: u.FullName, PublicName: u.PublicName,
		IsDeleted: u.DeletedAt != nil, DeletedAt: u.DeletedAt, Status: model.UserStatus(u.Status),
		// A user's status never changes in Threadline yet.
		StatusChangedAt: u.CreatedAt,
		// Threadline has no roles, user labels, working hours or saved views.
		SlackIdentities: []model.SlackUserIdentity{}, Roles: []model.Role{}, Labels: []model.Label{},
		CreatedAt: u.CreatedAt, CreatedBy: internalActor(u.CreatedBy),
		UpdatedAt: u.UpdatedAt, UpdatedBy: internalActor(u.UpdatedBy),
	}
}

func machineUserModel(m user.MachineUser) *model.MachineUser {
	return &model.MachineUser{
		ID: m.ID, FullName: m.FullName, PublicName: m.PublicName, Description: m.Description,
		IsDeleted: m.DeletedAt != nil, DeletedAt: m.DeletedAt, Type: model.MachineUserType(m.Type),
		CreatedAt: m.CreatedAt, CreatedBy: internalActor(m.CreatedBy),
		UpdatedAt: m.UpdatedAt, UpdatedBy: internalActor(m.UpdatedBy),
	}
}

// usersByID loads users by id (assignees).
var usersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*user.User, []error) {
	return byID(s.UsersByIDs)
})

// machineUsersByID loads machine users by id (assignees).
var machineUsersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*user.MachineUser, []error) {
	return byID(s.MachineUsersByIDs)
})
