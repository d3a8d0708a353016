// Package tenant defines tenants ("te_"): the accounts, teams or
// workspaces of the team's own product, linked back by their external id.
// A customer may belong to many tenants; a thread may be about one.
package tenant

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// SourceAPI is the source of tenants made through the API (TenantSource).
const SourceAPI = "API"

// Tenant is a tenant of a workspace. Its external id is unique among the
// workspace's tenants that are not deleted; a deleted tenant is never
// shown, matched or usable again, and what refers to it reads as none.
type Tenant struct {
	ID                      string
	WorkspaceID             string
	ExternalID              string
	Name                    string
	URL                     *string
	PrimaryDomain           *string
	AlternateDomains        []string
	IsDomainAutoJoinEnabled bool
	Source                  string
	DeletedAt               *core.Time
	DeletedBy               *core.Actor
	CreatedAt               core.Time
	CreatedBy               core.Actor
	UpdatedAt               core.Time
	UpdatedBy               core.Actor
}

// IsDeleted reports whether the tenant was deleted.
func (t Tenant) IsDeleted() bool { return t.DeletedAt != nil }

// Limits of tenant fields and of the lists of tenants one call may name.
const (
	MaxNameLength       = 500
	MaxExternalIDLength = 500
	MaxURLLength        = 2000
	MaxDomains          = 50
	// MaxPerCall bounds the tenants a membership mutation names.
	MaxPerCall = 100
	// MinSearchTerm is the shortest term searchTenants accepts.
	MinSearchTerm = 2
)

// Identifier names a tenant by exactly one of its id or its external id
// (TenantIdentifierInput).
type Identifier struct {
	ID         *string
	ExternalID *string
}

// Validate checks that exactly one key is set, reporting against field.
func (id Identifier) Validate(field string) error {
	if (id.ID == nil) == (id.ExternalID == nil) {
		return core.InvalidField(field, "Exactly one of tenantId or externalId must be set")
	}
	return nil
}

// Field returns the input path of the key that is set, under prefix.
func (id Identifier) Field(prefix string) string {
	if id.ID != nil {
		return prefix + ".tenantId"
	}
	return prefix + ".externalId"
}

// UpsertInput is upsertTenant's input. Omitted wrappers leave values alone
// on update.
type UpsertInput struct {
	Identifier              Identifier
	ExternalID              string
	Name                    string
	URL                     core.Optional[string]
	PrimaryDomain           core.Optional[string]
	AlternateDomains        *[]string
	IsDomainAutoJoinEnabled *bool
}

// Clean validates and normalises the input.
func (in UpsertInput) Clean() (UpsertInput, error) {
	var c core.Collector
	if err := in.Identifier.Validate("identifier"); err != nil {
		c.Invalid("identifier", "Exactly one of tenantId or externalId must be set")
	}
	in.Name = required(&c, "name", in.Name, MaxNameLength)
	in.ExternalID = required(&c, "externalId", in.ExternalID, MaxExternalIDLength)
	if in.URL.Set {
		in.URL.Value = c.OptionalString("url.value", in.URL.Value, MaxURLLength)
		if v := in.URL.Value; v != nil {
			if u, err := url.Parse(*v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				c.Invalid("url.value", "Must be an http(s) URL")
			}
		}
	}
	if in.PrimaryDomain.Set {
		in.PrimaryDomain.Value = c.OptionalString("primaryDomain.value", in.PrimaryDomain.Value, 253)
	}
	if in.AlternateDomains != nil {
		ds := *in.AlternateDomains
		if len(ds) > MaxDomains {
			c.Invalid("alternateDomains.value", fmt.Sprintf("Array must contain at most %d element(s)", MaxDomains))
		}
		clean := make([]string, 0, len(ds))
		for i, d := range ds {
			d = strings.ToLower(strings.TrimSpace(d))
			if d == "" || len(d) > 253 {
				c.Invalid(fmt.Sprintf("alternateDomains.value.%d", i), "Must be a domain name")
			}
			clean = append(clean, d)
		}
		in.AlternateDomains = &clean
	}
	return in, c.Err()
}

func required(c *core.Collector, field, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len([]rune(s)) > max:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", max))
	}
	return s
}

// New builds a tenant from a cleaned input.
func New(workspaceID string, in UpsertInput, at core.Time, by core.Actor) Tenant {
	t := Tenant{ID: core.NewID(core.PrefixTenant), WorkspaceID: workspaceID, AlternateDomains: []string{},
		Source: SourceAPI, CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	n, _ := t.Apply(in, at, by)
	return n
}

// Apply returns t with a cleaned input applied and whether anything changed.
func (t Tenant) Apply(in UpsertInput, at core.Time, by core.Actor) (Tenant, bool) {
	n := t
	n.ExternalID, n.Name = in.ExternalID, in.Name
	if in.URL.Set {
		n.URL = in.URL.Value
	}
	if in.PrimaryDomain.Set {
		n.PrimaryDomain = in.PrimaryDomain.Value
	}
	if in.AlternateDomains != nil {
		n.AlternateDomains = *in.AlternateDomains
	}
	if in.IsDomainAutoJoinEnabled != nil {
		n.IsDomainAutoJoinEnabled = *in.IsDomainAutoJoinEnabled
	}
	changed := n.ExternalID != t.ExternalID || n.Name != t.Name || !core.Equal(n.URL, t.URL) ||
		!core.Equal(n.PrimaryDomain, t.PrimaryDomain) || strings.Join(n.AlternateDomains, "\n") != strings.Join(t.AlternateDomains, "\n") ||
		n.IsDomainAutoJoinEnabled != t.IsDomainAutoJoinEnabled
	if changed {
		n.UpdatedAt, n.UpdatedBy = at, by
	}
	return n, changed
}

// Delete returns t deleted at a time by an actor.
func (t Tenant) Delete(at core.Time, by core.Actor) Tenant {
	t.DeletedAt, t.DeletedBy, t.UpdatedAt, t.UpdatedBy = &at, &by, at, by
	return t
}

// Membership is a customer's membership of a tenant.
type Membership struct {
	WorkspaceID string
	CustomerID  string
	TenantID    string
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// NewMembership is a new membership of a customer in a tenant.
func NewMembership(workspaceID, customerID, tenantID string, at core.Time, by core.Actor) Membership {
	return Membership{WorkspaceID: workspaceID, CustomerID: customerID, TenantID: tenantID,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
}

// MembershipCursor is a membership's keyset cursor among a customer's
// memberships (by tenant id).
func MembershipCursor(m Membership) string { return core.EncodeCursor(m.TenantID) }

// Filter narrows a tenant list (TenantsFilter). IDs and TierIDs, when not
// nil, keep the tenants listed, or in one of the tiers listed (an empty
// list keeps none).
type Filter struct {
	IDs           []string
	TierIDs       []string
	IsDeleted     bool // list deleted tenants instead of live ones
	UpdatedAfter  *core.Time
	UpdatedBefore *core.Time
	// Term, when set, keeps the tenants whose name contains it
	// (case-insensitively) or whose external id is it (searchTenants).
	Term string
	// MatchNothing is set when the filter asks for tenant fields, which
	// Threadline does not have: no tenant has one.
	MatchNothing bool
}

// CursorOf is a tenant's keyset cursor (creation order).
func CursorOf(t Tenant) string { return core.EncodeCursor(t.ID) }
