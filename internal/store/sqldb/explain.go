package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

var _ store.ThreadListExplainer = (*Tx)(nil)

// ExplainListThreads returns the query plan of the very query ListThreads
// runs for the same arguments, one line per plan row: on SQLite the
// EXPLAIN QUERY PLAN rows, indented two spaces per level of nesting; on
// PostgreSQL the lines of EXPLAIN (the estimated plan; nothing is executed).
// It implements store.ThreadListExplainer.
func (t *Tx) ExplainListThreads(ctx context.Context, workspaceID string, f thread.Filter, s thread.Sort, p core.Page) ([]string, error) {
	q, args, err := listThreadsQuery(workspaceID, f, s, p)
	if err != nil {
		return nil, err
	}
	if t.dialect.Name() == "postgres" {
		return t.explainLines(ctx, "EXPLAIN "+q, args)
	}
	return t.explainSQLite(ctx, "EXPLAIN QUERY PLAN "+q, args)
}

// explainLines reads a one-column plan (PostgreSQL's EXPLAIN).
func (t *Tx) explainLines(ctx context.Context, q string, args []any) ([]string, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	return out, rows.Err()
}

// explainSQLite reads EXPLAIN QUERY PLAN rows (id, parent, notused,
// detail) and indents each detail by its depth in the plan tree.
func (t *Tx) explainSQLite(ctx context.Context, q string, args []any) ([]string, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	depth := map[int64]int{}
	var out []string
	for rows.Next() {
		var id, parent int64
		var notused sql.NullInt64
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		d := 0
		if pd, ok := depth[parent]; ok {
			d = pd + 1
		}
		depth[id] = d
		out = append(out, strings.Repeat("  ", d)+detail)
	}
	return out, rows.Err()
}
