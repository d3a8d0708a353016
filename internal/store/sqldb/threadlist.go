package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// forUpdate is the row-locking suffix: PostgreSQL locks, SQLite's single
// writer needs none.
func (t *Tx) forUpdate(skipLocked bool) string {
	if t.dialect.Name() != "postgres" {
		return ""
	}
	if skipLocked {
		return " FOR UPDATE SKIP LOCKED"
	}
	return " FOR UPDATE"
}

// LockThread reads a thread for change, locking its row on PostgreSQL.
func (t *Tx) LockThread(ctx context.Context, workspaceID, id string) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND id = ?`+t.forUpdate(false), workspaceID, id)
}

// UpdateThread overwrites a thread's mutable columns.
func (t *Tx) UpdateThread(ctx context.Context, th thread.Thread) error {
	if err := t.updateThread(ctx, th); err != nil {
		return err
	}
	return t.updateThreadDoc(ctx, th)
}

func (t *Tx) updateThread(ctx context.Context, th thread.Thread) error {
	return expectOne(t.exec(ctx, `UPDATE threads SET external_id = ?, title = ?, description = ?, preview_text = ?,
		priority = ?, status = ?, status_detail = ?, status_changed_at = ?, status_changed_by = ?, waiting_until = ?,
		channel = ?, tenant_id = ?, assignee = ?, assigned_at = ?, messages = ?, last_inbound_at = ?,
		support_email_addresses = ?, updated_at = ?, updated_by = ?, tier_id = ?
		WHERE workspace_id = ? AND id = ?`,
		nullStr(th.ExternalID), th.Title, nullStr(th.Description), nullStr(th.PreviewText), th.Priority, string(th.Status),
		string(th.StatusDetail), th.StatusChangedAt.Millis(), th.StatusChangedBy.String(), nullTime(th.WaitingUntil),
		string(th.Channel), nullStr(th.TenantID), actorPtr(th.Assignee), nullTime(th.AssignedAt),
		encodeMessages(th.Messages), th.LastInboundMillis(), supportAddresses(th), th.UpdatedAt.Millis(), th.UpdatedBy.String(),
		nullStr(th.TierID), th.WorkspaceID, th.ID))
}

// DueSnoozedThreads locks snoozed threads whose wake time has come.
func (t *Tx) DueSnoozedThreads(ctx context.Context, now core.Time, limit int) ([]thread.Thread, error) {
	rows, err := t.query(ctx, `SELECT `+threadCols+` FROM threads WHERE status = 'SNOOZED' AND waiting_until <= ?
		ORDER BY waiting_until LIMIT ?`+t.forUpdate(true), now.Millis(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []thread.Thread
	for rows.Next() {
		th, err := scanThread(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, th)
	}
	return out, rows.Err()
}

// NextWake returns the earliest wake time of a snoozed thread.
func (t *Tx) NextWake(ctx context.Context) (core.Time, error) {
	var v sql.NullInt64
	if err := t.row(ctx, `SELECT MIN(waiting_until) FROM threads WHERE status = 'SNOOZED'`).Scan(&v); err != nil {
		return core.Time{}, t.wrap(err)
	}
	if !v.Valid {
		return core.Time{}, errNotFound
	}
	return core.FromMillis(v.Int64), nil
}

// query builder for thread filters: conditions on the alias "t".
type cond struct {
	sql  []string
	args []any
}

func (c *cond) add(sql string, args ...any) {
	c.sql = append(c.sql, sql)
	c.args = append(c.args, args...)
}

func (c *cond) in(col string, vals []any) {
	c.add(col+" IN ("+placeholders(len(vals))+")", vals...)
}

func anys[T any](vs []T, conv func(T) any) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = conv(v)
	}
	return out
}

func rangeCond(c *cond, col string, r *thread.TimeRange) {
	if r == nil {
		return
	}
	if r.After != nil {
		c.add(col+" >= ?", r.After.Millis())
	}
	if r.Before != nil {
		c.add(col+" < ?", r.Before.Millis())
	}
}

// threadFilter renders f as one SQL condition ("" when it selects all).
func threadFilter(f thread.Filter) (string, []any) {
	var c cond
	if f.MatchNothing {
		c.add("1 = 0")
	}
	str := func(s string) any { return s }
	if len(f.Statuses) > 0 {
		c.in("t.status", anys(f.Statuses, func(s thread.Status) any { return string(s) }))
	}
	if len(f.StatusDetails) > 0 {
		c.in("t.status_detail", anys(f.StatusDetails, func(s thread.Detail) any { return string(s) }))
	}
	if len(f.Priorities) > 0 {
		c.in("t.priority", anys(f.Priorities, func(p int) any { return p }))
	}
	if len(f.AssignedToUser) > 0 {
		c.in("t.assignee", anys(f.AssignedToUser, func(id string) any { return core.Actor{Type: core.ActorUser, ID: id}.String() }))
	}
	if f.IsAssigned != nil {
		if *f.IsAssigned {
			c.add("t.assignee IS NOT NULL")
		} else {
			c.add("t.assignee IS NULL")
		}
	}
	if len(f.CustomerIDs) > 0 {
		c.in("t.customer_id", anys(f.CustomerIDs, str))
	}
	if len(f.ThreadIDs) > 0 {
		c.in("t.id", anys(f.ThreadIDs, str))
	}
	if len(f.ExternalIDs) > 0 {
		c.in("t.external_id", anys(f.ExternalIDs, str))
	}
	if len(f.Refs) > 0 {
		c.in("t.ref", anys(f.Refs, func(r int64) any { return r }))
	}
	if len(f.Channels) > 0 {
		c.in("t.channel", anys(f.Channels, func(ch thread.Channel) any { return string(ch) }))
	}
	if len(f.LabelTypeIDs) > 0 {
		vals := anys(f.LabelTypeIDs, str)
		c.add("EXISTS (SELECT 1 FROM labels l WHERE l.thread_id = t.id AND l.label_type_id IN ("+placeholders(len(vals))+"))", vals...)
	}
	if len(f.ParticipantIDs) > 0 {
		vals := anys(f.ParticipantIDs, str)
		actors := make([]any, 0, 2*len(vals))
		for _, id := range f.ParticipantIDs {
			actors = append(actors, core.Actor{Type: core.ActorUser, ID: id}.String(), core.Actor{Type: core.ActorMachineUser, ID: id}.String())
		}
		c.add("(t.customer_id IN ("+placeholders(len(vals))+") OR t.created_by IN ("+placeholders(len(actors))+"))",
			append(vals, actors...)...)
	}
	if len(f.SupportEmailAddresses) > 0 {
		// The column is a JSON array of strings: an address is one of its
		// elements when its JSON string appears in it.
		var ors []string
		var vals []any
		for _, a := range f.SupportEmailAddresses {
			ors = append(ors, `t.support_email_addresses LIKE ? ESCAPE '\'`)
			vals = append(vals, "%"+likeEscape(jsonText(a))+"%")
		}
		c.add("("+strings.Join(ors, " OR ")+")", vals...)
	}
	if f.IsMarkedAsSpam != nil {
		op := "IS NULL"
		if *f.IsMarkedAsSpam {
			op = "IS NOT NULL"
		}
		c.add("EXISTS (SELECT 1 FROM customers cu WHERE cu.id = t.customer_id AND cu.marked_as_spam_at " + op + ")")
	}
	accountConds(&c, f)
	rangeCond(&c, "t.created_at", f.CreatedAt)
	rangeCond(&c, "t.updated_at", f.UpdatedAt)
	rangeCond(&c, "t.status_changed_at", f.StatusChangedAt)
	for _, ff := range f.ThreadFields {
		sql, args := fieldFilter(ff)
		c.add(sql, args...)
	}
	combinators(&c, f)
	if len(c.sql) == 0 {
		return "", nil
	}
	return "(" + strings.Join(c.sql, " AND ") + ")", c.args
}

