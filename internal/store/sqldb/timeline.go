package sqldb

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

var _ store.TimelineExplainer = (*Tx)(nil)

const timelineCols = `id, workspace_id, thread_id, customer_id, kind, source_id, payload, actor, created_at`

// timelineValues encodes e for timelineCols.
func timelineValues(e timeline.Entry) []any {
	var source any
	if e.SourceID != "" {
		source = e.SourceID
	}
	return []any{e.ID, e.WorkspaceID, e.ThreadID, e.CustomerID, string(e.Kind), source, string(e.Payload), e.Actor.String(),
		e.CreatedAt.Millis()}
}

func scanTimelineEntry(s scanner) (timeline.Entry, error) {
	var e timeline.Entry
	var kind, payload, actor string
	var source sql.NullString
	var at int64
	err := s.Scan(&e.ID, &e.WorkspaceID, &e.ThreadID, &e.CustomerID, &kind, &source, &payload, &actor, &at)
	e.Kind, e.SourceID, e.Payload = timeline.Kind(kind), source.String, []byte(payload)
	e.Actor, e.CreatedAt = core.ParseActor(actor), core.FromMillis(at)
	return e, err
}

func (t *Tx) timelineEntries(ctx context.Context, q string, args ...any) ([]timeline.Entry, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []timeline.Entry
	for rows.Next() {
		e, err := scanTimelineEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateTimelineEntry appends to a thread's timeline.
func (t *Tx) CreateTimelineEntry(ctx context.Context, e timeline.Entry) error {
	if err := t.later(ctx, `INSERT INTO timeline_entries (`+timelineCols+`) VALUES (`+columnPlaceholders(timelineCols)+`)`, timelineValues(e)...); err != nil {
		return err
	}
	return t.putEntryDoc(ctx, e)
}

// TimelineOfThread reads a thread's whole timeline, oldest first.
func (t *Tx) TimelineOfThread(ctx context.Context, workspaceID, threadID string) ([]timeline.Entry, error) {
	return t.timelineEntries(ctx, `SELECT `+timelineCols+` FROM timeline_entries
		WHERE workspace_id = ? AND thread_id = ? ORDER BY created_at, id`, workspaceID, threadID)
}

// listTimelineQuery renders the query ListTimeline runs and its args. A
// thread's timeline is read along timeline_entries_by_thread, a customer's
// along timeline_entries_by_customer: both in (created_at, id) order.
func listTimelineQuery(workspaceID string, f timeline.Filter, p core.Page) (string, []any, error) {
	by, key := "thread_id", f.ThreadID
	if f.ThreadID == "" {
		by, key = "customer_id", f.CustomerID
	}
	var c cond
	c.add("workspace_id = ?", workspaceID)
	c.add(by+" = ?", key)
	if f.MatchNothing {
		c.add("1 = 0")
	}
	if len(f.Kinds) > 0 {
		c.in("kind", anys(f.Kinds, func(k timeline.Kind) any { return string(k) }))
	}
	ks, kargs, tail, err := keyset([]string{"created_at", "id"}, false, p, func(cur core.Cursor) ([]any, bool) {
		ms, err := strconv.ParseInt(cur[0], 10, 64)
		return []any{ms, cur[1]}, err == nil
	})
	if err != nil {
		return "", nil, err
	}
	if ks != "" {
		c.add(ks, kargs...)
	}
	return `SELECT ` + timelineCols + ` FROM timeline_entries` + where(c.sql...) + tail, c.args, nil
}

// ListTimeline reads one page of a thread's or a customer's timeline.
func (t *Tx) ListTimeline(ctx context.Context, workspaceID string, f timeline.Filter, p core.Page) ([]timeline.Entry, error) {
	q, args, err := listTimelineQuery(workspaceID, f, p)
	if err != nil {
		return nil, err
	}
	return t.timelineEntries(ctx, q, args...)
}

// ExplainListTimeline returns the plan of ListTimeline's query (see
// ExplainListThreads). It implements store.TimelineExplainer.
func (t *Tx) ExplainListTimeline(ctx context.Context, workspaceID string, f timeline.Filter, p core.Page) ([]string, error) {
	q, args, err := listTimelineQuery(workspaceID, f, p)
	if err != nil {
		return nil, err
	}
	if t.dialect.Name() == "postgres" {
		return t.explainLines(ctx, "EXPLAIN "+q, args)
	}
	return t.explainSQLite(ctx, "EXPLAIN QUERY PLAN "+q, args)
}

// GetTimelineEntry reads one entry.
func (t *Tx) GetTimelineEntry(ctx context.Context, workspaceID, id string) (timeline.Entry, error) {
	e, err := scanTimelineEntry(t.row(ctx, `SELECT `+timelineCols+` FROM timeline_entries WHERE workspace_id = ? AND id = ?`,
		workspaceID, id))
	return e, t.wrap(err)
}

// TimelineEntriesOfSource reads the entries that show a note, chat or event.
func (t *Tx) TimelineEntriesOfSource(ctx context.Context, workspaceID, sourceID string) ([]timeline.Entry, error) {
	return t.timelineEntries(ctx, `SELECT `+timelineCols+` FROM timeline_entries
		WHERE source_id = ? AND workspace_id = ? ORDER BY created_at, id`, sourceID, workspaceID)
}

// UpdateTimelineEntry overwrites an entry's payload and actor.
func (t *Tx) UpdateTimelineEntry(ctx context.Context, e timeline.Entry) error {
	if err := expectOne(t.exec(ctx, `UPDATE timeline_entries SET payload = ?, actor = ? WHERE workspace_id = ? AND id = ?`,
		string(e.Payload), e.Actor.String(), e.WorkspaceID, e.ID)); err != nil {
		return err
	}
	return t.updateEntryDoc(ctx, e)
}

// DeleteTimelineEntry removes an entry.
func (t *Tx) DeleteTimelineEntry(ctx context.Context, workspaceID, id string) error {
	if err := expectOne(t.exec(ctx, `DELETE FROM timeline_entries WHERE workspace_id = ? AND id = ?`, workspaceID, id)); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM thread_search_docs WHERE source_id = ?`, id)
	return err
}

// RecentThreadsOfCustomer reads a customer's most recently created threads.
func (t *Tx) RecentThreadsOfCustomer(ctx context.Context, workspaceID, customerID string, limit int) ([]thread.Thread, error) {
	rows, err := t.query(ctx, `SELECT `+threadCols+` FROM threads WHERE customer_id = ? AND workspace_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, customerID, workspaceID, limit)
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
