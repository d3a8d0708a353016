package graph

import (
	"context"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
)

func customerGroupModel(g customergroup.Group) *model.CustomerGroup {
	return &model.CustomerGroup{ID: g.ID, Name: g.Name, Key: g.Key, Color: g.Color, ExternalID: g.ExternalID,
		CreatedAt: g.CreatedAt, CreatedBy: internalActor(g.CreatedBy), UpdatedAt: g.UpdatedAt, UpdatedBy: internalActor(g.UpdatedBy)}
}

func groupMembershipModel(m customergroup.Member) model.CustomerGroupMembership {
	return model.CustomerGroupMembership{CustomerID: m.Membership.CustomerID, CustomerGroup: *customerGroupModel(m.Group),
		CreatedAt: m.Membership.CreatedAt, CreatedBy: internalActor(m.Membership.CreatedBy),
		UpdatedAt: m.Membership.UpdatedAt, UpdatedBy: internalActor(m.Membership.UpdatedBy)}
}

func groupIdentifier(in model.CustomerGroupIdentifier) customergroup.Identifier {
	return customergroup.Identifier{ID: in.CustomerGroupID, Key: in.CustomerGroupKey, ExternalID: in.ExternalID}
}

func groupIdentifiers(ins []model.CustomerGroupIdentifier) []customergroup.Identifier {
	out := make([]customergroup.Identifier, len(ins))
	for i, in := range ins {
		out[i] = groupIdentifier(in)
	}
	return out
}

// groupRefs converts the customer group identifiers of a list filter.
func groupRefs(field string, ins []model.CustomerGroupIdentifier) ([]core.Ref, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	out := make([]core.Ref, len(ins))
	for i, in := range ins {
		switch {
		case in.CustomerGroupID != nil && in.CustomerGroupKey == nil && in.ExternalID == nil:
			out[i] = core.Ref{By: core.ByID, Value: *in.CustomerGroupID}
		case in.CustomerGroupKey != nil && in.CustomerGroupID == nil && in.ExternalID == nil:
			out[i] = core.Ref{By: core.ByKey, Value: *in.CustomerGroupKey}
		case in.ExternalID != nil && in.CustomerGroupID == nil && in.CustomerGroupKey == nil:
			out[i] = core.Ref{By: core.ByExternalID, Value: *in.ExternalID}
		default:
			return nil, core.BadInput("%s.%d: exactly one of customerGroupId, customerGroupKey or externalId must be set.", field, i)
		}
	}
	return out, nil
}

// refsOf makes refs of one key from plain values (customerGroupIds, …).
func refsOf(by core.RefKey, vs []string) []core.Ref {
	if vs == nil {
		return nil
	}
	out := make([]core.Ref, len(vs))
	for i, v := range vs {
		out[i] = core.Ref{By: by, Value: v}
	}
	return out
}

// groupMembershipPages loads a page of each customer's group memberships
// (Customer.customerGroupMemberships); the page key's filter holds the
// group external ids asked for, joined by newlines ("\x00" when none).
var groupMembershipPages = newLoaderKind(func(s *service.Service) func(context.Context, []membershipPage) ([]core.Connection[customergroup.Member], []error) {
	return pagesOf(func(ctx context.Context, parents []string, k pageKey) (map[string]core.Connection[customergroup.Member], error) {
		var exts []string
		if k.filter != noFilter {
			exts = strings.Split(k.filter, "\n")
		}
		return s.GroupMembershipsOf(ctx, parents, exts, k.pageArgs())
	})
})

// noFilter is the page key filter of a connection asked without one.
const noFilter = "\x00"

// groupFilterKey is the page key filter of a customerGroupMemberships
// filter.
func groupFilterKey(f *model.CustomerGroupMembershipsFilter) string {
	if f == nil || f.CustomerGroupExternalIds == nil {
		return noFilter
	}
	return strings.Join(f.CustomerGroupExternalIds, "\n")
}

func groupMembershipConnection(c core.Connection[customergroup.Member]) *model.CustomerGroupMembershipConnection {
	out := &model.CustomerGroupMembershipConnection{Edges: make([]model.CustomerGroupMembershipEdge, len(c.Edges)),
		PageInfo: pageInfo(c.PageInfo)}
	for i, e := range c.Edges {
		out.Edges[i] = model.CustomerGroupMembershipEdge{Cursor: e.Cursor, Node: groupMembershipModel(e.Node)}
	}
	return out
}
