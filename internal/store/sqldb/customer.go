package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
)

const customerCols = `id, workspace_id, full_name, short_name, external_id, email, email_verified, email_verified_at,
	marked_as_spam_at, marked_as_spam_by, created_at, created_by, updated_at, updated_by, company_id`

func scanCustomer(s scanner) (customer.Customer, error) {
	var c customer.Customer
	var short, ext, spamBy, companyID sql.NullString
	var verAt, spamAt sql.NullInt64
	var cAt, uAt int64
	var cBy, uBy string
	err := s.Scan(&c.ID, &c.WorkspaceID, &c.FullName, &short, &ext, &c.Email, &c.EmailVerified, &verAt,
		&spamAt, &spamBy, &cAt, &cBy, &uAt, &uBy, &companyID)
	c.MarkedAsSpamBy = actorOf(spamBy)
	c.ShortName, c.ExternalID, c.EmailVerifiedAt, c.MarkedAsSpamAt = strPtr(short), strPtr(ext), timePtr(verAt), timePtr(spamAt)
	c.CompanyID = strPtr(companyID)
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return c, err
}

func customerArgs(c customer.Customer) []any {
	return []any{c.ID, c.WorkspaceID, c.FullName, nullStr(c.ShortName), nullStr(c.ExternalID), c.Email, c.EmailVerified,
		nullTime(c.EmailVerifiedAt), nullTime(c.MarkedAsSpamAt), actorPtr(c.MarkedAsSpamBy), c.CreatedAt.Millis(), c.CreatedBy.String(),
		c.UpdatedAt.Millis(), c.UpdatedBy.String(), nullStr(c.CompanyID)}
}

// CreateCustomer inserts c.
func (t *Tx) CreateCustomer(ctx context.Context, c customer.Customer) error {
	args := customerArgs(c)
	if _, err := t.exec(ctx, `INSERT INTO customers (`+customerCols+`) VALUES (`+placeholders(len(args))+`)`, args...); err != nil {
		return err
	}
	return t.putCustomerDoc(ctx, c)
}

// UpdateCustomer overwrites the mutable columns of c.
func (t *Tx) UpdateCustomer(ctx context.Context, c customer.Customer) error {
	if err := t.updateCustomer(ctx, c); err != nil {
		return err
	}
	return t.updateCustomerDoc(ctx, c)
}

func (t *Tx) updateCustomer(ctx context.Context, c customer.Customer) error {
	return expectOne(t.exec(ctx, `UPDATE customers SET full_name = ?, short_name = ?, external_id = ?, email = ?,
		email_verified = ?, email_verified_at = ?, marked_as_spam_at = ?, marked_as_spam_by = ?, updated_at = ?, updated_by = ?,
		company_id = ?
		WHERE workspace_id = ? AND id = ?`, c.FullName, nullStr(c.ShortName), nullStr(c.ExternalID), c.Email,
		c.EmailVerified, nullTime(c.EmailVerifiedAt), nullTime(c.MarkedAsSpamAt), actorPtr(c.MarkedAsSpamBy),
		c.UpdatedAt.Millis(), c.UpdatedBy.String(), nullStr(c.CompanyID), c.WorkspaceID, c.ID))
}

func (t *Tx) oneCustomer(ctx context.Context, cond string, args ...any) (customer.Customer, error) {
	c, err := scanCustomer(t.row(ctx, `SELECT `+customerCols+` FROM customers WHERE `+cond, args...))
	return c, t.wrap(err)
}

// FindCustomerForThread reads a customer by the key set in id, whether
// they are in a customer group and whether they have entries on no thread
// in one query, then their memberships when they are in a group.
func (t *Tx) FindCustomerForThread(ctx context.Context, workspaceID string, id customer.Identifier) (store.CustomerForThread, error) {
	var cond string
	var key string
	switch {
	case id.CustomerID != nil:
		cond, key = `c.id = ?`, *id.CustomerID
	case id.EmailAddress != nil:
		cond, key = `c.email = ?`, *id.EmailAddress
	case id.ExternalID != nil:
		cond, key = `c.external_id = ?`, *id.ExternalID
	default:
		return store.CustomerForThread{}, errNotFound
	}
	var out store.CustomerForThread
	var grouped, events, notes bool
	c, err := scanCustomer(withExtra{t.row(ctx, `SELECT `+prefixed("c.", customerCols)+`,
		EXISTS (SELECT 1 FROM customer_group_memberships m WHERE m.customer_id = c.id AND m.workspace_id = c.workspace_id),
		EXISTS (SELECT 1 FROM timeline_events e WHERE e.customer_id = c.id AND e.workspace_id = c.workspace_id
			AND e.thread_id IS NULL),
		EXISTS (SELECT 1 FROM notes n WHERE n.customer_id = c.id AND n.workspace_id = c.workspace_id AND n.thread_id IS NULL
			AND n.deleted_at IS NULL)
		FROM customers c WHERE c.workspace_id = ? AND `+cond, workspaceID, key), []any{&grouped, &events, &notes}})
	out.Customer, out.HasEntries = c, events || notes
	if err != nil || !grouped {
		return out, t.wrap(err)
	}
	out.Groups, err = t.GroupMembershipsOf(ctx, workspaceID, []string{c.ID}, nil, core.Page{})
	return out, err
}

