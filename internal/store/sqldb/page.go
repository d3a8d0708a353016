package sqldb

import (
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// keyset builds the keyset-pagination parts of a list query over cols (the
// sort columns, the last one unique): a condition (or "" for none) with its
// args, and the ORDER BY ... LIMIT tail. conv turns a cursor into column
// values. Backward pages read in reverse; core.NewConnection flips them.
func keyset(cols []string, desc bool, p core.Page, conv func(core.Cursor) ([]any, bool)) (string, []any, string, error) {
	reverse := desc != p.Backward // read descending?
	op := ">"
	if reverse {
		op = "<"
	}
	var cond string
	var args []any
	var cur core.Cursor
	if p.Backward {
		cur = p.Before
	} else {
		cur = p.After
	}
	if cur != nil {
		vals, ok := conv(cur)
		if !ok {
			return "", nil, "", core.BadInput("Invalid cursor.")
		}
		cond = "(" + strings.Join(cols, ", ") + ") " + op + " (" + placeholders(len(cols)) + ")"
		args = vals
	}
	dir := " ASC"
	if reverse {
		dir = " DESC"
	}
	order := make([]string, len(cols))
	for i, c := range cols {
		order[i] = c + dir
	}
	tail := " ORDER BY " + strings.Join(order, ", ") + " LIMIT " + strconv.Itoa(p.Limit+1)
	return cond, args, tail, nil
}

// stringCursor converts a cursor of string columns.
func stringCursor(c core.Cursor) ([]any, bool) {
	out := make([]any, len(c))
	for i, v := range c {
		out[i] = v
	}
	return out, true
}

// where joins conditions with AND, skipping empty ones.
func where(conds ...string) string {
	var parts []string
	for _, c := range conds {
		if c != "" {
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(parts, " AND ")
}

// inList returns "col IN (?, ?, …)" and its args.
func inList(col string, ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + placeholders(len(ids)) + ")", args
}

// perParent renders a list query that reads one keyset page per parent
// row in one statement: the rows of "SELECT cols from" (from holds the
// WHERE clause), numbered per parent in key order from after the page's
// cursor, up to p.Limit+1 of each parent (every row when p.Limit is 0).
// Rows come in page order within each parent; each row ends with its
// number ("rn"). key is a unique text column within a parent.
func perParent(cols, from string, args []any, parent, key string, p core.Page) (string, []any, error) {
	cur, op, dir := p.After, " > ?", " ASC"
	if p.Backward {
		cur, op, dir = p.Before, " < ?", " DESC"
	}
	if cur != nil {
		if len(cur) != 1 {
			return "", nil, core.BadInput("Invalid cursor.")
		}
		from += " AND " + key + op
		args = append(args, cur[0])
	}
	q := `SELECT * FROM (SELECT ` + cols + `, ROW_NUMBER() OVER (PARTITION BY ` + parent + ` ORDER BY ` + key + dir + `) AS rn ` +
		from + `) w`
	if p.Limit > 0 {
		q += ` WHERE w.rn <= ` + strconv.Itoa(p.Limit+1)
	}
	return q + ` ORDER BY w.rn`, args, nil
}
