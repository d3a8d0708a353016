package sqldb

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/thread"
)

// AddAdditionalAssignee records a; adding one already there changes
// nothing.
func (t *Tx) AddAdditionalAssignee(ctx context.Context, a thread.AdditionalAssignee) error {
	_, err := t.exec(ctx, `INSERT INTO thread_additional_assignees (workspace_id, thread_id, assignee, created_at, created_by)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (thread_id, assignee) DO NOTHING`,
		a.WorkspaceID, a.ThreadID, a.Assignee.String(), a.CreatedAt.Millis(), a.CreatedBy.String())
	return err
}

// RemoveAdditionalAssignee removes an additional assignee of a thread;
// removing one not there changes nothing.
func (t *Tx) RemoveAdditionalAssignee(ctx context.Context, workspaceID, threadID string, a core.Actor) error {
	_, err := t.exec(ctx, `DELETE FROM thread_additional_assignees WHERE workspace_id = ? AND thread_id = ? AND assignee = ?`,
		workspaceID, threadID, a.String())
	return err
}

// AdditionalAssigneesOfThreads reads the additional assignees of threads,
// in the order they were added.
func (t *Tx) AdditionalAssigneesOfThreads(ctx context.Context, workspaceID string, threadIDs []string) ([]thread.AdditionalAssignee, error) {
	if len(threadIDs) == 0 {
		return nil, nil
	}
	in, args := inList("thread_id", threadIDs)
	rows, err := t.query(ctx, `SELECT thread_id, assignee, created_at, created_by FROM thread_additional_assignees
		WHERE workspace_id = ? AND `+in+` ORDER BY thread_id, created_at, assignee`, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []thread.AdditionalAssignee
	for rows.Next() {
		a := thread.AdditionalAssignee{WorkspaceID: workspaceID}
		var who, by string
		var at int64
		if err := rows.Scan(&a.ThreadID, &who, &at, &by); err != nil {
			return nil, err
		}
		a.Assignee, a.CreatedAt, a.CreatedBy = core.ParseActor(who), core.FromMillis(at), core.ParseActor(by)
		out = append(out, a)
	}
	return out, rows.Err()
}
