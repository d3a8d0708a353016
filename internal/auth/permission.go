// Package auth holds Threadline's access model: permissions, the principal a
// request acts as, and API key minting and hashing.
package auth

import (
	"sort"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Permission is a fine-grained right of an API key, "<resource>:<action>".
type Permission string

// All is the pseudo-permission that grants every permission.
const All Permission = "all"

// The permissions, as Plain names them.
const (
	APIKeyCreate                     Permission = "apiKey:create"
	APIKeyRead                       Permission = "apiKey:read"
	APIKeyEdit                       Permission = "apiKey:edit"
	APIKeyDelete                     Permission = "apiKey:delete"
	AttachmentCreate                 Permission = "attachment:create"
	AttachmentDownload               Permission = "attachment:download"
	ChatCreate                       Permission = "chat:create"
	ChatAppCreate                    Permission = "chatApp:create"
	CompanyCreate                    Permission = "company:create"
	CompanyEdit                      Permission = "company:edit"
	CompanyRead                      Permission = "company:read"
	CompanyDelete                    Permission = "company:delete"
	CompanySearch                    Permission = "company:search"
	ConnectedSlackChannelEdit        Permission = "connectedSlackChannel:edit"
	CustomerCreate                   Permission = "customer:create"
	CustomerEdit                     Permission = "customer:edit"
	CustomerRead                     Permission = "customer:read"
	CustomerDelete                   Permission = "customer:delete"
	CustomerImpersonate              Permission = "customer:impersonate"
	CustomerSearch                   Permission = "customer:search"
	CustomerCardConfigCreate         Permission = "customerCardConfig:create"
	CustomerCardConfigEdit           Permission = "customerCardConfig:edit"
	CustomerCardConfigDelete         Permission = "customerCardConfig:delete"
	CustomerCardConfigRead           Permission = "customerCardConfig:read"
	CustomerCardConfigAPIDetailsRead Permission = "customerCardConfigApiDetails:read"
	CustomerCardConfigAPIDetailsEdit Permission = "customerCardConfigApiDetails:edit"
	CustomerEventCreate              Permission = "customerEvent:create"
	CustomerGroupCreate              Permission = "customerGroup:create"
	CustomerGroupEdit                Permission = "customerGroup:edit"
	CustomerGroupRead                Permission = "customerGroup:read"
	CustomerGroupDelete              Permission = "customerGroup:delete"
	CustomerGroupMembershipCreate    Permission = "customerGroupMembership:create"
	CustomerGroupMembershipDelete    Permission = "customerGroupMembership:delete"
	CustomerGroupMembershipRead      Permission = "customerGroupMembership:read"
	CustomerTenantMembershipCreate   Permission = "customerTenantMembership:create"
	CustomerTenantMembershipDelete   Permission = "customerTenantMembership:delete"
	CustomerTenantMembershipRead     Permission = "customerTenantMembership:read"
	EmailCreate                      Permission = "email:create"
	EmailRead                        Permission = "email:read"
	GeneratedReplyCreate             Permission = "generatedReply:create"
	IndexedDocumentCreate            Permission = "indexedDocument:create"
	KnowledgeSourceCreate            Permission = "knowledgeSource:create"
	KnowledgeSourceRead              Permission = "knowledgeSource:read"
	LabelCreate                      Permission = "label:create"
	LabelDelete                      Permission = "label:delete"
	LabelRead                        Permission = "label:read"
	LabelTypeCreate                  Permission = "labelType:create"
	LabelTypeEdit                    Permission = "labelType:edit"
	LabelTypeRead                    Permission = "labelType:read"
	MachineUserCreate                Permission = "machineUser:create"
	MachineUserRead                  Permission = "machineUser:read"
	MachineUserEdit                  Permission = "machineUser:edit"
	MachineUserDelete                Permission = "machineUser:delete"
	NoteCreate                       Permission = "note:create"
	NoteEdit                         Permission = "note:edit"
	NoteDelete                       Permission = "note:delete"
	NoteRead                         Permission = "note:read"
	SuggestedLabelTypeRead           Permission = "suggestedLabelType:read"
	TenantCreate                     Permission = "tenant:create"
	TenantEdit                       Permission = "tenant:edit"
	TenantRead                       Permission = "tenant:read"
	TenantDelete                     Permission = "tenant:delete"
	TenantSearch                     Permission = "tenant:search"
	TenantFieldCreate                Permission = "tenantField:create"
	TenantFieldUpdate                Permission = "tenantField:update"
	TenantFieldSchemaRead            Permission = "tenantFieldSchema:read"
	ThreadAssign                     Permission = "thread:assign"
	ThreadUnassign                   Permission = "thread:unassign"
	ThreadCreate                     Permission = "thread:create"
	ThreadEdit                       Permission = "thread:edit"
	ThreadRead                       Permission = "thread:read"
	ThreadReply                      Permission = "thread:reply"
	ThreadSearch                     Permission = "thread:search"
	ThreadDelete                     Permission = "thread:delete"
	ThreadChannelAssociationEdit     Permission = "threadChannelAssociation:edit"
	ThreadEventCreate                Permission = "threadEvent:create"
	ThreadEventRead                  Permission = "threadEvent:read"
	ThreadFieldCreate                Permission = "threadField:create"
	ThreadFieldUpdate                Permission = "threadField:update"
	ThreadFieldDelete                Permission = "threadField:delete"
	ThreadFieldRead                  Permission = "threadField:read"
	ThreadFieldSchemaCreate          Permission = "threadFieldSchema:create"
	ThreadFieldSchemaEdit            Permission = "threadFieldSchema:edit"
	ThreadFieldSchemaRead            Permission = "threadFieldSchema:read"
	ThreadLinkRead                   Permission = "threadLink:read"
	TierCreate                       Permission = "tier:create"
	TierEdit                         Permission = "tier:edit"
	TierRead                         Permission = "tier:read"
	TierDelete                       Permission = "tier:delete"
	TierMembershipCreate             Permission = "tierMembership:create"
	TierMembershipDelete             Permission = "tierMembership:delete"
	TierMembershipRead               Permission = "tierMembership:read"
	TimelineRead                     Permission = "timeline:read"
	UserCreate                       Permission = "user:create"
	UserRead                         Permission = "user:read"
	UserEdit                         Permission = "user:edit"
	UserDelete                       Permission = "user:delete"
	UserAvatarEdit                   Permission = "userAvatar:edit"
	WebhookTargetCreate              Permission = "webhookTarget:create"
	WebhookTargetEdit                Permission = "webhookTarget:edit"
	WebhookTargetDelete              Permission = "webhookTarget:delete"
	WebhookTargetRead                Permission = "webhookTarget:read"
	WorkspaceRead                    Permission = "workspace:read"
	WorkspaceEdit                    Permission = "workspace:edit"
)

// Known lists every permission Threadline understands.
var Known = []Permission{
	APIKeyCreate, APIKeyRead, APIKeyEdit, APIKeyDelete,
	AttachmentCreate, AttachmentDownload,
	ChatCreate,
	ChatAppCreate,
	CompanyCreate, CompanyEdit, CompanyRead, CompanyDelete, CompanySearch,
	ConnectedSlackChannelEdit,
	CustomerCreate, CustomerEdit, CustomerRead, CustomerDelete, CustomerImpersonate, CustomerSearch,
	CustomerCardConfigCreate, CustomerCardConfigEdit, CustomerCardConfigDelete, CustomerCardConfigRead,
	CustomerCardConfigAPIDetailsRead, CustomerCardConfigAPIDetailsEdit,
	CustomerEventCreate,
	CustomerGroupCreate, CustomerGroupEdit, CustomerGroupRead, CustomerGroupDelete,
	CustomerGroupMembershipCreate, CustomerGroupMembershipDelete, CustomerGroupMembershipRead,
	CustomerTenantMembershipCreate, CustomerTenantMembershipDelete, CustomerTenantMembershipRead,
	EmailCreate, EmailRead,
	GeneratedReplyCreate,
	IndexedDocumentCreate,
	KnowledgeSourceCreate, KnowledgeSourceRead,
	LabelCreate, LabelDelete, LabelRead,
	LabelTypeCreate, LabelTypeEdit, LabelTypeRead,
	MachineUserCreate, MachineUserRead, MachineUserEdit, MachineUserDelete,
	NoteCreate, NoteEdit, NoteDelete, NoteRead,
	SuggestedLabelTypeRead,
	TenantCreate, TenantEdit, TenantRead, TenantDelete, TenantSearch,
	TenantFieldCreate, TenantFieldUpdate,
	TenantFieldSchemaRead,
	ThreadAssign, ThreadUnassign, ThreadCreate, ThreadEdit, ThreadRead, ThreadReply, ThreadSearch, ThreadDelete,
	ThreadChannelAssociationEdit,
	ThreadEventCreate, ThreadEventRead,
	ThreadFieldCreate, ThreadFieldUpdate, ThreadFieldDelete, ThreadFieldRead,
	ThreadFieldSchemaCreate, ThreadFieldSchemaEdit, ThreadFieldSchemaRead,
	ThreadLinkRead,
	TierCreate, TierEdit, TierRead, TierDelete,
	TierMembershipCreate, TierMembershipDelete, TierMembershipRead,
	TimelineRead,
	UserCreate, UserRead, UserEdit, UserDelete,
	UserAvatarEdit,
	WebhookTargetCreate, WebhookTargetEdit, WebhookTargetDelete, WebhookTargetRead,
	WorkspaceRead, WorkspaceEdit,
}

var known = func() map[Permission]bool {
	m := make(map[Permission]bool, len(Known))
	for _, p := range Known {
		m[p] = true
	}
	return m
}()

// ParseList parses a comma-separated permission list ("all" or
// "thread:read,thread:create"), rejecting unknown strings. The result is
// sorted and free of duplicates.
func ParseList(s string) ([]Permission, error) {
	seen := map[Permission]bool{}
	var out []Permission
	for _, part := range strings.Split(s, ",") {
		p := Permission(strings.TrimSpace(part))
		if p == "" {
			continue
		}
		if p != All && !known[p] {
			return nil, core.InvalidField("permissions", "unknown permission "+string(p))
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, core.RequiredField("permissions")
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// Principal is who a request acts as: a machine user holding an API key (or,
// from the web app, a user), inside exactly one workspace.
type Principal struct {
	WorkspaceID string
	Actor       core.Actor
	Permissions []Permission
	// Role is the role of a signed-in user ("" for API keys and System).
	Role Role
}

// Has reports whether the principal holds p.
func (p *Principal) Has(perm Permission) bool {
	for _, q := range p.Permissions {
		if q == perm || q == All {
			return true
		}
	}
	return false
}

// Require returns the forbidden error naming the first permission of perms
// the principal lacks, or nil when it holds them all. A nil principal holds
// nothing.
func (p *Principal) Require(perms ...Permission) error {
	for _, perm := range perms {
		if p == nil || !p.Has(perm) {
			return core.Forbidden(string(perm))
		}
	}
	return nil
}
