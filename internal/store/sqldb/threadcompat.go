package sqldb

import (
	"context"
	"strconv"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/thread"
)

// SetThreadCustomer moves a thread, and its timeline entries, to another
// customer of the workspace.
func (t *Tx) SetThreadCustomer(ctx context.Context, workspaceID, threadID, customerID string) error {
	if err := expectOne(t.exec(ctx, `UPDATE threads SET customer_id = ? WHERE workspace_id = ? AND id = ?`,
		customerID, workspaceID, threadID)); err != nil {
		return err
	}
	_, err := t.exec(ctx, `UPDATE timeline_entries SET customer_id = ? WHERE workspace_id = ? AND thread_id = ?`,
		customerID, workspaceID, threadID)
	return err
}

// DeleteThread deletes a thread with its labels, field values and timeline
// (by cascade) and records its deletion.
func (t *Tx) DeleteThread(ctx context.Context, workspaceID, id string, at core.Time, by core.Actor) error {
	if err := expectOne(t.exec(ctx, `DELETE FROM threads WHERE workspace_id = ? AND id = ?`, workspaceID, id)); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO deleted_threads (workspace_id, thread_id, deleted_at, deleted_by) VALUES (?, ?, ?, ?)`,
		workspaceID, id, at.Millis(), by.String())
	return err
}

// deletedCursor converts a deleted-thread cursor (deletion time, id).
func deletedCursor(c core.Cursor) ([]any, bool) {
	ms, err := strconv.ParseInt(c[0], 10, 64)
	if err != nil {
		return nil, false
	}
	return []any{ms, c[1]}, true
}

// ListDeletedThreads returns up to p.Limit+1 deletions of the workspace,
// newest first.
func (t *Tx) ListDeletedThreads(ctx context.Context, workspaceID string, f thread.DeletedFilter, p core.Page) ([]thread.Deleted, error) {
	var c cond
	c.add("workspace_id = ?", workspaceID)
	rangeCond(&c, "deleted_at", f.DeletedAt)
	ks, kargs, tail, err := keyset([]string{"deleted_at", "thread_id"}, true, p, deletedCursor)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, `SELECT thread_id, deleted_at, deleted_by FROM deleted_threads`+where(append(c.sql, ks)...)+tail,
		append(c.args, kargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []thread.Deleted
	for rows.Next() {
		var d thread.Deleted
		var at int64
		var by string
		if err := rows.Scan(&d.ThreadID, &at, &by); err != nil {
			return nil, err
		}
		d.DeletedAt, d.DeletedBy = core.FromMillis(at), core.ParseActor(by)
		out = append(out, d)
	}
	return out, rows.Err()
}
