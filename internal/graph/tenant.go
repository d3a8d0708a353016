package graph

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/tenant"
)

// tenantModel shows a tenant; its tenant fields and channel associations
// are empty, as Threadline has none.
func tenantModel(t tenant.Tenant) *model.Tenant {
	ds := t.AlternateDomains
	if ds == nil {
		ds = []string{}
	}
	return &model.Tenant{ID: t.ID, ExternalID: t.ExternalID, Name: t.Name, URL: t.URL, PrimaryDomain: t.PrimaryDomain,
		AlternateDomains: ds, IsDomainAutoJoinEnabled: t.IsDomainAutoJoinEnabled, Source: model.TenantSource(t.Source),
		TenantFields: []model.TenantField{}, ThreadChannelAssociations: []model.ThreadChannelAssociation{},
		CreatedAt: t.CreatedAt, CreatedBy: internalActor(t.CreatedBy), UpdatedAt: t.UpdatedAt, UpdatedBy: internalActor(t.UpdatedBy)}
}

func tenantIdentifier(in model.TenantIdentifierInput) tenant.Identifier {
	return tenant.Identifier{ID: in.TenantID, ExternalID: in.ExternalID}
}

func tenantIdentifiers(ins []model.TenantIdentifierInput) []tenant.Identifier {
	out := make([]tenant.Identifier, len(ins))
	for i, in := range ins {
		out[i] = tenantIdentifier(in)
	}
	return out
}

// tenantRefs converts the tenant identifiers of a list filter.
func tenantRefs(field string, ins []model.TenantIdentifierInput) ([]core.Ref, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	out := make([]core.Ref, len(ins))
	for i, in := range ins {
		switch {
		case (in.TenantID == nil) == (in.ExternalID == nil):
			return nil, core.BadInput("%s.%d: exactly one of tenantId or externalId must be set.", field, i)
		case in.TenantID != nil:
			out[i] = core.Ref{By: core.ByID, Value: *in.TenantID}
		default:
			out[i] = core.Ref{By: core.ByExternalID, Value: *in.ExternalID}
		}
	}
	return out, nil
}

// tenantFilter converts TenantsFilter and its tier identifiers.
func tenantFilter(f *model.TenantsFilter) (tenant.Filter, []core.Ref, error) {
	var out tenant.Filter
	if f == nil {
		return out, nil, nil
	}
	out.IDs, out.MatchNothing = f.TenantIds, len(f.TenantFields) > 0
	if f.IsDeleted != nil {
		out.IsDeleted = *f.IsDeleted
	}
	if len(f.TenantIds)+len(f.TierIdentifiers) > core.MaxPageSize*5 {
		return out, nil, core.BadInput("filters may list at most %d tenants and tiers.", core.MaxPageSize*5)
	}
	tiers, err := tierRefs("filters.tierIdentifiers", f.TierIdentifiers)
	if err != nil {
		return out, nil, err
	}
	r, err := timeRange("updatedAt", f.UpdatedAt)
	if r != nil {
		out.UpdatedAfter, out.UpdatedBefore = r.After, r.Before
	}
	return out, tiers, err
}

func upsertTenantInput(in model.UpsertTenantInput) tenant.UpsertInput {
	out := tenant.UpsertInput{Identifier: tenantIdentifier(in.Identifier), ExternalID: in.ExternalID, Name: in.Name}
	if in.URL != nil {
		out.URL = core.Optional[string]{Set: true, Value: in.URL.Value}
	}
	if in.PrimaryDomain != nil {
		out.PrimaryDomain = core.Optional[string]{Set: true, Value: in.PrimaryDomain.Value}
	}
	if in.AlternateDomains != nil {
		out.AlternateDomains = &in.AlternateDomains.Value
	}
	if in.IsDomainAutoJoinEnabled != nil {
		out.IsDomainAutoJoinEnabled = &in.IsDomainAutoJoinEnabled.Value
	}
	return out
}

// changeCustomerTenants runs one of the three membership mutations and
// returns the customer, or the mutation's error.
func (r *Resolver) changeCustomerTenants(ctx context.Context, change service.TenantMembershipChange,
	who model.CustomerIdentifierInput, ids []model.TenantIdentifierInput) (*model.Customer, *model.MutationError) {
	c, err := r.Svc.ChangeCustomerTenants(ctx, change, customerIdentifier(who), tenantIdentifiers(ids))
	if err != nil {
		return nil, r.mutationError(ctx, err)
	}
	return customerModel(c), nil
}

// tenantsByID loads live tenants by id (Thread.tenant).
var tenantsByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*tenant.Tenant, []error) {
	return byID(s.TenantsByIDs)
})

// tenantMembershipPages loads a page of each customer's tenant memberships
// (Customer.tenantMemberships).
var tenantMembershipPages = newLoaderKind(func(s *service.Service) func(context.Context, []membershipPage) ([]core.Connection[service.TenantMembership], []error) {
	return pagesOf(func(ctx context.Context, parents []string, k pageKey) (map[string]core.Connection[service.TenantMembership], error) {
		return s.TenantMembershipsOf(ctx, parents, k.pageArgs())
	})
})

func tenantMembershipConnection(c core.Connection[service.TenantMembership]) *model.CustomerTenantMembershipConnection {
	out := &model.CustomerTenantMembershipConnection{Edges: make([]model.CustomerTenantMembershipEdge, len(c.Edges)),
		PageInfo: pageInfo(c.PageInfo)}
	for i, e := range c.Edges {
		m := e.Node.Membership
		out.Edges[i] = model.CustomerTenantMembershipEdge{Cursor: e.Cursor, Node: model.CustomerTenantMembership{
			Tenant: *tenantModel(e.Node.Tenant), CreatedAt: m.CreatedAt, CreatedBy: internalActor(m.CreatedBy),
			UpdatedAt: m.UpdatedAt, UpdatedBy: internalActor(m.UpdatedBy)}}
	}
	return out
}
