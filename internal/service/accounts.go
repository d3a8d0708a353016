package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/tier"
)

// Accounts (companies, tenants, tiers, customer groups) are named in
// inputs by identifiers and in list filters by refs; both resolve inside
// the transaction to live accounts of the caller's workspace only, so an
// account of another workspace, or a deleted one, is never found.

// findTenant resolves a tenant identifier to a live tenant.
func findTenant(ctx context.Context, tx store.Tx, ws string, id tenant.Identifier) (tenant.Tenant, error) {
	ids, exts := one(id.ID), one(id.ExternalID)
	ts, err := tx.FindTenants(ctx, ws, ids, exts)
	if err != nil || len(ts) == 0 {
		return tenant.Tenant{}, orNotFound(err)
	}
	return ts[0], nil
}

// findTier resolves a tier identifier to a live tier.
func findTier(ctx context.Context, tx store.Tx, ws string, id tier.Identifier) (tier.Tier, error) {
	ts, err := tx.FindTiers(ctx, ws, one(id.ID), one(id.ExternalID))
	if err != nil || len(ts) == 0 {
		return tier.Tier{}, orNotFound(err)
	}
	return ts[0], nil
}

// findCompany resolves a company identifier (a domain, or a URL reduced
// to one) to a live company.
func findCompany(ctx context.Context, tx store.Tx, ws string, id company.Identifier) (company.Company, error) {
	var domains []string
	if id.DomainName != nil {
		d, ok := company.NormalizeDomain(*id.DomainName)
		if !ok {
			return company.Company{}, core.ErrNotFound
		}
		domains = []string{d}
	}
	cs, err := tx.FindCompanies(ctx, ws, one(id.ID), domains)
	if err != nil || len(cs) == 0 {
		return company.Company{}, orNotFound(err)
	}
	return cs[0], nil
}

// findGroup resolves a customer group identifier.
func findGroup(ctx context.Context, tx store.Tx, ws string, id customergroup.Identifier) (customergroup.Group, error) {
	gs, err := tx.FindCustomerGroups(ctx, ws, one(id.ID), one(id.Key), one(id.ExternalID))
	if err != nil || len(gs) == 0 {
		return customergroup.Group{}, orNotFound(err)
	}
	return gs[0], nil
}

func one(s *string) []string {
	if s == nil {
		return nil
	}
	return []string{*s}
}

// orNotFound is err, or core.ErrNotFound when err is nil: for a found row
// that is not the one asked for (another customer's thread).
func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return core.ErrNotFound
}

// refIndex maps the refs of one kind of account to the ids of the live
// accounts they name.
type refIndex map[core.Ref]string

