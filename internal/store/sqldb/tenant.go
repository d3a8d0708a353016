package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/tenant"
)

const tenantCols = `id, workspace_id, external_id, name, url, primary_domain, alternate_domains, is_domain_auto_join_enabled,
	source, deleted_at, deleted_by, created_at, created_by, updated_at, updated_by`

func scanTenant(s scanner) (tenant.Tenant, error) {
	var t tenant.Tenant
	var url, primary, delBy sql.NullString
	var delAt sql.NullInt64
	var domains, cBy, uBy string
	var cAt, uAt int64
	err := s.Scan(&t.ID, &t.WorkspaceID, &t.ExternalID, &t.Name, &url, &primary, &domains, &t.IsDomainAutoJoinEnabled,
		&t.Source, &delAt, &delBy, &cAt, &cBy, &uAt, &uBy)
	if err != nil {
		return t, err
	}
	t.URL, t.PrimaryDomain, t.DeletedAt, t.DeletedBy = strPtr(url), strPtr(primary), timePtr(delAt), actorOf(delBy)
	t.CreatedAt, t.CreatedBy, t.UpdatedAt, t.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	t.AlternateDomains = []string{}
	return t, json.Unmarshal([]byte(domains), &t.AlternateDomains)
}

func domainsJSON(ds []string) string {
	if ds == nil {
		ds = []string{}
	}
	b, _ := json.Marshal(ds)
	return string(b)
}

// CreateTenant inserts a tenant.
func (t *Tx) CreateTenant(ctx context.Context, te tenant.Tenant) error {
	_, err := t.exec(ctx, `INSERT INTO tenants (`+tenantCols+`) VALUES (`+columnPlaceholders(tenantCols)+`)`,
		te.ID, te.WorkspaceID, te.ExternalID, te.Name, nullStr(te.URL), nullStr(te.PrimaryDomain), domainsJSON(te.AlternateDomains),
		te.IsDomainAutoJoinEnabled, te.Source, nullTime(te.DeletedAt), actorPtr(te.DeletedBy),
		te.CreatedAt.Millis(), te.CreatedBy.String(), te.UpdatedAt.Millis(), te.UpdatedBy.String())
	return err
}

// UpdateTenant overwrites a tenant's mutable columns.
func (t *Tx) UpdateTenant(ctx context.Context, te tenant.Tenant) error {
	return expectOne(t.exec(ctx, `UPDATE tenants SET external_id = ?, name = ?, url = ?, primary_domain = ?,
		alternate_domains = ?, is_domain_auto_join_enabled = ?, deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ?
		WHERE workspace_id = ? AND id = ?`, te.ExternalID, te.Name, nullStr(te.URL), nullStr(te.PrimaryDomain),
		domainsJSON(te.AlternateDomains), te.IsDomainAutoJoinEnabled, nullTime(te.DeletedAt), actorPtr(te.DeletedBy),
		te.UpdatedAt.Millis(), te.UpdatedBy.String(), te.WorkspaceID, te.ID))
}

func (t *Tx) tenants(ctx context.Context, q string, args ...any) ([]tenant.Tenant, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenant.Tenant
	for rows.Next() {
		te, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, te)
	}
	return out, rows.Err()
}

// FindTenants reads live tenants by id or external id.
func (t *Tx) FindTenants(ctx context.Context, workspaceID string, ids, externalIDs []string) ([]tenant.Tenant, error) {
	cond, args := anyOf([]string{"id", "external_id"}, ids, externalIDs)
	if cond == "" {
		return nil, nil
	}
	return t.tenants(ctx, `SELECT `+tenantCols+` FROM tenants WHERE workspace_id = ? AND deleted_at IS NULL AND `+cond,
		append([]any{workspaceID}, args...)...)
}

