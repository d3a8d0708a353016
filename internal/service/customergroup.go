package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// CreateCustomerGroup creates a customer group. Needs customerGroup:create.
func (s *Service) CreateCustomerGroup(ctx context.Context, f customergroup.Fields) (customergroup.Group, error) {
	p, err := principal(ctx, auth.CustomerGroupCreate)
	if err != nil {
		return customergroup.Group{}, err
	}
	if f, err = f.Clean(""); err != nil {
		return customergroup.Group{}, err
	}
	g := customergroup.New(p.WorkspaceID, f, s.clock.Now(), p.Actor)
	err = s.store.Update(ctx, func(tx store.Tx) error { return s.saveGroup(ctx, tx, p, g, nil) })
	return g, err
}

// UpsertCustomerGroup creates the group the identifier names (by id: it
// must exist) or sets its values. Needs customerGroup:create and
// customerGroup:edit.
func (s *Service) UpsertCustomerGroup(ctx context.Context, id customergroup.Identifier, f customergroup.Fields) (customergroup.Group, UpsertResult, error) {
	p, err := principal(ctx, auth.CustomerGroupCreate, auth.CustomerGroupEdit)
	if err != nil {
		return customergroup.Group{}, "", err
	}
	if err := id.Validate("identifier"); err != nil {
		return customergroup.Group{}, "", err
	}
	if f, err = f.Clean(""); err != nil {
		return customergroup.Group{}, "", err
	}
	var out customergroup.Group
	var result UpsertResult
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		cur, err := findGroup(ctx, tx, p.WorkspaceID, id)
		switch {
		case errors.Is(err, core.ErrNotFound) && id.ID != nil:
			return core.NotFound("identifier.customerGroupId", "Customer group")
		case errors.Is(err, core.ErrNotFound):
			out, result = customergroup.New(p.WorkspaceID, f, now, p.Actor), Created
			return s.saveGroup(ctx, tx, p, out, nil)
		case err != nil:
			return err
		}
		if cur, err = tx.LockCustomerGroup(ctx, p.WorkspaceID, cur.ID); err != nil {
			return notFoundAs(err, id.Field("identifier"), "Customer group")
		}
		next, changed := cur.Set(f, now, p.Actor)
		out, result = next, Noop
		if !changed {
			return nil
		}
		result = Updated
		return s.saveGroup(ctx, tx, p, next, &cur)
	})
	return out, result, err
}

// UpdateCustomerGroup changes a group. Needs customerGroup:edit.
func (s *Service) UpdateCustomerGroup(ctx context.Context, in customergroup.UpdateInput) (customergroup.Group, error) {
	p, err := principal(ctx, auth.CustomerGroupEdit)
	if err != nil {
		return customergroup.Group{}, err
	}
	var out customergroup.Group
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockCustomerGroup(ctx, p.WorkspaceID, in.ID)
		if err != nil {
			return notFoundAs(err, "customerGroupId", "Customer group")
		}
		next, changed, err := cur.Apply(in, s.clock.Now(), p.Actor)
		out = next
		if err != nil || !changed {
			return err
		}
		return s.saveGroup(ctx, tx, p, next, &cur)
	})
	return out, err
}

// saveGroup stores a new (prev nil) or changed group with its
// customer.customer_group_changed event, refusing a key or external id
// another group has.
func (s *Service) saveGroup(ctx context.Context, tx store.Tx, p *auth.Principal, g customergroup.Group, prev *customergroup.Group) error {
	others, err := tx.FindCustomerGroups(ctx, g.WorkspaceID, nil, []string{g.Key}, one(g.ExternalID))
	if err != nil {
		return err
	}
	for _, o := range others {
		switch {
		case o.ID == g.ID:
		case o.Key == g.Key:
			return core.Conflict(customergroup.CodeKeyTaken, "key", "A customer group with this key already exists.")
		default:
			return core.Conflict(customergroup.CodeExternalIDTaken, "externalId", "A customer group with this external id already exists.")
		}
	}
	if prev == nil {
		err = tx.CreateCustomerGroup(ctx, g)
	} else {
		err = tx.UpdateCustomerGroup(ctx, g)
	}
	if errors.Is(err, core.ErrDuplicate) {
		return core.Conflict(customergroup.CodeKeyTaken, "key", "A customer group with this key or external id already exists.")
	}
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, p.WorkspaceID, p.Actor, g.UpdatedAt, event.NewCustomerGroupChanged(&g, prev))
}

