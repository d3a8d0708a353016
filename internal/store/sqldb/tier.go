package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/tier"
)

const tierCols = `id, workspace_id, name, external_id, color, default_thread_priority, is_default, deleted_at, deleted_by,
	created_at, created_by, updated_at, updated_by`

func scanTier(s scanner) (tier.Tier, error) {
	var t tier.Tier
	var ext, delBy sql.NullString
	var delAt sql.NullInt64
	var cAt, uAt int64
	var cBy, uBy string
	err := s.Scan(&t.ID, &t.WorkspaceID, &t.Name, &ext, &t.Color, &t.DefaultThreadPriority, &t.IsDefault, &delAt, &delBy,
		&cAt, &cBy, &uAt, &uBy)
	t.ExternalID, t.DeletedAt, t.DeletedBy = strPtr(ext), timePtr(delAt), actorOf(delBy)
	t.CreatedAt, t.CreatedBy, t.UpdatedAt, t.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return t, err
}

// CreateTier inserts a tier.
func (t *Tx) CreateTier(ctx context.Context, ti tier.Tier) error {
	_, err := t.exec(ctx, `INSERT INTO tiers (`+tierCols+`) VALUES (`+columnPlaceholders(tierCols)+`)`,
		ti.ID, ti.WorkspaceID, ti.Name, nullStr(ti.ExternalID), ti.Color, ti.DefaultThreadPriority, ti.IsDefault,
		nullTime(ti.DeletedAt), actorPtr(ti.DeletedBy), ti.CreatedAt.Millis(), ti.CreatedBy.String(), ti.UpdatedAt.Millis(), ti.UpdatedBy.String())
	return err
}