// LockTenant reads a live tenant for change, locking its row on PostgreSQL.
func (t *Tx) LockTenant(ctx context.Context, workspaceID, id string) (tenant.Tenant, error) {
	te, err := scanTenant(t.row(ctx, `SELECT `+tenantCols+` FROM tenants WHERE workspace_id = ? AND id = ?
		AND deleted_at IS NULL`+t.forUpdate(false), workspaceID, id))
	return te, t.wrap(err)
}

// ListTenants reads a page of tenants in creation order.
func (t *Tx) ListTenants(ctx context.Context, workspaceID string, f tenant.Filter, p core.Page) ([]tenant.Tenant, error) {
	conds, args := []string{"workspace_id = ?"}, []any{workspaceID}
	if f.MatchNothing {
		conds = append(conds, "1 = 0")
	}
	if f.IsDeleted {
		conds = append(conds, "deleted_at IS NOT NULL")
	} else {
		conds = append(conds, "deleted_at IS NULL")
	}
	conds, args = idsCond(conds, args, "id", f.IDs)
	if f.TierIDs != nil {
		var sub []string
		sub, args = idsCond(nil, args, "m.tier_id", f.TierIDs)
		conds = append(conds, "id IN (SELECT m.member_id FROM tier_memberships m WHERE m.workspace_id = tenants.workspace_id AND "+sub[0]+")")
	}
	conds, args = updatedConds(conds, args, f.UpdatedAfter, f.UpdatedBefore)
	if f.Term != "" {
		conds = append(conds, `(LOWER(name) LIKE ? ESCAPE '\' OR external_id = ?)`)
		args = append(args, "%"+likeEscape(strings.ToLower(f.Term))+"%", f.Term)
	}
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.tenants(ctx, `SELECT `+tenantCols+` FROM tenants`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
}

// AddTenantMembership inserts a membership unless it exists.
func (t *Tx) AddTenantMembership(ctx context.Context, m tenant.Membership) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO customer_tenant_memberships (workspace_id, customer_id, tenant_id, created_at,
		created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id, tenant_id) DO NOTHING`,
		m.WorkspaceID, m.CustomerID, m.TenantID, m.CreatedAt.Millis(), m.CreatedBy.String(), m.UpdatedAt.Millis(), m.UpdatedBy.String())
	return affected(res, err)
}

// RemoveTenantMembership deletes a membership if it exists.
func (t *Tx) RemoveTenantMembership(ctx context.Context, workspaceID, customerID, tenantID string) (bool, error) {
	return affected(t.exec(ctx, `DELETE FROM customer_tenant_memberships WHERE workspace_id = ? AND customer_id = ? AND tenant_id = ?`,
		workspaceID, customerID, tenantID))
}

// affected reports whether a statement changed a row.
func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// TenantMembershipsOf reads a page of memberships of live tenants for each
// customer, by tenant id.
func (t *Tx) TenantMembershipsOf(ctx context.Context, workspaceID string, customerIDs []string, p core.Page) ([]tenant.Membership, error) {
	if len(customerIDs) == 0 {
		return nil, nil
	}
	in, args := inList("m.customer_id", customerIDs)
	q, args, err := perParent(`m.workspace_id, m.customer_id, m.tenant_id, m.created_at, m.created_by, m.updated_at, m.updated_by`,
		`FROM customer_tenant_memberships m JOIN tenants te ON te.id = m.tenant_id AND te.deleted_at IS NULL
		WHERE m.workspace_id = ? AND `+in, append([]any{workspaceID}, args...), "m.customer_id", "m.tenant_id", p)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenant.Membership
	for rows.Next() {
		var m tenant.Membership
		var cAt, uAt, rn int64
		var cBy, uBy string
		if err := rows.Scan(&m.WorkspaceID, &m.CustomerID, &m.TenantID, &cAt, &cBy, &uAt, &uBy, &rn); err != nil {
			return nil, err
		}
		m.CreatedAt, m.CreatedBy, m.UpdatedAt, m.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
		out = append(out, m)
	}
	return out, rows.Err()
}