// accountConds adds f's criteria on accounts: the thread's own tenant and
// tier columns (each with an index in creation order), its customer's
// company, and its customer's customer groups. A criterion that resolved
// to no account matches nothing.
func accountConds(c *cond, f thread.Filter) {
	for _, a := range []struct {
		ids []string
		sql string
	}{
		// IS NOT NULL keeps NOT (…) true for threads without one.
		{f.TenantIDs, "(t.tenant_id IS NOT NULL AND t.tenant_id IN (%s))"},
		{f.TierIDs, "(t.tier_id IS NOT NULL AND t.tier_id IN (%s))"},
		{f.CompanyIDs, "t.customer_id IN (SELECT cu.id FROM customers cu WHERE cu.workspace_id = t.workspace_id AND cu.company_id IN (%s))"},
		{f.CustomerGroupIDs, "t.customer_id IN (SELECT m.customer_id FROM customer_group_memberships m WHERE m.customer_group_id IN (%s))"},
	} {
		switch {
		case a.ids == nil:
		case len(a.ids) == 0:
			c.add("1 = 0")
		default:
			c.add(fmt.Sprintf(a.sql, placeholders(len(a.ids))), anys(a.ids, func(s string) any { return s })...)
		}
	}
}

// fieldFilter renders one thread field filter as an EXISTS condition.
func fieldFilter(ff thread.FieldFilter) (string, []any) {
	sub := cond{}
	sub.add("v.key = ?", ff.Key)
	for _, p := range []struct {
		sql string
		v   any
		set bool
	}{
		{"v.string_value = ?", deref(ff.String), ff.String != nil},
		{"v.bool_value = ?", deref(ff.Bool), ff.Bool != nil},
		{"v.number_value = ?", deref(ff.NumberEq), ff.NumberEq != nil},
		{"v.number_value >= ?", deref(ff.NumberGte), ff.NumberGte != nil},
		{"v.number_value <= ?", deref(ff.NumberLte), ff.NumberLte != nil},
		{"v.date_value >= ?", deref(ff.DateAfter), ff.DateAfter != nil},
		{"v.date_value < ?", deref(ff.DateBefore), ff.DateBefore != nil},
	} {
		if p.set {
			sub.add(p.sql, p.v)
		}
	}
	if len(ff.Strings) > 0 {
		sub.in("v.string_value", anys(ff.Strings, func(s string) any { return s }))
	}
	return "EXISTS (SELECT 1 FROM thread_field_values v WHERE v.thread_id = t.id AND " + strings.Join(sub.sql, " AND ") + ")", sub.args
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// combinators adds f's and/or/not filters to c.
func combinators(c *cond, f thread.Filter) {
	for _, a := range f.And {
		if s, args := threadFilter(a); s != "" {
			c.add(s, args...)
		}
	}
	if len(f.Or) > 0 {
		var parts []string
		var args []any
		for _, o := range f.Or {
			s, a := threadFilter(o)
			if s == "" {
				s = "1 = 1"
			}
			parts, args = append(parts, s), append(args, a...)
		}
		c.add("("+strings.Join(parts, " OR ")+")", args...)
	}
	if f.Not != nil {
		s, args := threadFilter(*f.Not)
		if s == "" {
			s = "1 = 1"
		}
		c.add("NOT ("+s+")", args...)
	}
}

// sortColumn returns the SQL expression a sort orders by and how to read a
// cursor value for it.
func sortColumn(s thread.Sort) (string, []any, func(string) (any, bool)) {
	num := func(v string) (any, bool) {
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	switch s.Field {
	case thread.SortStatusChangedAt:
		return "t.status_changed_at", nil, num
	case thread.SortPriority:
		return "t.priority", nil, num
	case thread.SortThreadField:
		sub := func(expr string) string {
			return "(SELECT " + expr + " FROM thread_field_values v WHERE v.thread_id = t.id AND v.key = ?)"
		}
		switch field.Type(s.FieldType) {
		case field.TypeNumber, field.TypeCurrency:
			return "COALESCE(" + sub("v.number_value") + ", -1e300)", []any{s.FieldKey}, func(v string) (any, bool) {
				f, err := strconv.ParseFloat(v, 64)
				return f, err == nil
			}
		case field.TypeBool:
			return "COALESCE(" + sub("CASE WHEN v.bool_value THEN 2 ELSE 1 END") + ", 0)", []any{s.FieldKey}, num
		case field.TypeDate:
			return "COALESCE(" + sub("v.date_value") + ", '')", []any{s.FieldKey}, func(v string) (any, bool) { return v, true }
		}
		return "COALESCE(" + sub("v.string_value") + ", '')", []any{s.FieldKey}, func(v string) (any, bool) { return v, true }
	case thread.SortLastInboundMessageAt:
		// 0 for threads without an inbound message: last when newest first.
		return "t.last_inbound_at", nil, num
	}
	// CREATED_AT; CLOSEST_TO_BREACH_SLA falls back to it while threads have
	// no SLAs.
	return "t.created_at", nil, num
}

// listThreadsQuery renders the query ListThreads runs (with "?"
// placeholders) and its args; ExplainListThreads explains the same text.
func listThreadsQuery(workspaceID string, f thread.Filter, s thread.Sort, p core.Page) (string, []any, error) {
	return listThreadsQueryWith(workspaceID, f, s, p, "", nil)
}

// listThreadsQueryWith is listThreadsQuery with one more condition on
// threads t (with its args): a search's.
func listThreadsQueryWith(workspaceID string, f thread.Filter, s thread.Sort, p core.Page, extra string, extraArgs []any) (string, []any, error) {
	col, colArgs, conv := sortColumn(s)
	fsql, fargs := threadFilter(f)
	if extra != "" {
		fargs = append(append([]any{}, fargs...), extraArgs...)
		if fsql != "" {
			fsql = "(" + fsql + " AND " + extra + ")"
		} else {
			fsql = extra
		}
	}
	cond, kargs, tail, err := keyset([]string{col, "t.id"}, s.Descending, p, func(c core.Cursor) ([]any, bool) {
		v, ok := conv(c[0])
		return []any{v, c[1]}, ok
	})
	if err != nil {
		return "", nil, err
	}
	// The sort expression's args appear in SELECT, then in the keyset
	// condition (once per occurrence), then in ORDER BY.
	args := append([]any{}, colArgs...)
	args = append(args, workspaceID)
	args = append(args, fargs...)
	if cond != "" {
		// keyset() rendered "(col, t.id) > (?, ?)": col's own args come first.
		args = append(args, colArgs...)
		args = append(args, kargs...)
	}
	args = append(args, colArgs...)
	q := `SELECT ` + prefixed("t.", threadCols) + `, ` + col + ` FROM threads t` +
		where("t.workspace_id = ?", fsql, cond) + tail
	return q, args, nil
}

// ListThreads reads one page of a filtered, sorted thread list.
func (t *Tx) ListThreads(ctx context.Context, workspaceID string, f thread.Filter, s thread.Sort, p core.Page) ([]store.ThreadRow, error) {
	q, args, err := listThreadsQuery(workspaceID, f, s, p)
	if err != nil {
		return nil, err
	}
	return t.threadRows(ctx, q, args)
}

// threadRows runs a thread list query: threads with their sort values.
func (t *Tx) threadRows(ctx context.Context, q string, args []any) ([]store.ThreadRow, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list threads: %w", err)
	}
	defer rows.Close()
	var out []store.ThreadRow
	for rows.Next() {
		var r store.ThreadRow
		var sv sql.NullString
		th, err := scanThread(scanWith(rows, &sv))
		if err != nil {
			return nil, err
		}
		r.Thread, r.SortValue = th, sv.String
		out = append(out, r)
	}
	return out, rows.Err()
}

// CountThreads counts the threads a filter matches.
func (t *Tx) CountThreads(ctx context.Context, workspaceID string, f thread.Filter) (int, error) {
	fsql, fargs := threadFilter(f)
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM threads t`+where("t.workspace_id = ?", fsql), append([]any{workspaceID}, fargs...)...).Scan(&n)
	return n, t.wrap(err)
}

// CountThreadsUpTo counts the threads a filter matches, at most limit of
// them: the count reads at most limit index entries.
func (t *Tx) CountThreadsUpTo(ctx context.Context, workspaceID string, f thread.Filter, limit int) (int, error) {
	fsql, fargs := threadFilter(f)
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM threads t`+where("t.workspace_id = ?", fsql)+` LIMIT ?) x`,
		append(append([]any{workspaceID}, fargs...), limit)...).Scan(&n)
	return n, t.wrap(err)
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// extraScanner appends destinations to every Scan of a row.
type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

func scanWith(rows *sql.Rows, extra ...any) scanner { return extraScanner{rows: rows, extra: extra} }