// UpdateTier overwrites a tier's mutable columns.
func (t *Tx) UpdateTier(ctx context.Context, ti tier.Tier) error {
	return expectOne(t.exec(ctx, `UPDATE tiers SET name = ?, external_id = ?, color = ?, default_thread_priority = ?,
		is_default = ?, deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		ti.Name, nullStr(ti.ExternalID), ti.Color, ti.DefaultThreadPriority, ti.IsDefault, nullTime(ti.DeletedAt),
		actorPtr(ti.DeletedBy), ti.UpdatedAt.Millis(), ti.UpdatedBy.String(), ti.WorkspaceID, ti.ID))
}

func (t *Tx) tiers(ctx context.Context, q string, args ...any) ([]tier.Tier, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tier.Tier
	for rows.Next() {
		ti, err := scanTier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ti)
	}
	return out, rows.Err()
}

// FindTiers reads live tiers by id or external id.
func (t *Tx) FindTiers(ctx context.Context, workspaceID string, ids, externalIDs []string) ([]tier.Tier, error) {
	cond, args := anyOf([]string{"id", "external_id"}, ids, externalIDs)
	if cond == "" {
		return nil, nil
	}
	return t.tiers(ctx, `SELECT `+tierCols+` FROM tiers WHERE workspace_id = ? AND deleted_at IS NULL AND `+cond,
		append([]any{workspaceID}, args...)...)
}

// LockTier reads a live tier for change, locking its row on PostgreSQL.
func (t *Tx) LockTier(ctx context.Context, workspaceID, id string) (tier.Tier, error) {
	ti, err := scanTier(t.row(ctx, `SELECT `+tierCols+` FROM tiers WHERE workspace_id = ? AND id = ?
		AND deleted_at IS NULL`+t.forUpdate(false), workspaceID, id))
	return ti, t.wrap(err)
}

// ListTiers reads a page of live tiers in creation order.
func (t *Tx) ListTiers(ctx context.Context, workspaceID string, p core.Page) ([]tier.Tier, error) {
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.tiers(ctx, `SELECT `+tierCols+` FROM tiers`+where("workspace_id = ?", "deleted_at IS NULL", cond)+tail,
		append([]any{workspaceID}, kargs...)...)
}

// DefaultTier reads the workspace's live default tier, once per
// transaction until a statement may change it (cache.go).
func (t *Tx) DefaultTier(ctx context.Context, workspaceID string) (tier.Tier, error) {
	if ti, ok := t.cache.getDefaultTier(workspaceID); ok {
		if ti == nil {
			return tier.Tier{}, errNotFound
		}
		return *ti, nil
	}
	ti, err := scanTier(t.row(ctx, `SELECT `+tierCols+` FROM tiers WHERE workspace_id = ? AND is_default
		AND deleted_at IS NULL`, workspaceID))
	switch err = t.wrap(err); {
	case err == nil:
		t.cache.putDefaultTier(workspaceID, &ti)
	case errors.Is(err, errNotFound):
		t.cache.putDefaultTier(workspaceID, nil)
	}
	return ti, err
}

const tierMembershipCols = `id, workspace_id, tier_id, member_kind, member_id, created_at, created_by, updated_at, updated_by`

func scanTierMembership(s scanner, extra ...any) (tier.Membership, error) {
	var m tier.Membership
	var kind, cBy, uBy string
	var cAt, uAt int64
	err := s.Scan(append([]any{&m.ID, &m.WorkspaceID, &m.TierID, &kind, &m.MemberID, &cAt, &cBy, &uAt, &uBy}, extra...)...)
	m.MemberKind = tier.MemberKind(kind)
	m.CreatedAt, m.CreatedBy, m.UpdatedAt, m.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return m, err
}

// SetTierMembership inserts a membership or moves the member's existing
// one to m's tier.
func (t *Tx) SetTierMembership(ctx context.Context, m tier.Membership) (tier.Membership, error) {
	out, err := scanTierMembership(t.row(ctx, `INSERT INTO tier_memberships (`+tierMembershipCols+`) VALUES (`+columnPlaceholders(tierMembershipCols)+`)
		ON CONFLICT (workspace_id, member_id) DO UPDATE SET tier_id = excluded.tier_id, updated_at = excluded.updated_at,
		updated_by = excluded.updated_by RETURNING `+tierMembershipCols,
		m.ID, m.WorkspaceID, m.TierID, string(m.MemberKind), m.MemberID, m.CreatedAt.Millis(), m.CreatedBy.String(),
		m.UpdatedAt.Millis(), m.UpdatedBy.String()))
	return out, t.wrap(err)
}

// DeleteTierMembership deletes a member's membership and returns it.
func (t *Tx) DeleteTierMembership(ctx context.Context, workspaceID, memberID string) (tier.Membership, error) {
	m, err := scanTierMembership(t.row(ctx, `DELETE FROM tier_memberships WHERE workspace_id = ? AND member_id = ?
		RETURNING `+tierMembershipCols, workspaceID, memberID))
	return m, t.wrap(err)
}

func (t *Tx) tierMemberships(ctx context.Context, q string, extra bool, args ...any) ([]tier.Membership, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tier.Membership
	for rows.Next() {
		var rn int64
		var dst []any
		if extra {
			dst = []any{&rn}
		}
		m, err := scanTierMembership(rows, dst...)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// TierMembershipsOfMembers reads the memberships of live tiers of members.
func (t *Tx) TierMembershipsOfMembers(ctx context.Context, workspaceID string, memberIDs []string) ([]tier.Membership, error) {
	if len(memberIDs) == 0 {
		return nil, nil
	}
	in, args := inList("m.member_id", memberIDs)
	return t.tierMemberships(ctx, `SELECT `+prefixed("m.", tierMembershipCols)+` FROM tier_memberships m
		JOIN tiers ti ON ti.id = m.tier_id AND ti.deleted_at IS NULL WHERE m.workspace_id = ? AND `+in, false,
		append([]any{workspaceID}, args...)...)
}

// TierMembershipsOf reads a page of memberships per tier, by id.
func (t *Tx) TierMembershipsOf(ctx context.Context, workspaceID string, tierIDs []string, p core.Page) ([]tier.Membership, error) {
	if len(tierIDs) == 0 {
		return nil, nil
	}
	in, args := inList("m.tier_id", tierIDs)
	q, args, err := perParent(prefixed("m.", tierMembershipCols), `FROM tier_memberships m WHERE m.workspace_id = ? AND `+in,
		append([]any{workspaceID}, args...), "m.tier_id", "m.id", p)
	if err != nil {
		return nil, err
	}
	return t.tierMemberships(ctx, q, true, args...)
}

// CountTierMemberships counts the memberships of each tier.
func (t *Tx) CountTierMemberships(ctx context.Context, workspaceID string, tierIDs []string) (map[string]int, error) {
	out := make(map[string]int, len(tierIDs))
	if len(tierIDs) == 0 {
		return out, nil
	}
	in, args := inList("tier_id", tierIDs)
	rows, err := t.query(ctx, `SELECT tier_id, COUNT(*) FROM tier_memberships WHERE workspace_id = ? AND `+in+` GROUP BY tier_id`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
