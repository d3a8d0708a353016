package graph

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/tier"
)

// tierModel shows a tier. Its service level agreements are empty:
// Threadline records none yet.
func tierModel(t tier.Tier) *model.Tier {
	return &model.Tier{ID: t.ID, Name: t.Name, ExternalID: t.ExternalID, Color: t.Color,
		DefaultThreadPriority: t.DefaultThreadPriority, DefaultPriority: t.DefaultThreadPriority, IsDefault: t.IsDefault,
		ServiceLevelAgreements: []model.ServiceLevelAgreement{},
		CreatedAt:              t.CreatedAt, CreatedBy: internalActor(t.CreatedBy), UpdatedAt: t.UpdatedAt, UpdatedBy: internalActor(t.UpdatedBy)}
}

func tierIdentifier(in *model.TierIdentifierInput) *tier.Identifier {
	if in == nil {
		return nil
	}
	return &tier.Identifier{ID: in.TierID, ExternalID: in.ExternalID}
}

// tierRefs converts the tier identifiers of a list filter.
func tierRefs(field string, ins []model.TierIdentifierInput) ([]core.Ref, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	out := make([]core.Ref, len(ins))
	for i, in := range ins {
		switch {
		case (in.TierID == nil) == (in.ExternalID == nil):
			return nil, core.BadInput("%s.%d: exactly one of tierId or externalId must be set.", field, i)
		case in.TierID != nil:
			out[i] = core.Ref{By: core.ByID, Value: *in.TierID}
		default:
			out[i] = core.Ref{By: core.ByExternalID, Value: *in.ExternalID}
		}
	}
	return out, nil
}

func tierMembers(ins []model.TierMemberIdentifierInput) []tier.Member {
	out := make([]tier.Member, len(ins))
	for i, in := range ins {
		out[i] = tier.Member{TenantID: in.TenantID, CompanyID: in.CompanyID}
	}
	return out
}

// tierMembershipModel shows a membership as its union member.
func tierMembershipModel(m tier.Membership) model.TierMembership {
	if m.MemberKind == tier.MemberCompany {
		return &model.CompanyTierMembership{ID: m.ID, CompanyID: m.MemberID, TierID: m.TierID, CreatedAt: m.CreatedAt,
			CreatedBy: internalActor(m.CreatedBy), UpdatedAt: m.UpdatedAt, UpdatedBy: internalActor(m.UpdatedBy)}
	}
	return &model.TenantTierMembership{ID: m.ID, TenantID: m.MemberID, TierID: m.TierID, CreatedAt: m.CreatedAt,
		CreatedBy: internalActor(m.CreatedBy), UpdatedAt: m.UpdatedAt, UpdatedBy: internalActor(m.UpdatedBy)}
}

func tierMembershipModels(ms []tier.Membership) []model.TierMembership {
	out := make([]model.TierMembership, len(ms))
	for i, m := range ms {
		out[i] = tierMembershipModel(m)
	}
	return out
}

// tiersByID loads live tiers by id (Thread.tier).
var tiersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*tier.Tier, []error) {
	return byID(s.TiersByIDs)
})

// tierOfMember loads the tier of a tenant or company (Tenant.tier,
// Company.tier).
var tierOfMember = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*tier.Tier, []error) {
	return byID(s.TiersOfMembers)
})

// loadTier resolves one tier through a loader; nil when there is none.
func (r *Resolver) loadTier(ctx context.Context, l *loaderKind[string, *tier.Tier], key *string) (*model.Tier, error) {
	if key == nil {
		return nil, nil
	}
	t, err := l.of(ctx, r.Svc).Load(ctx, *key)
	if err != nil || t == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return tierModel(*t), nil
}

// membershipPage is one page of a parent's memberships (a loader key).
type membershipPage struct {
	parent string
	args   pageKey
}

// pageKey is a connection's arguments, comparable.
type pageKey struct {
	first, last   int
	after, before string
	hasFirst      bool
	hasLast       bool
	hasAfter      bool
	hasBefore     bool
	filter        string
}

func newPageKey(args core.PageArgs, filter string) pageKey {
	k := pageKey{filter: filter}
	if args.First != nil {
		k.first, k.hasFirst = *args.First, true
	}
	if args.Last != nil {
		k.last, k.hasLast = *args.Last, true
	}
	if args.After != nil {
		k.after, k.hasAfter = *args.After, true
	}
	if args.Before != nil {
		k.before, k.hasBefore = *args.Before, true
	}
	return k
}

// args returns the page arguments of k.
func (k pageKey) pageArgs() core.PageArgs {
	var a core.PageArgs
	if k.hasFirst {
		a.First = &k.first
	}
	if k.hasLast {
		a.Last = &k.last
	}
	if k.hasAfter {
		a.After = &k.after
	}
	if k.hasBefore {
		a.Before = &k.before
	}
	return a
}

// pagesOf adapts a service lookup of one page per parent to a loader keyed
// by parent and page: keys are fetched together per page arguments.
func pagesOf[V any](fetch func(ctx context.Context, parents []string, k pageKey) (map[string]core.Connection[V], error)) func(context.Context, []membershipPage) ([]core.Connection[V], []error) {
	return func(ctx context.Context, keys []membershipPage) ([]core.Connection[V], []error) {
		out := make([]core.Connection[V], len(keys))
		errs := make([]error, len(keys))
		byArgs := map[pageKey][]int{}
		for i, k := range keys {
			byArgs[k.args] = append(byArgs[k.args], i)
		}
		for args, idx := range byArgs {
			parents := make([]string, len(idx))
			for j, i := range idx {
				parents[j] = keys[i].parent
			}
			m, err := fetch(ctx, dedupeStrings(parents), args)
			for _, i := range idx {
				out[i], errs[i] = m[keys[i].parent], err
			}
		}
		return out, errs
	}
}

func dedupeStrings(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// tierMembershipPages loads a page of each tier's memberships (Tier.memberships).
var tierMembershipPages = newLoaderKind(func(s *service.Service) func(context.Context, []membershipPage) ([]core.Connection[tier.Membership], []error) {
	return pagesOf(func(ctx context.Context, parents []string, k pageKey) (map[string]core.Connection[tier.Membership], error) {
		return s.TierMemberships(ctx, parents, k.pageArgs())
	})
})
