package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/tier"
)

// CreateTier creates a tier with its first members (each leaving the tier
// it was in). Marking it the default unmarks the previous default. Needs
// tier:create.
func (s *Service) CreateTier(ctx context.Context, in tier.CreateInput) (tier.Tier, error) {
	p, err := principal(ctx, auth.TierCreate)
	if err != nil {
		return tier.Tier{}, err
	}
	now := s.clock.Now()
	t, err := tier.New(p.WorkspaceID, in, now, p.Actor)
	if err != nil {
		return tier.Tier{}, err
	}
	if len(in.Members) > tier.MaxMembersPerCall {
		return tier.Tier{}, core.InvalidField("memberIdentifiers", fmt.Sprintf("Array must contain at most %d element(s)", tier.MaxMembersPerCall))
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if err := s.saveTier(ctx, tx, t, true); err != nil {
			return err
		}
		members, err := resolveMembers(ctx, tx, p.WorkspaceID, "memberIdentifiers", in.Members)
		if err != nil {
			return err
		}
		_, err = s.setMembers(ctx, tx, p, t.ID, members, now)
		return err
	})
	return t, err
}

// setMembers makes members members of a tier and records the change.
func (s *Service) setMembers(ctx context.Context, tx store.Tx, p *auth.Principal, tierID string, members []member, now core.Time) ([]tier.Membership, error) {
	var out []tier.Membership
	ids := make([]string, 0, len(members))
	for _, m := range members {
		stored, err := tx.SetTierMembership(ctx, tier.NewMembership(p.WorkspaceID, tierID, m.kind, m.id, now, p.Actor))
		if err != nil {
			return nil, err
		}
		out, ids = append(out, stored), append(ids, m.id)
	}
	if len(ids) == 0 {
		return out, nil
	}
	return out, s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewMembershipsChanged(event.TierMembershipsChanged, tierID, ids, nil))
}

// endMemberships ends the memberships of members, records the change per
// tier, and returns the memberships that ended.
func (s *Service) endMemberships(ctx context.Context, tx store.Tx, p *auth.Principal, members []member) ([]tier.Membership, error) {
	var out []tier.Membership
	for _, m := range members {
		gone, err := tx.DeleteTierMembership(ctx, p.WorkspaceID, m.id)
		if errors.Is(err, core.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, gone)
		if err := s.emit(ctx, tx, p.WorkspaceID, p.Actor, s.clock.Now(),
			event.NewMembershipsChanged(event.TierMembershipsChanged, gone.TierID, nil, []string{m.id})); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// saveTier stores a new or changed tier: its external id must be free
// among live tiers, and a tier becoming the default unmarks the other.
func (s *Service) saveTier(ctx context.Context, tx store.Tx, t tier.Tier, create bool) error {
	taken := core.Conflict("tier_external_id_already_taken", "externalId", "Another tier has this external id.")
	if t.ExternalID != nil {
		others, err := tx.FindTiers(ctx, t.WorkspaceID, nil, []string{*t.ExternalID})
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ID != t.ID {
				return taken
			}
		}
	}
	if t.IsDefault {
		old, err := tx.DefaultTier(ctx, t.WorkspaceID)
		switch {
		case err == nil && old.ID != t.ID:
			old.IsDefault, old.UpdatedAt, old.UpdatedBy = false, t.UpdatedAt, t.UpdatedBy
			if err := tx.UpdateTier(ctx, old); err != nil {
				return err
			}
			if err := s.emit(ctx, tx, t.WorkspaceID, t.UpdatedBy, t.UpdatedAt, event.NewAccountChanged(event.TierUpdated, event.NewTierRecord(old))); err != nil {
				return err
			}
		case err != nil && !errors.Is(err, core.ErrNotFound):
			return err
		}
	}
	var err error
	typ := event.TierUpdated
	if create {
		err, typ = tx.CreateTier(ctx, t), event.TierCreated
	} else {
		err = tx.UpdateTier(ctx, t)
	}
	if errors.Is(err, core.ErrDuplicate) {
		return taken
	}
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, t.WorkspaceID, t.UpdatedBy, t.UpdatedAt, event.NewAccountChanged(typ, event.NewTierRecord(t)))
}

