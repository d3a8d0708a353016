package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/user"
)

func userModel(u user.User) *model.User {
	out := &model.User{
		ID: u.ID, Email: u.Email, FullName: u.FullName, PublicName: u.PublicName,
		IsDeleted: u.DeletedAt != nil, DeletedAt: u.DeletedAt, Status: model.UserStatus(u.Status),
		// A user's status never changes in Threadline yet.
		StatusChangedAt: u.CreatedAt,
		// Threadline has no user labels, working hours or saved views.
		SlackIdentities: []model.SlackUserIdentity{}, Labels: []model.Label{},
		CreatedAt: u.CreatedAt, CreatedBy: internalActor(u.CreatedBy),
		UpdatedAt: u.UpdatedAt, UpdatedBy: internalActor(u.UpdatedBy),
	}
	if u.DeletedBy != nil {
		out.DeletedBy = actor(*u.DeletedBy)
	}
	out.Roles = []model.Role{}
	if _, ok := auth.ParseRole(string(u.Role)); ok {
		role := roleModel(u.Role)
		out.Role, out.Roles = &role, []model.Role{role}
	}
	return out
}

// roleModel is a built-in role as Plain's Role: "all" is spelled out as
// every permission Threadline knows.
func roleModel(r auth.Role) model.Role {
	perms := r.Permissions()
	if slices.Contains(perms, auth.All) {
		perms = auth.Known
	}
	names := make([]string, len(perms))
	for i, p := range perms {
		names[i] = string(p)
	}
	slices.Sort(names)
	key, desc := model.RoleKey(r), r.Description()
	return model.Role{ID: "role_" + strings.ToLower(string(r)), Key: &key, Name: r.Name(), Description: &desc,
		Permissions: names, IsAssignableToThread: r.AssignableToThread(), IsAssignableToCustomer: r.AssignableToThread(),
		AssignableBillingSeats: []model.BillingSeatType{}}
}

// roleConnection is every role, on one page.
func roleConnection(roles []auth.Role) *model.RoleConnection {
	out := &model.RoleConnection{Edges: make([]model.RoleEdge, len(roles))}
	for i, r := range roles {
		out.Edges[i] = model.RoleEdge{Cursor: core.EncodeCursor(string(r)), Node: roleModel(r)}
	}
	if n := len(out.Edges); n > 0 {
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = &out.Edges[0].Cursor, &out.Edges[n-1].Cursor
	}
	return out
}

func machineUserModel(m user.MachineUser) *model.MachineUser {
	out := &model.MachineUser{
		ID: m.ID, FullName: m.FullName, PublicName: m.PublicName, Description: m.Description,
		IsDeleted: m.DeletedAt != nil, DeletedAt: m.DeletedAt, Type: model.MachineUserType(m.Type),
		CreatedAt: m.CreatedAt, CreatedBy: internalActor(m.CreatedBy),
		UpdatedAt: m.UpdatedAt, UpdatedBy: internalActor(m.UpdatedBy),
	}
	if m.DeletedBy != nil {
		out.DeletedBy = actor(*m.DeletedBy)
	}
	return out
}

// usersByID loads users by id (assignees).
var usersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*user.User, []error) {
	return byID(s.UsersByIDs)
})

// machineUsersByID loads machine users by id (assignees).
var machineUsersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*user.MachineUser, []error) {
	return byID(s.MachineUsersByIDs)
})

// usersFilter converts UsersFilter: every active user can be assigned to
// threads (isAssignableToCustomer is its deprecated name); tasks do not
// exist in Threadline, so no user is assignable to one.
func usersFilter(f *model.UsersFilter) user.Filter {
	var out user.Filter
	if f == nil {
		return out
	}
	thread := f.IsAssignableToThread
	if thread == nil {
		thread = f.IsAssignableToCustomer
	}
	if thread != nil {
		out.Deleted = core.Ptr(!*thread)
	}
	out.MatchNothing = f.IsAssignableToTask != nil && *f.IsAssignableToTask
	return out
}
