package event

import (
	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/tier"
)

// The payloads of the changes of accounts and card configs only the
// outbox records (Plain has no webhook for them). Build them with their
// New functions, which set EventType; none needs an order.

// AccountRecord is a company, tenant or tier as the outbox records it.
type AccountRecord struct {
	ID string `json:"id"`
	// Key is the company's domain name, the tenant's or tier's external id.
	Key       *string `json:"key"`
	Name      string  `json:"name"`
	DeletedAt *string `json:"deletedAt,omitempty"`
}

// NewCompanyRecord records c.
func NewCompanyRecord(c company.Company) AccountRecord {
	return AccountRecord{ID: c.ID, Key: &c.DomainName, Name: c.Name, DeletedAt: iso(c.DeletedAt)}
}

// NewTenantRecord records t.
func NewTenantRecord(t tenant.Tenant) AccountRecord {
	return AccountRecord{ID: t.ID, Key: &t.ExternalID, Name: t.Name, DeletedAt: iso(t.DeletedAt)}
}

// NewTierRecord records t.
func NewTierRecord(t tier.Tier) AccountRecord {
	return AccountRecord{ID: t.ID, Key: t.ExternalID, Name: t.Name, DeletedAt: iso(t.DeletedAt)}
}

// AccountChangedPayload is the payload of the outbox-only events of
// companies, tenants and tiers: the account as it is after the change.
// Its Type is the change's (company.company_created …).
type AccountChangedPayload struct {
	EventType Type          `json:"eventType"`
	Account   AccountRecord `json:"account"`
}

// accountTypes are the event types an AccountChangedPayload may have.
var accountTypes = map[Type]bool{
	CompanyCreated: true, CompanyUpdated: true, CompanyDeleted: true,
	TenantCreated: true, TenantUpdated: true, TenantDeleted: true,
	TierCreated: true, TierUpdated: true, TierDeleted: true,
}

// NewAccountChanged is the event typ (one of the company, tenant or tier
// changes) of the account r.
func NewAccountChanged(typ Type, r AccountRecord) AccountChangedPayload {
	if !accountTypes[typ] {
		panic("event: " + string(typ) + " is not a change of an account")
	}
	return AccountChangedPayload{EventType: typ, Account: r}
}

// Type is the change's type.
func (p AccountChangedPayload) Type() Type { return p.EventType }

// OrderKey is "": account events need no order.
func (AccountChangedPayload) OrderKey() string { return "" }

// MembershipsChangedPayload is the payload of
// tier.tier_memberships_changed and of
// customer.customer_tenant_memberships_changed: what joined (Added) and
// left (Removed) — tenants and companies of a tier, or tenants of a
// customer (Of).
type MembershipsChangedPayload struct {
	EventType Type     `json:"eventType"`
	Of        string   `json:"of"`
	Added     []string `json:"added"`
	Removed   []string `json:"removed"`
}

// NewMembershipsChanged is the event typ (TierMembershipsChanged or
// CustomerTenantMembershipsChanged) of the members added to and removed
// from of.
func NewMembershipsChanged(typ Type, of string, added, removed []string) MembershipsChangedPayload {
	if typ != TierMembershipsChanged && typ != CustomerTenantMembershipsChanged {
		panic("event: " + string(typ) + " is not a change of memberships")
	}
	if added == nil {
		added = []string{}
	}
	if removed == nil {
		removed = []string{}
	}
	return MembershipsChangedPayload{EventType: typ, Of: of, Added: added, Removed: removed}
}

// Type is the change's type.
func (p MembershipsChangedPayload) Type() Type { return p.EventType }

// OrderKey is "": membership events need no order.
func (MembershipsChangedPayload) OrderKey() string { return "" }

// CardConfigChangedPayload is the payload of the
// customerCardConfig.customer_card_config_* events: the config's id, key
// and title after the change (never its URL or headers).
type CardConfigChangedPayload struct {
	EventType Type   `json:"eventType"`
	ID        string `json:"id"`
	Key       string `json:"key"`
	Title     string `json:"title"`
}

// NewCardConfigChanged is the event typ (created, updated or deleted) of c.
func NewCardConfigChanged(typ Type, c customercard.Config) CardConfigChangedPayload {
	if typ != CardConfigCreated && typ != CardConfigUpdated && typ != CardConfigDeleted {
		panic("event: " + string(typ) + " is not a change of a card config")
	}
	return CardConfigChangedPayload{EventType: typ, ID: c.ID, Key: c.Key, Title: c.Title}
}

// Type is the change's type.
func (p CardConfigChangedPayload) Type() Type { return p.EventType }

// OrderKey is "": card config events need no order.
func (CardConfigChangedPayload) OrderKey() string { return "" }