// UpdateTier changes a tier. Needs tier:edit.
func (s *Service) UpdateTier(ctx context.Context, in tier.UpdateInput) (tier.Tier, error) {
	p, err := principal(ctx, auth.TierEdit)
	if err != nil {
		return tier.Tier{}, err
	}
	var out tier.Tier
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockTier(ctx, p.WorkspaceID, in.ID)
		if err != nil {
			return notFoundAs(err, "tierId", "Tier")
		}
		next, changed, err := cur.Apply(in, s.clock.Now(), p.Actor)
		out = next
		if err != nil || !changed {
			return err
		}
		return s.saveTier(ctx, tx, next, false)
	})
	return out, err
}

// DeleteTier deletes a tier: it is no longer shown, matched or usable,
// and its members read as in no tier. Needs tier:delete.
func (s *Service) DeleteTier(ctx context.Context, id string) (tier.Tier, error) {
	p, err := principal(ctx, auth.TierDelete)
	if err != nil {
		return tier.Tier{}, err
	}
	var out tier.Tier
	err = s.store.Update(ctx, func(tx store.Tx) error {
		t, err := tx.LockTier(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "tierId", "Tier")
		}
		out = t.Delete(s.clock.Now(), p.Actor)
		if err := tx.UpdateTier(ctx, out); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, out.UpdatedAt, event.NewAccountChanged(event.TierDeleted, event.NewTierRecord(out)))
	})
	return out, err
}

// Tier returns a live tier, or nil. Needs tier:read.
func (s *Service) Tier(ctx context.Context, id string) (*tier.Tier, error) {
	p, err := principal(ctx, auth.TierRead)
	if err != nil {
		return nil, err
	}
	var t *tier.Tier
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		t, err = optional(findTier(ctx, tx, p.WorkspaceID, tier.Identifier{ID: &id}))
		return err
	})
	return t, err
}

// TiersByIDs loads live tiers for batched resolution. Needs tier:read.
func (s *Service) TiersByIDs(ctx context.Context, ids []string) (map[string]tier.Tier, error) {
	p, err := principal(ctx, auth.TierRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]tier.Tier, len(ids))
	err = s.store.View(ctx, func(tx store.Tx) error {
		ts, err := tx.FindTiers(ctx, p.WorkspaceID, ids, nil)
		for _, t := range ts {
			out[t.ID] = t
		}
		return err
	})
	return out, err
}

// TiersOfMembers loads, for batched resolution, the live tier of each
// tenant or company of memberIDs that is in one. Needs tier:read.
func (s *Service) TiersOfMembers(ctx context.Context, memberIDs []string) (map[string]tier.Tier, error) {
	p, err := principal(ctx, auth.TierRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]tier.Tier, len(memberIDs))
	err = s.store.View(ctx, func(tx store.Tx) error {
		ms, err := tx.TierMembershipsOfMembers(ctx, p.WorkspaceID, memberIDs)
		if err != nil || len(ms) == 0 {
			return err
		}
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.TierID
		}
		ts, err := tx.FindTiers(ctx, p.WorkspaceID, dedupe(ids), nil)
		byID := map[string]tier.Tier{}
		for _, t := range ts {
			byID[t.ID] = t
		}
		for _, m := range ms {
			if t, ok := byID[m.TierID]; ok {
				out[m.MemberID] = t
			}
		}
		return err
	})
	return out, err
}

// Tiers lists live tiers in creation order. Needs tier:read.
func (s *Service) Tiers(ctx context.Context, args core.PageArgs) (core.Connection[tier.Tier], error) {
	p, err := principal(ctx, auth.TierRead)
	if err != nil {
		return core.Connection[tier.Tier]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[tier.Tier]{}, err
	}
	var rows []tier.Tier
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListTiers(ctx, p.WorkspaceID, page)
		return err
	})
	return core.NewConnection(page, rows, tier.CursorOf), err
}

