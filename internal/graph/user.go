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

// usersByID loads users by id (assignees).
var usersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*user.User, []error) {
	return byID(s.UsersByIDs)
})

// machineUsersByID loads machine users by id (assignees).
var machineUsersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*user.MachineUser, []error) {
	return byID(s.MachineUsersByIDs)
})
