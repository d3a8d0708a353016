package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customergroup"
)

const groupCols = `id, workspace_id, name, key, color, external_id, created_at, created_by, updated_at, updated_by`

func scanGroup(s scanner, extra ...any) (customergroup.Group, error) {
	var g customergroup.Group
	var ext sql.NullString
	var cAt, uAt int64
	var cBy, uBy string
	err := s.Scan(append([]any{&g.ID, &g.WorkspaceID, &g.Name, &g.Key, &g.Color, &ext, &cAt, &cBy, &uAt, &uBy}, extra...)...)
	g.ExternalID = strPtr(ext)
	g.CreatedAt, g.CreatedBy, g.UpdatedAt, g.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return g, err
}

// CreateCustomerGroup inserts a group.
func (t *Tx) CreateCustomerGroup(ctx context.Context, g customergroup.Group) error {
	_, err := t.exec(ctx, `INSERT INTO customer_groups (`+groupCols+`) VALUES (`+columnPlaceholders(groupCols)+`)`,
		g.ID, g.WorkspaceID, g.Name, g.Key, g.Color, nullStr(g.ExternalID), g.CreatedAt.Millis(), g.CreatedBy.String(),
		g.UpdatedAt.Millis(), g.UpdatedBy.String())
	return err
}

// UpdateCustomerGroup overwrites a group's mutable columns.
func (t *Tx) UpdateCustomerGroup(ctx context.Context, g customergroup.Group) error {
	return expectOne(t.exec(ctx, `UPDATE customer_groups SET name = ?, key = ?, color = ?, external_id = ?, updated_at = ?,
		updated_by = ? WHERE workspace_id = ? AND id = ?`, g.Name, g.Key, g.Color, nullStr(g.ExternalID),
		g.UpdatedAt.Millis(), g.UpdatedBy.String(), g.WorkspaceID, g.ID))
}

// DeleteCustomerGroup deletes a group; its memberships go with it (ON
// DELETE CASCADE).
func (t *Tx) DeleteCustomerGroup(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM customer_groups WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}

func (t *Tx) groups(ctx context.Context, q string, args ...any) ([]customergroup.Group, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customergroup.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindCustomerGroups reads groups by id, key or external id.
func (t *Tx) FindCustomerGroups(ctx context.Context, workspaceID string, ids, keys, externalIDs []string) ([]customergroup.Group, error) {
	cond, args := anyOf([]string{"id", "key", "external_id"}, ids, keys, externalIDs)
	if cond == "" {
		return nil, nil
	}
	return t.groups(ctx, `SELECT `+groupCols+` FROM customer_groups WHERE workspace_id = ? AND `+cond,
		append([]any{workspaceID}, args...)...)
}

// LockCustomerGroup reads a group for change, locking its row on PostgreSQL.
func (t *Tx) LockCustomerGroup(ctx context.Context, workspaceID, id string) (customergroup.Group, error) {
	g, err := scanGroup(t.row(ctx, `SELECT `+groupCols+` FROM customer_groups WHERE workspace_id = ? AND id = ?`+t.forUpdate(false),
		workspaceID, id))
	return g, t.wrap(err)
}

// ListCustomerGroups reads a page of groups in creation order.
func (t *Tx) ListCustomerGroups(ctx context.Context, workspaceID string, externalIDs []string, p core.Page) ([]customergroup.Group, error) {
	conds, args := idsCond([]string{"workspace_id = ?"}, []any{workspaceID}, "external_id", externalIDs)
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.groups(ctx, `SELECT `+groupCols+` FROM customer_groups`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
}

// AddGroupMembership inserts a membership unless it exists.
func (t *Tx) AddGroupMembership(ctx context.Context, m customergroup.Membership) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO customer_group_memberships (workspace_id, customer_id, customer_group_id,
		created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, customer_group_id) DO NOTHING`, m.WorkspaceID, m.CustomerID, m.GroupID,
		m.CreatedAt.Millis(), m.CreatedBy.String(), m.UpdatedAt.Millis(), m.UpdatedBy.String())
	return affected(res, err)
}

// RemoveGroupMembership deletes a membership if it exists.
func (t *Tx) RemoveGroupMembership(ctx context.Context, workspaceID, customerID, groupID string) (bool, error) {
	return affected(t.exec(ctx, `DELETE FROM customer_group_memberships WHERE workspace_id = ? AND customer_id = ?
		AND customer_group_id = ?`, workspaceID, customerID, groupID))
}

// GroupMembershipsOf reads a page of memberships, with their groups, per
// customer, by group id.
func (t *Tx) GroupMembershipsOf(ctx context.Context, workspaceID string, customerIDs, groupExternalIDs []string, p core.Page) ([]customergroup.Member, error) {
	if len(customerIDs) == 0 {
		return nil, nil
	}
	in, args := inList("m.customer_id", customerIDs)
	conds, args := idsCond([]string{"m.workspace_id = ?", in}, append([]any{workspaceID}, args...), "g.external_id", groupExternalIDs)
	q, args, err := perParent(prefixed("g.", groupCols)+`, m.customer_id AS member_id, m.created_at AS m_created_at,
		m.created_by AS m_created_by, m.updated_at AS m_updated_at, m.updated_by AS m_updated_by`,
		`FROM customer_group_memberships m JOIN customer_groups g ON g.id = m.customer_group_id`+where(conds...),
		args, "m.customer_id", "m.customer_group_id", p)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customergroup.Member
	for rows.Next() {
		var m customergroup.Member
		var cAt, uAt, rn int64
		var cBy, uBy string
		g, err := scanGroup(rows, &m.Membership.CustomerID, &cAt, &cBy, &uAt, &uBy, &rn)
		if err != nil {
			return nil, err
		}
		m.Group = g
		m.Membership.WorkspaceID, m.Membership.GroupID = g.WorkspaceID, g.ID
		m.Membership.CreatedAt, m.Membership.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
		m.Membership.UpdatedAt, m.Membership.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
		out = append(out, m)
	}
	return out, rows.Err()
}