// ids returns the ids refs name, without repeats; never nil, so that
// refs naming no live account match nothing.
func (x refIndex) ids(refs []core.Ref) []string {
	out, seen := []string{}, map[string]bool{}
	for _, r := range refs {
		if id, ok := x[r]; ok && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// split returns the values of refs given by each of two keys.
func split(refs []core.Ref, a, b core.RefKey) (as, bs []string) {
	for _, r := range refs {
		switch r.By {
		case a:
			as = append(as, r.Value)
		case b:
			bs = append(bs, r.Value)
		}
	}
	return as, bs
}

func tenantIndex(ctx context.Context, tx store.Tx, ws string, refs []core.Ref) (refIndex, error) {
	x := refIndex{}
	ids, exts := split(refs, core.ByID, core.ByExternalID)
	ts, err := tx.FindTenants(ctx, ws, ids, exts)
	for _, t := range ts {
		x[core.Ref{By: core.ByID, Value: t.ID}] = t.ID
		x[core.Ref{By: core.ByExternalID, Value: t.ExternalID}] = t.ID
	}
	return x, err
}

func tierIndex(ctx context.Context, tx store.Tx, ws string, refs []core.Ref) (refIndex, error) {
	x := refIndex{}
	ids, exts := split(refs, core.ByID, core.ByExternalID)
	ts, err := tx.FindTiers(ctx, ws, ids, exts)
	for _, t := range ts {
		x[core.Ref{By: core.ByID, Value: t.ID}] = t.ID
		if t.ExternalID != nil {
			x[core.Ref{By: core.ByExternalID, Value: *t.ExternalID}] = t.ID
		}
	}
	return x, err
}

// companyIndex also indexes each domain ref as given (a URL, upper case)
// under the company of its domain.
func companyIndex(ctx context.Context, tx store.Tx, ws string, refs []core.Ref) (refIndex, error) {
	x := refIndex{}
	ids, raw := split(refs, core.ByID, core.ByDomain)
	var domains []string
	for _, d := range raw {
		if n, ok := company.NormalizeDomain(d); ok {
			domains = append(domains, n)
		}
	}
	cs, err := tx.FindCompanies(ctx, ws, ids, domains)
	byDomain := map[string]string{}
	for _, c := range cs {
		x[core.Ref{By: core.ByID, Value: c.ID}] = c.ID
		byDomain[c.DomainName] = c.ID
	}
	for _, d := range raw {
		if n, ok := company.NormalizeDomain(d); ok && byDomain[n] != "" {
			x[core.Ref{By: core.ByDomain, Value: d}] = byDomain[n]
		}
	}
	return x, err
}

func groupIndex(ctx context.Context, tx store.Tx, ws string, refs []core.Ref) (refIndex, error) {
	x := refIndex{}
	ids, keys := split(refs, core.ByID, core.ByKey)
	_, exts := split(refs, core.ByID, core.ByExternalID)
	gs, err := tx.FindCustomerGroups(ctx, ws, ids, keys, exts)
	for _, g := range gs {
		x[core.Ref{By: core.ByID, Value: g.ID}] = g.ID
		x[core.Ref{By: core.ByKey, Value: g.Key}] = g.ID
		if g.ExternalID != nil {
			x[core.Ref{By: core.ByExternalID, Value: *g.ExternalID}] = g.ID
		}
	}
	return x, err
}

// eachFilter calls fn on f and on every filter nested in it, each a copy
// (the caller's slices are never written), and returns the copy of f.
func eachFilter(f thread.Filter, fn func(*thread.Filter)) thread.Filter {
	fn(&f)
	and, or := make([]thread.Filter, len(f.And)), make([]thread.Filter, len(f.Or))
	for i := range f.And {
		and[i] = eachFilter(f.And[i], fn)
	}
	for i := range f.Or {
		or[i] = eachFilter(f.Or[i], fn)
	}
	if len(f.And) > 0 {
		f.And = and
	}
	if len(f.Or) > 0 {
		f.Or = or
	}
	if f.Not != nil {
		n := eachFilter(*f.Not, fn)
		f.Not = &n
	}
	return f
}

// resolveThreadFilter returns f with the accounts its filters name
// resolved to ids, in one read per kind of account.
func resolveThreadFilter(ctx context.Context, tx store.Tx, ws string, f thread.Filter) (thread.Filter, error) {
	var tenants, tiers, companies, groups []core.Ref
	eachFilter(f, func(n *thread.Filter) {
		tenants, tiers = append(tenants, n.Tenants...), append(tiers, n.Tiers...)
		companies, groups = append(companies, n.Companies...), append(groups, n.CustomerGroups...)
	})
	if len(tenants)+len(tiers)+len(companies)+len(groups) == 0 {
		return f, nil
	}
	var xs [4]refIndex
	var err error
	for i, r := range []struct {
		refs  []core.Ref
		index func(context.Context, store.Tx, string, []core.Ref) (refIndex, error)
	}{{tenants, tenantIndex}, {tiers, tierIndex}, {companies, companyIndex}, {groups, groupIndex}} {
		if len(r.refs) > 0 {
			if xs[i], err = r.index(ctx, tx, ws, r.refs); err != nil {
				return f, err
			}
		}
	}
	return eachFilter(f, func(n *thread.Filter) {
		if n.Tenants != nil {
			n.TenantIDs, n.Tenants = xs[0].ids(n.Tenants), nil
		}
		if n.Tiers != nil {
			n.TierIDs, n.Tiers = xs[1].ids(n.Tiers), nil
		}
		if n.Companies != nil {
			n.CompanyIDs, n.Companies = xs[2].ids(n.Companies), nil
		}
		if n.CustomerGroups != nil {
			n.CustomerGroupIDs, n.CustomerGroups = xs[3].ids(n.CustomerGroups), nil
		}
	}), nil
}

// resolveCustomerFilter returns f with the accounts it names resolved to ids.
func resolveCustomerFilter(ctx context.Context, tx store.Tx, ws string, f customer.Filter) (customer.Filter, error) {
	if f.Companies != nil {
		x, err := companyIndex(ctx, tx, ws, f.Companies)
		if err != nil {
			return f, err
		}
		f.CompanyIDs, f.Companies = x.ids(f.Companies), nil
	}
	if f.Tenants != nil {
		x, err := tenantIndex(ctx, tx, ws, f.Tenants)
		if err != nil {
			return f, err
		}
		f.TenantIDs, f.Tenants = x.ids(f.Tenants), nil
	}
	if f.Groups != nil {
		x, err := groupIndex(ctx, tx, ws, f.Groups)
		if err != nil {
			return f, err
		}
		f.GroupIDs, f.Groups = x.ids(f.Groups), nil
	}
	return f, nil
}

// customerGroupsOf reads every customer group membership of a customer,
// with the groups: what customer payloads show.
func customerGroupsOf(ctx context.Context, tx store.Tx, ws, customerID string) ([]customergroup.Member, error) {
	return tx.GroupMembershipsOf(ctx, ws, []string{customerID}, nil, core.Page{})
}

// customerPayload shows a customer with their customer groups as
// webhooks do.
func customerPayload(ctx context.Context, tx store.Tx, c customer.Customer) (event.Customer, error) {
	gs, err := customerGroupsOf(ctx, tx, c.WorkspaceID, c.ID)
	return event.NewCustomer(c, gs...), err
}

// threadTier is the tier a thread of a tenant (or none) and of a customer
// working for a company (or none) belongs in: the tenant's tier, else the
// company's, else the workspace's default tier, else none.
func threadTier(ctx context.Context, tx store.Tx, ws string, tenantID, companyID *string) (*tier.Tier, error) {
	var members []string
	for _, id := range []*string{tenantID, companyID} {
		if id != nil {
			members = append(members, *id)
		}
	}
	ms, err := tx.TierMembershipsOfMembers(ctx, ws, members)
	if err != nil {
		return nil, err
	}
	tierID := ""
	for _, want := range members {
		for _, m := range ms {
			if m.MemberID == want && tierID == "" {
				tierID = m.TierID
			}
		}
	}
	if tierID != "" {
		ts, err := tx.FindTiers(ctx, ws, []string{tierID}, nil)
		if err != nil || len(ts) == 0 {
			return nil, err
		}
		return &ts[0], nil
	}
	t, err := tx.DefaultTier(ctx, ws)
	if errors.Is(err, core.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}
