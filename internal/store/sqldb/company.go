package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
)

const companyCols = `id, workspace_id, name, domain_name, contract_value, account_owner_id, deleted_at, deleted_by,
	created_at, created_by, updated_at, updated_by`

func scanCompany(s scanner) (company.Company, error) {
	var c company.Company
	var owner, delBy sql.NullString
	var value, delAt sql.NullInt64
	var cAt, uAt int64
	var cBy, uBy string
	err := s.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.DomainName, &value, &owner, &delAt, &delBy, &cAt, &cBy, &uAt, &uBy)
	if value.Valid {
		v := int(value.Int64)
		c.ContractValue = &v
	}
	c.AccountOwnerID, c.DeletedAt, c.DeletedBy = strPtr(owner), timePtr(delAt), actorOf(delBy)
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return c, err
}

func nullInt(v *int) any {
	if v == nil {
		return nil
	}
	return int64(*v)
}

// CreateCompany inserts a company.
func (t *Tx) CreateCompany(ctx context.Context, c company.Company) error {
	_, err := t.exec(ctx, `INSERT INTO companies (`+companyCols+`) VALUES (`+columnPlaceholders(companyCols)+`)`,
		c.ID, c.WorkspaceID, c.Name, c.DomainName, nullInt(c.ContractValue), nullStr(c.AccountOwnerID),
		nullTime(c.DeletedAt), actorPtr(c.DeletedBy), c.CreatedAt.Millis(), c.CreatedBy.String(), c.UpdatedAt.Millis(), c.UpdatedBy.String())
	return err
}

// UpdateCompany overwrites a company's mutable columns.
func (t *Tx) UpdateCompany(ctx context.Context, c company.Company) error {
	return expectOne(t.exec(ctx, `UPDATE companies SET name = ?, domain_name = ?, contract_value = ?, account_owner_id = ?,
		deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		c.Name, c.DomainName, nullInt(c.ContractValue), nullStr(c.AccountOwnerID), nullTime(c.DeletedAt), actorPtr(c.DeletedBy),
		c.UpdatedAt.Millis(), c.UpdatedBy.String(), c.WorkspaceID, c.ID))
}

func (t *Tx) companies(ctx context.Context, q string, args ...any) ([]company.Company, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []company.Company
	for rows.Next() {
		c, err := scanCompany(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// anyOf renders "(a IN (…) OR b IN (…))" over the non-empty lists of
// cols, or "" when every list is empty.
func anyOf(cols []string, lists ...[]string) (string, []any) {
	var parts []string
	var args []any
	for i, l := range lists {
		if len(l) == 0 {
			continue
		}
		in, a := inList(cols[i], l)
		parts, args = append(parts, in), append(args, a...)
	}
	if len(parts) == 0 {
		return "", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// FindCompanies reads live companies by id or domain name.
func (t *Tx) FindCompanies(ctx context.Context, workspaceID string, ids, domains []string) ([]company.Company, error) {
	cond, args := anyOf([]string{"id", "domain_name"}, ids, domains)
	if cond == "" {
		return nil, nil
	}
	return t.companies(ctx, `SELECT `+companyCols+` FROM companies WHERE workspace_id = ? AND deleted_at IS NULL AND `+cond,
		append([]any{workspaceID}, args...)...)
}

// LockCompany reads a live company for change, locking its row on PostgreSQL.
func (t *Tx) LockCompany(ctx context.Context, workspaceID, id string) (company.Company, error) {
	c, err := scanCompany(t.row(ctx, `SELECT `+companyCols+` FROM companies WHERE workspace_id = ? AND id = ?
		AND deleted_at IS NULL`+t.forUpdate(false), workspaceID, id))
	return c, t.wrap(err)
}

// ListCompanies reads a page of companies in creation order.
func (t *Tx) ListCompanies(ctx context.Context, workspaceID string, f company.Filter, p core.Page) ([]company.Company, error) {
	conds, args := []string{"workspace_id = ?"}, []any{workspaceID}
	if f.IsDeleted {
		conds = append(conds, "deleted_at IS NOT NULL")
	} else {
		conds = append(conds, "deleted_at IS NULL")
	}
	conds, args = idsCond(conds, args, "id", f.IDs)
	conds, args = updatedConds(conds, args, f.UpdatedAfter, f.UpdatedBefore)
	if f.Term != "" {
		conds = append(conds, `(LOWER(name) LIKE ? ESCAPE '\' OR domain_name LIKE ? ESCAPE '\')`)
		like := "%" + likeEscape(strings.ToLower(f.Term)) + "%"
		args = append(args, like, like)
	}
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.companies(ctx, `SELECT `+companyCols+` FROM companies`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
}

// idsCond adds "col IN (ids)" when ids is not nil ("1 = 0" when empty).
func idsCond(conds []string, args []any, col string, ids []string) ([]string, []any) {
	switch {
	case ids == nil:
	case len(ids) == 0:
		conds = append(conds, "1 = 0")
	default:
		in, a := inList(col, ids)
		conds, args = append(conds, in), append(args, a...)
	}
	return conds, args
}

// updatedConds bounds updated_at: after inclusive, before exclusive.
func updatedConds(conds []string, args []any, after, before *core.Time) ([]string, []any) {
	if after != nil {
		conds, args = append(conds, "updated_at >= ?"), append(args, after.Millis())
	}
	if before != nil {
		conds, args = append(conds, "updated_at < ?"), append(args, before.Millis())
	}
	return conds, args
}

// likeEscape makes s match itself in a LIKE pattern whose ESCAPE is a
// backslash.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