// TierMemberships returns one page of the memberships of each tier of
// tierIDs (Tier.memberships), with their total counts. Needs
// tierMembership:read.
func (s *Service) TierMemberships(ctx context.Context, tierIDs []string, args core.PageArgs) (map[string]core.Connection[tier.Membership], error) {
	p, err := principal(ctx, auth.TierMembershipRead)
	if err != nil {
		return nil, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return nil, err
	}
	var ms []tier.Membership
	var counts map[string]int
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if ms, err = tx.TierMembershipsOf(ctx, p.WorkspaceID, tierIDs, page); err != nil {
			return err
		}
		counts, err = tx.CountTierMemberships(ctx, p.WorkspaceID, tierIDs)
		return err
	})
	if err != nil {
		return nil, err
	}
	rows := map[string][]tier.Membership{}
	for _, m := range ms {
		rows[m.TierID] = append(rows[m.TierID], m)
	}
	out := make(map[string]core.Connection[tier.Membership], len(tierIDs))
	for _, id := range tierIDs {
		c := core.NewConnection(page, rows[id], tier.MembershipCursor)
		c.TotalCount = counts[id]
		out[id] = c
	}
	return out, nil
}

// member is a resolved tier member.
type member struct {
	kind tier.MemberKind
	id   string
}

// resolveMembers checks that each member names a live tenant or company of
// the workspace, reporting each problem against its input path.
func resolveMembers(ctx context.Context, tx store.Tx, ws, field string, ms []tier.Member) ([]member, error) {
	var c core.Collector
	var out []member
	for i, m := range ms {
		path := fmt.Sprintf("%s.%d", field, i)
		kind, id, ok := m.Kind()
		if !ok {
			c.Invalid(path, "Exactly one of tenantId or companyId must be set")
			continue
		}
		var found bool
		if kind == tier.MemberTenant {
			ts, err := tx.FindTenants(ctx, ws, []string{id}, nil)
			if err != nil {
				return nil, err
			}
			found = len(ts) > 0
		} else {
			cs, err := tx.FindCompanies(ctx, ws, []string{id}, nil)
			if err != nil {
				return nil, err
			}
			found = len(cs) > 0
		}
		if !found {
			what := map[tier.MemberKind]string{tier.MemberTenant: "Tenant", tier.MemberCompany: "Company"}[kind]
			c.Add(m.Field(path), what+" not found", core.FieldNotFound)
			continue
		}
		out = append(out, member{kind: kind, id: id})
	}
	return out, c.Err()
}

// AddMembersToTier makes tenants and companies members of a tier (each
// leaves the tier it was in) and returns their memberships. Needs
// tierMembership:read and tierMembership:create.
func (s *Service) AddMembersToTier(ctx context.Context, id tier.Identifier, ms []tier.Member) ([]tier.Membership, error) {
	p, err := principal(ctx, auth.TierMembershipRead, auth.TierMembershipCreate)
	if err != nil {
		return nil, err
	}
	if err := id.Validate("tierIdentifier"); err != nil {
		return nil, err
	}
	if len(ms) > tier.MaxMembersPerCall {
		return nil, core.InvalidField("memberIdentifiers", fmt.Sprintf("Array must contain at most %d element(s)", tier.MaxMembersPerCall))
	}
	var out []tier.Membership
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		t, err := findTier(ctx, tx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, id.Field("tierIdentifier"), "Tier")
		}
		members, err := resolveMembers(ctx, tx, p.WorkspaceID, "memberIdentifiers", ms)
		if err != nil {
			return err
		}
		out, err = s.setMembers(ctx, tx, p, t.ID, members, now)
		return err
	})
	return out, err
}

// RemoveMembersFromTier ends the tier memberships of tenants and
// companies, and returns the memberships that ended. Needs
// tierMembership:read and tierMembership:delete.
func (s *Service) RemoveMembersFromTier(ctx context.Context, ms []tier.Member) ([]tier.Membership, error) {
	p, err := principal(ctx, auth.TierMembershipRead, auth.TierMembershipDelete)
	if err != nil {
		return nil, err
	}
	if len(ms) > tier.MaxMembersPerCall {
		return nil, core.InvalidField("memberIdentifiers", fmt.Sprintf("Array must contain at most %d element(s)", tier.MaxMembersPerCall))
	}
	var out []tier.Membership
	err = s.store.Update(ctx, func(tx store.Tx) error {
		members, err := resolveMembers(ctx, tx, p.WorkspaceID, "memberIdentifiers", ms)
		if err != nil {
			return err
		}
		out, err = s.endMemberships(ctx, tx, p, members)
		return err
	})
	return out, err
}

