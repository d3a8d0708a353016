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

// Known lists every permission string Threadline understands, as Plain names them.
var Known = []Permission{
	"apiKey:create",
	"attachment:create", "attachment:download",
	"chat:create", "chatApp:create",
	"company:create", "company:edit", "company:read", "company:delete", "company:search",
	"connectedSlackChannel:edit",
	"customer:create", "customer:edit", "customer:read", "customer:delete", "customer:impersonate", "customer:search",
	"customerCardConfig:create", "customerCardConfig:edit", "customerCardConfig:delete", "customerCardConfig:read",
	"customerCardConfigApiDetails:read", "customerCardConfigApiDetails:edit",
	"customerEvent:create",
	"customerGroup:create", "customerGroup:edit", "customerGroup:read", "customerGroup:delete",
	"customerGroupMembership:create", "customerGroupMembership:delete", "customerGroupMembership:read",
	"customerTenantMembership:create", "customerTenantMembership:delete", "customerTenantMembership:read",
	"email:create", "email:read",
	"generatedReply:create",
	"indexedDocument:create", "knowledgeSource:create", "knowledgeSource:read",
	"label:create", "label:delete", "label:read",
	"labelType:create", "labelType:edit", "labelType:read",
	"machineUser:read",
	"note:create", "note:edit", "note:delete", "note:read",
	"suggestedLabelType:read",
	"tenant:create", "tenant:edit", "tenant:read", "tenant:delete", "tenant:search",
	"tenantField:create", "tenantField:update", "tenantFieldSchema:read",
	"thread:assign", "thread:unassign", "thread:create", "thread:edit", "thread:read", "thread:reply", "thread:search", "thread:delete",
	"threadChannelAssociation:edit",
	"threadEvent:create", "threadEvent:read",
	"threadField:create", "threadField:update", "threadField:delete", "threadField:read",
	"threadFieldSchema:create", "threadFieldSchema:edit", "threadFieldSchema:read",
	"threadLink:read",
	"tier:create", "tier:edit", "tier:read", "tier:delete",
	"tierMembership:create", "tierMembership:delete", "tierMembership:read",
	"timeline:read",
	"user:read", "user:delete", "userAvatar:edit",
	"webhookTarget:create", "webhookTarget:edit", "webhookTarget:delete", "webhookTarget:read",
	"workspace:read",
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
