package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
)

// UpsertTenant creates the tenant the identifier names (by id: it must
// exist; by external id: it is created when no live tenant has it) or
// updates it. Needs tenant:read and tenant:create, and tenant:edit to
// change an existing tenant.
func (s *Service) UpsertTenant(ctx context.Context, in tenant.UpsertInput) (tenant.Tenant, UpsertResult, error) {
	p, err := principal(ctx, auth.TenantRead, auth.TenantCreate)
	if err != nil {
		return tenant.Tenant{}, "", err
	}
	if in, err = in.Clean(); err != nil {
		return tenant.Tenant{}, "", err
	}
	var out tenant.Tenant
	var result UpsertResult
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		cur, err := findTenant(ctx, tx, p.WorkspaceID, in.Identifier)
		switch {
		case errors.Is(err, core.ErrNotFound) && in.Identifier.ID != nil:
			return core.NotFound("identifier.tenantId", "Tenant")
		case errors.Is(err, core.ErrNotFound):
			out, result = tenant.New(p.WorkspaceID, in, now, p.Actor), Created
			return s.saveTenant(ctx, tx, out, true)
		case err != nil:
			return err
		}
		if cur, err = tx.LockTenant(ctx, p.WorkspaceID, cur.ID); err != nil {
			return notFoundAs(err, in.Identifier.Field("identifier"), "Tenant")
		}
		next, changed := cur.Apply(in, now, p.Actor)
		out, result = next, Noop
		if !changed {
			return nil
		}
		if err := p.Require(auth.TenantEdit); err != nil {
			return err
		}
		result = Updated
		return s.saveTenant(ctx, tx, next, false)
	})
	return out, result, err
}

// saveTenant stores a new or changed tenant, refusing an external id
// another live tenant has.
func (s *Service) saveTenant(ctx context.Context, tx store.Tx, t tenant.Tenant, create bool) error {
	taken := core.Conflict("tenant_external_id_already_taken", "externalId", "Another tenant has this external id.")
	others, err := tx.FindTenants(ctx, t.WorkspaceID, nil, []string{t.ExternalID})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != t.ID {
			return taken
		}
	}
	typ := event.TenantUpdated
	if create {
		err, typ = tx.CreateTenant(ctx, t), event.TenantCreated
	} else {
		err = tx.UpdateTenant(ctx, t)
	}
	if errors.Is(err, core.ErrDuplicate) {
		return taken
	}
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, t.WorkspaceID, t.UpdatedBy, t.UpdatedAt, event.NewAccountChanged(typ, event.NewTenantRecord(t)))
}

// Tenant returns a live tenant, or nil. Needs tenant:read.
func (s *Service) Tenant(ctx context.Context, id string) (*tenant.Tenant, error) {
	p, err := principal(ctx, auth.TenantRead)
	if err != nil {
		return nil, err
	}
	var t *tenant.Tenant
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		t, err = optional(findTenant(ctx, tx, p.WorkspaceID, tenant.Identifier{ID: &id}))
		return err
	})
	return t, err
}

// TenantsByIDs loads live tenants for batched resolution. Needs tenant:read.
func (s *Service) TenantsByIDs(ctx context.Context, ids []string) (map[string]tenant.Tenant, error) {
	p, err := principal(ctx, auth.TenantRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]tenant.Tenant, len(ids))
	err = s.store.View(ctx, func(tx store.Tx) error {
		ts, err := tx.FindTenants(ctx, p.WorkspaceID, ids, nil)
		for _, t := range ts {
			out[t.ID] = t
		}
		return err
	})
	return out, err
}

// Tenants lists tenants in creation order; with f.Term set it searches
// them (searchTenants). tiers, when not nil, keeps the tenants of one of
// the tiers it names. Needs tenant:read.
func (s *Service) Tenants(ctx context.Context, f tenant.Filter, tiers []core.Ref, args core.PageArgs) (core.Connection[tenant.Tenant], error) {
	p, err := principal(ctx, auth.TenantRead)
	if err != nil {
		return core.Connection[tenant.Tenant]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[tenant.Tenant]{}, err
	}
	var rows []tenant.Tenant
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if tiers != nil {
			x, err := tierIndex(ctx, tx, p.WorkspaceID, tiers)
			if err != nil {
				return err
			}
			f.TierIDs = x.ids(tiers)
		}
		rows, err = tx.ListTenants(ctx, p.WorkspaceID, f, page)
		return err
	})
	return core.NewConnection(page, rows, tenant.CursorOf), err
}

// TenantMembership is a customer's membership of a tenant, with the tenant.
type TenantMembership struct {
	Membership tenant.Membership
	Tenant     tenant.Tenant
}