// DeleteCustomerGroup deletes a group and its memberships. Needs
// customerGroup:delete.
func (s *Service) DeleteCustomerGroup(ctx context.Context, id string) error {
	p, err := principal(ctx, auth.CustomerGroupDelete)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		g, err := tx.LockCustomerGroup(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "customerGroupId", "Customer group")
		}
		if err := tx.DeleteCustomerGroup(ctx, p.WorkspaceID, id); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, s.clock.Now(), event.NewCustomerGroupChanged(nil, &g))
	})
}

// CustomerGroup returns a group, or nil. Needs customerGroup:read.
func (s *Service) CustomerGroup(ctx context.Context, id string) (*customergroup.Group, error) {
	p, err := principal(ctx, auth.CustomerGroupRead)
	if err != nil {
		return nil, err
	}
	var g *customergroup.Group
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		g, err = optional(findGroup(ctx, tx, p.WorkspaceID, customergroup.Identifier{ID: &id}))
		return err
	})
	return g, err
}

// CustomerGroups lists groups in creation order, only those with one of
// externalIDs when it is not nil. Needs customerGroup:read.
func (s *Service) CustomerGroups(ctx context.Context, externalIDs []string, args core.PageArgs) (core.Connection[customergroup.Group], error) {
	p, err := principal(ctx, auth.CustomerGroupRead)
	if err != nil {
		return core.Connection[customergroup.Group]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[customergroup.Group]{}, err
	}
	var rows []customergroup.Group
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListCustomerGroups(ctx, p.WorkspaceID, externalIDs, page)
		return err
	})
	return core.NewConnection(page, rows, customergroup.CursorOf), err
}

// GroupMembershipsOf returns one page of customer group memberships of each
// customer of customerIDs (Customer.customerGroupMemberships), by customer;
// only of groups with one of groupExternalIDs when it is not nil. Needs
// customerGroupMembership:read; showing the groups is the caller's to check
// (customerGroup:read).
func (s *Service) GroupMembershipsOf(ctx context.Context, customerIDs, groupExternalIDs []string, args core.PageArgs) (map[string]core.Connection[customergroup.Member], error) {
	p, err := principal(ctx, auth.CustomerGroupMembershipRead)
	if err != nil {
		return nil, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return nil, err
	}
	var ms []customergroup.Member
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		ms, err = tx.GroupMembershipsOf(ctx, p.WorkspaceID, customerIDs, groupExternalIDs, page)
		return err
	})
	if err != nil {
		return nil, err
	}
	rows := map[string][]customergroup.Member{}
	for _, m := range ms {
		rows[m.Membership.CustomerID] = append(rows[m.Membership.CustomerID], m)
	}
	out := make(map[string]core.Connection[customergroup.Member], len(customerIDs))
	for _, id := range customerIDs {
		out[id] = core.NewConnection(page, rows[id], customergroup.MembershipCursor)
	}
	return out, nil
}