// UpdateTenantTier puts a tenant in a tier, or (a nil tier) in none; it
// returns the membership, or nil when there is none. Needs
// tierMembership:read and tierMembership:create.
func (s *Service) UpdateTenantTier(ctx context.Context, who tenant.Identifier, id *tier.Identifier) (*tier.Membership, error) {
	return s.updateMemberTier(ctx, "tenantIdentifier", who.Validate, id, func(tx store.Tx, ws string) (member, error) {
		t, err := findTenant(ctx, tx, ws, who)
		return member{kind: tier.MemberTenant, id: t.ID}, notFoundAs(err, who.Field("tenantIdentifier"), "Tenant")
	})
}

// UpdateCompanyTier puts a company in a tier, or (a nil tier) in none; it
// returns the membership, or nil when there is none. Needs
// tierMembership:read and tierMembership:create.
func (s *Service) UpdateCompanyTier(ctx context.Context, who company.Identifier, id *tier.Identifier) (*tier.Membership, error) {
	return s.updateMemberTier(ctx, "companyIdentifier", who.Validate, id, func(tx store.Tx, ws string) (member, error) {
		c, err := findCompany(ctx, tx, ws, who)
		return member{kind: tier.MemberCompany, id: c.ID}, notFoundAs(err, who.Field("companyIdentifier"), "Company")
	})
}

// updateMemberTier sets the tier of the member find resolves.
func (s *Service) updateMemberTier(ctx context.Context, field string, validate func(string) error, id *tier.Identifier,
	find func(tx store.Tx, ws string) (member, error)) (*tier.Membership, error) {
	p, err := principal(ctx, auth.TierMembershipRead, auth.TierMembershipCreate)
	if err != nil {
		return nil, err
	}
	if err := validate(field); err != nil {
		return nil, err
	}
	if id != nil {
		if err := id.Validate("tierIdentifier"); err != nil {
			return nil, err
		}
	}
	var out *tier.Membership
	err = s.store.Update(ctx, func(tx store.Tx) error {
		m, err := find(tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		var ms []tier.Membership
		if id == nil {
			ms, err = s.endMemberships(ctx, tx, p, []member{m})
		} else {
			t, ferr := findTier(ctx, tx, p.WorkspaceID, *id)
			if ferr != nil {
				return notFoundAs(ferr, id.Field("tierIdentifier"), "Tier")
			}
			ms, err = s.setMembers(ctx, tx, p, t.ID, []member{m}, s.clock.Now())
		}
		if len(ms) > 0 {
			out = &ms[0]
		}
		return err
	})
	return out, err
}

// UpdateThreadTier puts a thread in a tier, or (nil) in none. Needs
// thread:edit and thread:read.
func (s *Service) UpdateThreadTier(ctx context.Context, threadID string, id *tier.Identifier) (thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadEdit, auth.ThreadRead)
	if err != nil {
		return thread.Thread{}, err
	}
	if id != nil {
		if err := id.Validate("tierIdentifier"); err != nil {
			return thread.Thread{}, err
		}
	}
	return s.changeThread(ctx, p, threadID, event.ThreadTierUpdated,
		func(tx store.Tx, th thread.Thread, now core.Time) (thread.Thread, threadEvent, error) {
			var tierID *string
			if id != nil {
				t, err := findTier(ctx, tx, p.WorkspaceID, *id)
				if err != nil {
					return th, nil, notFoundAs(err, id.Field("tierIdentifier"), "Tier")
				}
				tierID = &t.ID
			}
			if core.Equal(th.TierID, tierID) {
				return th, nil, nil
			}
			next := th
			next.TierID = tierID
			return next, func(c event.ThreadChange) event.Payload { return event.NewThreadTierUpdated(c) }, nil
		})
}