// TenantMembershipsOf returns one page of tenant memberships of each
// customer of customerIDs (Customer.tenantMemberships), by customer.
// Needs customerTenantMembership:read; showing the tenants is the
// caller's to check (tenant:read).
func (s *Service) TenantMembershipsOf(ctx context.Context, customerIDs []string, args core.PageArgs) (map[string]core.Connection[TenantMembership], error) {
	p, err := principal(ctx, auth.CustomerTenantMembershipRead)
	if err != nil {
		return nil, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return nil, err
	}
	var ms []tenant.Membership
	var ts []tenant.Tenant
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if ms, err = tx.TenantMembershipsOf(ctx, p.WorkspaceID, customerIDs, page); err != nil || len(ms) == 0 {
			return err
		}
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.TenantID
		}
		ts, err = tx.FindTenants(ctx, p.WorkspaceID, dedupe(ids), nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	byID := map[string]tenant.Tenant{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	rows := map[string][]TenantMembership{}
	for _, m := range ms {
		rows[m.CustomerID] = append(rows[m.CustomerID], TenantMembership{Membership: m, Tenant: byID[m.TenantID]})
	}
	out := make(map[string]core.Connection[TenantMembership], len(customerIDs))
	for _, id := range customerIDs {
		out[id] = core.NewConnection(page, rows[id], func(m TenantMembership) string { return tenant.MembershipCursor(m.Membership) })
	}
	return out, nil
}

// TenantMembershipChange is which memberships addCustomerToTenants,
// removeCustomerFromTenants and setCustomerTenants change.
type TenantMembershipChange int

// The membership changes.
const (
	AddTenants TenantMembershipChange = iota
	RemoveTenants
	SetTenants
)

// ChangeCustomerTenants adds a customer to tenants, removes them from
// tenants, or sets the tenants they are a member of (every other
// membership ends). Adding a membership that exists or removing one that
// does not is not an error. Needs customer:edit and
// customerTenantMembership:create and/or :delete.
func (s *Service) ChangeCustomerTenants(ctx context.Context, change TenantMembershipChange, who customer.Identifier, ids []tenant.Identifier) (customer.Customer, error) {
	perms := map[TenantMembershipChange][]auth.Permission{
		AddTenants:    {auth.CustomerEdit, auth.CustomerTenantMembershipCreate},
		RemoveTenants: {auth.CustomerEdit, auth.CustomerTenantMembershipDelete},
		SetTenants:    {auth.CustomerEdit, auth.CustomerTenantMembershipCreate, auth.CustomerTenantMembershipDelete},
	}[change]
	p, err := principal(ctx, perms...)
	if err != nil {
		return customer.Customer{}, err
	}
	if err := who.Validate("customerIdentifier"); err != nil {
		return customer.Customer{}, err
	}
	if len(ids) > tenant.MaxPerCall {
		return customer.Customer{}, core.InvalidField("tenantIdentifiers", fmt.Sprintf("Array must contain at most %d element(s)", tenant.MaxPerCall))
	}
	var out customer.Customer
	err = s.store.Update(ctx, func(tx store.Tx) error {
		c, err := findCustomer(ctx, tx, p.WorkspaceID, who)
		if err == nil {
			c, err = tx.LockCustomer(ctx, p.WorkspaceID, c.ID)
		}
		if err != nil {
			return notFoundAs(err, who.Field("customerIdentifier"), "Customer")
		}
		out = c
		ts, err := resolveTenants(ctx, tx, p.WorkspaceID, "tenantIdentifiers", ids)
		if err != nil {
			return err
		}
		return s.applyTenantChange(ctx, tx, p, change, c, ts)
	})
	return out, err
}

// resolveTenants resolves tenant identifiers, reporting each unknown one
// against its input path under field.
func resolveTenants(ctx context.Context, tx store.Tx, ws, field string, ids []tenant.Identifier) ([]tenant.Tenant, error) {
	var c core.Collector
	var out []tenant.Tenant
	for i, id := range ids {
		path := fmt.Sprintf("%s.%d", field, i)
		if err := id.Validate(path); err != nil {
			c.Invalid(path, "Exactly one of tenantId or externalId must be set")
			continue
		}
		t, err := findTenant(ctx, tx, ws, id)
		if errors.Is(err, core.ErrNotFound) {
			c.Add(id.Field(path), "Tenant not found", core.FieldNotFound)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, c.Err()
}

// applyTenantChange writes a change of a customer's tenant memberships.
func (s *Service) applyTenantChange(ctx context.Context, tx store.Tx, p *auth.Principal, change TenantMembershipChange,
	c customer.Customer, ts []tenant.Tenant) error {
	now := s.clock.Now()
	want := map[string]bool{}
	var added, removed []string
	for _, t := range ts {
		want[t.ID] = true
		if change == RemoveTenants {
			ok, err := tx.RemoveTenantMembership(ctx, p.WorkspaceID, c.ID, t.ID)
			if err != nil {
				return err
			}
			if ok {
				removed = append(removed, t.ID)
			}
			continue
		}
		if ok, err := tx.AddTenantMembership(ctx, tenant.NewMembership(p.WorkspaceID, c.ID, t.ID, now, p.Actor)); err != nil {
			return err
		} else if ok {
			added = append(added, t.ID)
		}
	}
	if change == SetTenants {
		others, err := s.removeOtherTenants(ctx, tx, p, c, want)
		if err != nil {
			return err
		}
		removed = others
	}
	if len(added)+len(removed) == 0 {
		return nil
	}
	return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now,
		event.NewMembershipsChanged(event.CustomerTenantMembershipsChanged, c.ID, added, removed))
}

// removeOtherTenants ends every membership of c in a tenant not in want
// and returns those tenants.
func (s *Service) removeOtherTenants(ctx context.Context, tx store.Tx, p *auth.Principal, c customer.Customer, want map[string]bool) ([]string, error) {
	var removed []string
	// Every membership the set leaves out ends, a page at a time.
	page := core.Page{Limit: core.MaxPageSize}
	for {
		ms, err := tx.TenantMembershipsOf(ctx, p.WorkspaceID, []string{c.ID}, page)
		if err != nil {
			return nil, err
		}
		for i, m := range ms {
			if i < page.Limit && !want[m.TenantID] {
				if _, err := tx.RemoveTenantMembership(ctx, p.WorkspaceID, c.ID, m.TenantID); err != nil {
					return nil, err
				}
				removed = append(removed, m.TenantID)
			}
		}
		if len(ms) <= page.Limit {
			return removed, nil
		}
		page.After = core.Cursor{ms[page.Limit-1].TenantID}
	}
}

// DeleteTenant deletes a tenant: it is no longer shown, matched or usable,
// threads and customers read as not in it, and its tier membership ends.
// Needs tenant:delete.
func (s *Service) DeleteTenant(ctx context.Context, id tenant.Identifier) (tenant.Tenant, error) {
	p, err := principal(ctx, auth.TenantDelete)
	if err != nil {
		return tenant.Tenant{}, err
	}
	if err := id.Validate("tenantIdentifier"); err != nil {
		return tenant.Tenant{}, err
	}
	var out tenant.Tenant
	err = s.store.Update(ctx, func(tx store.Tx) error {
		t, err := findTenant(ctx, tx, p.WorkspaceID, id)
		if err == nil {
			t, err = tx.LockTenant(ctx, p.WorkspaceID, t.ID)
		}
		if err != nil {
			return notFoundAs(err, id.Field("tenantIdentifier"), "Tenant")
		}
		out = t.Delete(s.clock.Now(), p.Actor)
		if _, err := tx.DeleteTierMembership(ctx, p.WorkspaceID, t.ID); err != nil && !errors.Is(err, core.ErrNotFound) {
			return err
		}
		if err := tx.UpdateTenant(ctx, out); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, out.UpdatedAt, event.NewAccountChanged(event.TenantDeleted, event.NewTenantRecord(out)))
	})
	return out, err
}

// UpdateThreadTenant moves a thread to a tenant, or detaches it (nil).
// The thread's tier follows: the new tenant's, else its customer's
// company's, else the default tier. Needs thread:edit and thread:read.
func (s *Service) UpdateThreadTenant(ctx context.Context, threadID string, id *tenant.Identifier) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	if id != nil {
		if err := id.Validate("tenantIdentifier"); err != nil {
			return thread.Thread{}, err
		}
	}
	return s.changeThread(ctx, p, threadID, event.ThreadTenantUpdated,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			var tenantID *string
			if id != nil {
				t, err := findTenant(ctx, tx, p.WorkspaceID, *id)
				if err != nil {
					return th, nil, notFoundAs(err, id.Field("tenantIdentifier"), "Tenant")
				}
				tenantID = &t.ID
			}
			if core.Equal(th.TenantID, tenantID) {
				return th, nil, nil
			}
			c, err := tx.GetCustomer(ctx, p.WorkspaceID, th.CustomerID)
			if err != nil {
				return th, nil, err
			}
			tr, err := threadTier(ctx, tx, p.WorkspaceID, tenantID, c.CompanyID)
			if err != nil {
				return th, nil, err
			}
			next := th
			next.TenantID, next.TierID = tenantID, nil
			if tr != nil {
				next.TierID = &tr.ID
			}
			return next, func(c event.ThreadChange) event.Payload { return event.NewThreadTenantUpdated(c) }, nil
		})
}