// AddCustomerToCustomerGroups adds a customer to groups; memberships that
// exist are kept as they are. It returns the memberships it created and
// emits customer.customer_group_memberships_changed when there are any.
// Needs customerGroupMembership:create.
func (s *Service) AddCustomerToCustomerGroups(ctx context.Context, customerID string, ids []customergroup.Identifier) ([]customergroup.Member, error) {
	p, err := principal(ctx, auth.CustomerGroupMembershipCreate)
	if err != nil {
		return nil, err
	}
	var added []customergroup.Member
	err = s.changeGroups(ctx, p, customerID, ids, event.ChangeAdded, func(tx store.Tx, c customer.Customer, g customergroup.Group, now core.Time) error {
		m := customergroup.NewMembership(p.WorkspaceID, c.ID, g.ID, now, p.Actor)
		ok, err := tx.AddGroupMembership(ctx, m)
		if ok {
			added = append(added, customergroup.Member{Membership: m, Group: g})
		}
		return err
	})
	return added, err
}

// RemoveCustomerFromCustomerGroups removes a customer from groups; it
// fails when the customer is in none of them. Needs
// customerGroupMembership:delete.
func (s *Service) RemoveCustomerFromCustomerGroups(ctx context.Context, customerID string, ids []customergroup.Identifier) error {
	p, err := principal(ctx, auth.CustomerGroupMembershipDelete)
	if err != nil {
		return err
	}
	return s.changeGroups(ctx, p, customerID, ids, event.ChangeRemoved, func(tx store.Tx, c customer.Customer, g customergroup.Group, _ core.Time) error {
		_, err := tx.RemoveGroupMembership(ctx, p.WorkspaceID, c.ID, g.ID)
		return err
	})
}

// changeGroups resolves a customer and groups, applies change to each
// group, and emits the memberships' change event when the customer's
// memberships changed; removing when none changed is an error.
func (s *Service) changeGroups(ctx context.Context, p *auth.Principal, customerID string, ids []customergroup.Identifier,
	kind event.ChangeType, change func(store.Tx, customer.Customer, customergroup.Group, core.Time) error) error {
	if len(ids) == 0 {
		return core.InvalidField("customerGroupIdentifiers", "Array must contain at least 1 element(s)")
	}
	if len(ids) > customergroup.MaxPerCall {
		return core.InvalidField("customerGroupIdentifiers", fmt.Sprintf("Array must contain at most %d element(s)", customergroup.MaxPerCall))
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		c, err := tx.LockCustomer(ctx, p.WorkspaceID, customerID)
		if err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		groups, err := resolveGroups(ctx, tx, p.WorkspaceID, "customerGroupIdentifiers", ids)
		if err != nil {
			return err
		}
		before, err := customerGroupsOf(ctx, tx, p.WorkspaceID, c.ID)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if err := change(tx, c, g, now); err != nil {
				return err
			}
		}
		after, err := customerGroupsOf(ctx, tx, p.WorkspaceID, c.ID)
		if err != nil {
			return err
		}
		if len(after) == len(before) {
			if kind == event.ChangeRemoved {
				return core.Conflict(customergroup.CodeNotMember, "customerGroupIdentifiers",
					"The customer is not a member of any of these customer groups.")
			}
			return nil
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now,
			event.NewCustomerGroupMembershipsChanged(kind, event.NewCustomer(c, after...), event.NewCustomer(c, before...)))
	})
}

// resolveGroups resolves group identifiers, reporting each unknown one
// against its input path under field; a group named twice counts once.
func resolveGroups(ctx context.Context, tx store.Tx, ws, field string, ids []customergroup.Identifier) ([]customergroup.Group, error) {
	var c core.Collector
	var out []customergroup.Group
	seen := map[string]bool{}
	for i, id := range ids {
		path := fmt.Sprintf("%s.%d", field, i)
		if err := id.Validate(path); err != nil {
			c.Invalid(path, "Exactly one of customerGroupId, customerGroupKey or externalId must be set")
			continue
		}
		g, err := findGroup(ctx, tx, ws, id)
		if errors.Is(err, core.ErrNotFound) {
			c.Add(id.Field(path), "Customer group not found", core.FieldNotFound)
			continue
		}
		if err != nil {
			return nil, err
		}
		if !seen[g.ID] {
			seen[g.ID] = true
			out = append(out, g)
		}
	}
	return out, c.Err()
}