// withExtra is a row whose last columns, after those its reader scans, go
// into extra.
type withExtra struct {
	s     scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.s.Scan(append(dest, w.extra...)...) }

// GetCustomer reads a customer by id.
func (t *Tx) GetCustomer(ctx context.Context, workspaceID, id string) (customer.Customer, error) {
	return t.oneCustomer(ctx, `workspace_id = ? AND id = ?`, workspaceID, id)
}

// LockCustomer reads a customer for change, locking its row on PostgreSQL.
func (t *Tx) LockCustomer(ctx context.Context, workspaceID, id string) (customer.Customer, error) {
	return t.oneCustomer(ctx, `workspace_id = ? AND id = ?`+t.forUpdate(false), workspaceID, id)
}

// GetCustomerByEmail reads a customer by normalised email.
func (t *Tx) GetCustomerByEmail(ctx context.Context, workspaceID, email string) (customer.Customer, error) {
	return t.oneCustomer(ctx, `workspace_id = ? AND email = ?`, workspaceID, email)
}

// GetCustomerByExternalID reads a customer by external id.
func (t *Tx) GetCustomerByExternalID(ctx context.Context, workspaceID, externalID string) (customer.Customer, error) {
	return t.oneCustomer(ctx, `workspace_id = ? AND external_id = ?`, workspaceID, externalID)
}

// GetCustomers reads the customers of ids that exist, in no order.
func (t *Tx) GetCustomers(ctx context.Context, workspaceID string, ids []string) ([]customer.Customer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList("id", ids)
	return t.customers(ctx, `SELECT `+customerCols+` FROM customers WHERE workspace_id = ? AND `+in,
		append([]any{workspaceID}, args...)...)
}

func (t *Tx) customers(ctx context.Context, q string, args ...any) ([]customer.Customer, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customer.Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func customerFilter(workspaceID string, f customer.Filter) ([]string, []any) {
	conds := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	for _, m := range []struct {
		ids []string
		sql string
	}{
		{f.CompanyIDs, "company_id IN (%s)"},
		{f.TenantIDs, "id IN (SELECT m.customer_id FROM customer_tenant_memberships m WHERE m.tenant_id IN (%s))"},
		{f.GroupIDs, "id IN (SELECT m.customer_id FROM customer_group_memberships m WHERE m.customer_group_id IN (%s))"},
	} {
		switch {
		case m.ids == nil:
		case len(m.ids) == 0:
			conds = append(conds, "1 = 0")
		default:
			conds = append(conds, fmt.Sprintf(m.sql, placeholders(len(m.ids))))
			for _, id := range m.ids {
				args = append(args, id)
			}
		}
	}
	if f.MatchNothing {
		conds = append(conds, "1 = 0")
	}
	if f.IsMarkedAsSpam != nil {
		if *f.IsMarkedAsSpam {
			conds = append(conds, "marked_as_spam_at IS NOT NULL")
		} else {
			conds = append(conds, "marked_as_spam_at IS NULL")
		}
	}
	if f.UpdatedAfter != nil {
		conds, args = append(conds, "updated_at >= ?"), append(args, f.UpdatedAfter.Millis())
	}
	if f.UpdatedBefore != nil {
		conds, args = append(conds, "updated_at < ?"), append(args, f.UpdatedBefore.Millis())
	}
	return conds, args
}

// ListCustomers reads one page of customers by full name, then id.
func (t *Tx) ListCustomers(ctx context.Context, workspaceID string, f customer.Filter, s customer.Sort, p core.Page) ([]customer.Customer, error) {
	conds, args := customerFilter(workspaceID, f)
	cond, kargs, tail, err := keyset([]string{"full_name", "id"}, s.Descending, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.customers(ctx, `SELECT `+customerCols+` FROM customers`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
}

// CountCustomers counts the customers a filter matches.
func (t *Tx) CountCustomers(ctx context.Context, workspaceID string, f customer.Filter) (int, error) {
	conds, args := customerFilter(workspaceID, f)
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM customers`+where(conds...), args...).Scan(&n)
	return n, t.wrap(err)
}

// DeleteCustomer deletes a customer; its threads go with it (ON DELETE CASCADE).
func (t *Tx) DeleteCustomer(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM customers WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}
