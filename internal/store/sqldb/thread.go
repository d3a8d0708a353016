package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

var _ store.Tx = (*Tx)(nil)

const threadCols = `id, workspace_id, ref, external_id, customer_id, title, description, preview_text, priority,
	status, status_detail, status_changed_at, status_changed_by, waiting_until, channel, tenant_id, assignee,
	assigned_at, created_at, created_by, updated_at, updated_by, tier_id`

func scanThread(s scanner) (thread.Thread, error) {
	var th thread.Thread
	var ext, desc, preview, tenant, assignee, tierID sql.NullString
	var waiting, assignedAt sql.NullInt64
	var status, detail, scBy, channel, cBy, uBy string
	var scAt, cAt, uAt int64
	err := s.Scan(&th.ID, &th.WorkspaceID, &th.Ref, &ext, &th.CustomerID, &th.Title, &desc, &preview, &th.Priority,
		&status, &detail, &scAt, &scBy, &waiting, &channel, &tenant, &assignee, &assignedAt, &cAt, &cBy, &uAt, &uBy, &tierID)
	th.TierID = strPtr(tierID)
	th.ExternalID, th.Description, th.PreviewText, th.TenantID = strPtr(ext), strPtr(desc), strPtr(preview), strPtr(tenant)
	th.Status, th.StatusDetail, th.Channel = thread.Status(status), thread.Detail(detail), thread.Channel(channel)
	th.StatusChangedAt, th.StatusChangedBy = core.FromMillis(scAt), core.ParseActor(scBy)
	th.WaitingUntil, th.AssignedAt = timePtr(waiting), timePtr(assignedAt)
	if assignee.Valid {
		a := core.ParseActor(assignee.String)
		th.Assignee = &a
	}
	th.CreatedAt, th.CreatedBy, th.UpdatedAt, th.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return th, err
}

// threadValues encodes th for threadCols, as every thread row is stored.
func threadValues(th thread.Thread) []any {
	return []any{th.ID, th.WorkspaceID, th.Ref, nullStr(th.ExternalID), th.CustomerID, th.Title, nullStr(th.Description),
		nullStr(th.PreviewText), th.Priority, string(th.Status), string(th.StatusDetail), th.StatusChangedAt.Millis(),
		th.StatusChangedBy.String(), nullTime(th.WaitingUntil), string(th.Channel), nullStr(th.TenantID),
		actorPtr(th.Assignee), nullTime(th.AssignedAt), th.CreatedAt.Millis(), th.CreatedBy.String(),
		th.UpdatedAt.Millis(), th.UpdatedBy.String(), nullStr(th.TierID)}
}

// CreateThread inserts a thread.
func (t *Tx) CreateThread(ctx context.Context, th thread.Thread) error {
	_, err := t.exec(ctx, `INSERT INTO threads (`+threadCols+`) VALUES (`+placeholders(23)+`)`, threadValues(th)...)
	return err
}

func (t *Tx) oneThread(ctx context.Context, cond string, args ...any) (thread.Thread, error) {
	th, err := scanThread(t.row(ctx, `SELECT `+threadCols+` FROM threads WHERE `+cond, args...))
	return th, t.wrap(err)
}

// GetThread reads a thread.
func (t *Tx) GetThread(ctx context.Context, workspaceID, id string) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND id = ?`, workspaceID, id)
}

// GetThreadByRef reads a thread by its ref number.
func (t *Tx) GetThreadByRef(ctx context.Context, workspaceID string, ref int64) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND ref = ?`, workspaceID, ref)
}

// GetThreadByExternalID reads a customer's thread by external id.
func (t *Tx) GetThreadByExternalID(ctx context.Context, workspaceID, customerID, externalID string) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND customer_id = ? AND external_id = ?`, workspaceID, customerID, externalID)
}

const timelineCols = `id, workspace_id, thread_id, customer_id, kind, payload, actor, created_at`

// timelineValues encodes e for timelineCols.
func timelineValues(e timeline.Entry) []any {
	return []any{e.ID, e.WorkspaceID, e.ThreadID, e.CustomerID, string(e.Kind), string(e.Payload), e.Actor.String(), e.CreatedAt.Millis()}
}

// CreateTimelineEntry appends to a thread's timeline.
func (t *Tx) CreateTimelineEntry(ctx context.Context, e timeline.Entry) error {
	_, err := t.exec(ctx, `INSERT INTO timeline_entries (`+timelineCols+`) VALUES (`+placeholders(8)+`)`, timelineValues(e)...)
	return err
}

// TimelineOfThread reads a thread's timeline, oldest first.
func (t *Tx) TimelineOfThread(ctx context.Context, workspaceID, threadID string) ([]timeline.Entry, error) {
	rows, err := t.query(ctx, `SELECT `+timelineCols+`
		FROM timeline_entries WHERE workspace_id = ? AND thread_id = ? ORDER BY id`, workspaceID, threadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []timeline.Entry
	for rows.Next() {
		var e timeline.Entry
		var kind, payload, actor string
		var at int64
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.ThreadID, &e.CustomerID, &kind, &payload, &actor, &at); err != nil {
			return nil, err
		}
		e.Kind, e.Payload, e.Actor, e.CreatedAt = timeline.Kind(kind), []byte(payload), core.ParseActor(actor), core.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
