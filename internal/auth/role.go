package auth

import (
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Role is what a user may do in their workspace, as Plain names its
// built-in roles. A signed-in user acts with the permissions of their role
// (Permissions), through the same checks as an API key.
type Role string

// The built-in roles (Plain's RoleKey).
const (
	// RoleOwner may do everything, including making other owners.
	RoleOwner Role = "OWNER"
	// RoleAdmin may do everything but change owners.
	RoleAdmin Role = "ADMIN"
	// RoleSupport works threads and customers but configures nothing.
	RoleSupport Role = "SUPPORT"
	// RoleViewer reads everything an agent reads and writes nothing.
	RoleViewer Role = "VIEWER"
)

// Roles lists the built-in roles, most powerful first.
var Roles = []Role{RoleOwner, RoleAdmin, RoleSupport, RoleViewer}

// ParseRole reads a role key, case-insensitively ("owner", "OWNER").
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToUpper(strings.TrimSpace(s)))
	return r, slices.Contains(Roles, r)
}

// Name is the role's display name ("Owner").
func (r Role) Name() string {
	switch r {
	case RoleOwner:
		return "Owner"
	case RoleAdmin:
		return "Admin"
	case RoleSupport:
		return "Support"
	case RoleViewer:
		return "Viewer"
	}
	return string(r)
}

// Description says what the role may do.
func (r Role) Description() string {
	switch r {
	case RoleOwner:
		return "Everything, including making and removing owners."
	case RoleAdmin:
		return "Everything but changing owners: users, API keys, labels, thread fields, webhooks, and all support work."
	case RoleSupport:
		return "Works threads and customers: replies, notes, status, assignment, labels, priority and thread fields."
	case RoleViewer:
		return "Reads threads, customers and their timelines; changes nothing."
	}
	return ""
}

// AssignableToThread reports whether users of the role can be assigned
// threads: everyone who may work them.
func (r Role) AssignableToThread() bool { return r != RoleViewer }

// Permissions returns the permission set of the role: the one place a
// role's rights are defined.
func (r Role) Permissions() []Permission {
	switch r {
	case RoleOwner, RoleAdmin:
		return []Permission{All}
	case RoleSupport:
		return supportPermissions
	case RoleViewer:
		return viewerPermissions
	}
	return nil
}

// viewerPermissions read what agents read, and search it. Secrets and
// their surroundings (API keys, webhook targets, card API details) are
// left out.
var viewerPermissions = []Permission{
	AttachmentDownload,
	CompanyRead, CompanySearch,
	CustomerRead, CustomerSearch,
	CustomerCardConfigRead,
	CustomerGroupRead, CustomerGroupMembershipRead,
	CustomerTenantMembershipRead,
	EmailRead,
	LabelRead, LabelTypeRead,
	MachineUserRead,
	NoteRead,
	TenantRead, TenantSearch, TenantFieldSchemaRead,
	ThreadRead, ThreadSearch,
	ThreadEventRead,
	ThreadFieldRead, ThreadFieldSchemaRead,
	ThreadLinkRead,
	TierRead, TierMembershipRead,
	TimelineRead,
	UserRead,
	WorkspaceRead,
}

// supportPermissions are a viewer's and those of support work.
var supportPermissions = append(slices.Clip(viewerPermissions),
	AttachmentCreate,
	ChatCreate,
	CustomerCreate, CustomerEdit,
	CustomerEventCreate,
	CustomerGroupMembershipCreate, CustomerGroupMembershipDelete,
	CustomerTenantMembershipCreate, CustomerTenantMembershipDelete,
	EmailCreate,
	LabelCreate, LabelDelete,
	NoteCreate, NoteEdit, NoteDelete,
	ThreadCreate, ThreadEdit, ThreadAssign, ThreadUnassign, ThreadReply,
	ThreadEventCreate,
	ThreadFieldCreate, ThreadFieldUpdate, ThreadFieldDelete,
)

// UserPrincipal returns the principal of a signed-in user of a workspace
// with role r: the user acts as themselves (a UserActor) with r's
// permissions.
func UserPrincipal(workspaceID, userID string, r Role) *Principal {
	return &Principal{WorkspaceID: workspaceID, Actor: core.Actor{Type: core.ActorUser, ID: userID}, Permissions: r.Permissions(), Role: r}
}
