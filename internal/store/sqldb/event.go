package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/timeline"
)

const eventCols = `id, workspace_id, customer_id, thread_id, scope_id, title, components, external_id, is_collapsed,
	happened_at, created_at, created_by, updated_at, updated_by`

func scanEvent(s scanner) (timeline.Event, error) {
	var e timeline.Event
	var thread, ext sql.NullString
	var scope, comps, cBy, uBy string
	var at, cAt, uAt int64
	if err := s.Scan(&e.ID, &e.WorkspaceID, &e.CustomerID, &thread, &scope, &e.Title, &comps, &ext, &e.IsCollapsed,
		&at, &cAt, &cBy, &uAt, &uBy); err != nil {
		return e, err
	}
	e.ThreadID, e.ExternalID, e.Timestamp = thread.String, strPtr(ext), core.FromMillis(at)
	e.CreatedAt, e.CreatedBy, e.UpdatedAt, e.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	var err error
	e.Components, err = component.Unmarshal([]byte(comps))
	return e, err
}

// CreateTimelineEvent inserts a thread or customer event.
func (t *Tx) CreateTimelineEvent(ctx context.Context, e timeline.Event) error {
	comps, err := component.Marshal(e.Components)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO timeline_events (`+eventCols+`) VALUES (`+columnPlaceholders(eventCols)+`)`,
		e.ID, e.WorkspaceID, e.CustomerID, nullIfEmpty(e.ThreadID), e.Scope(), e.Title, string(comps), nullStr(e.ExternalID),
		e.IsCollapsed, e.Timestamp.Millis(), e.CreatedAt.Millis(), e.CreatedBy.String(), e.UpdatedAt.Millis(), e.UpdatedBy.String())
	return err
}

// GetTimelineEventByExternalID reads an event of a scope by external id.
func (t *Tx) GetTimelineEventByExternalID(ctx context.Context, workspaceID, scopeID, externalID string) (timeline.Event, error) {
	e, err := scanEvent(t.row(ctx, `SELECT `+eventCols+` FROM timeline_events
		WHERE workspace_id = ? AND scope_id = ? AND external_id = ?`, workspaceID, scopeID, externalID))
	return e, t.wrap(err)
}

// CustomerEvents reads a customer's latest customer events.
func (t *Tx) CustomerEvents(ctx context.Context, workspaceID, customerID string, limit int) ([]timeline.Event, error) {
	rows, err := t.query(ctx, `SELECT `+eventCols+` FROM timeline_events
		WHERE customer_id = ? AND workspace_id = ? AND thread_id IS NULL ORDER BY happened_at DESC LIMIT ?`,
		customerID, workspaceID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []timeline.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CustomerEntries reads whether the customer has customer events and notes
// on no thread in one query, with the inserts deferred before it, then
// reads those it has.
func (t *Tx) CustomerEntries(ctx context.Context, workspaceID, customerID string, limit int) ([]timeline.Event, []note.Note, error) {
	var hasEvents, hasNotes bool
	err := t.pipedRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM timeline_events WHERE customer_id = ? AND workspace_id = ? AND thread_id IS NULL),
		EXISTS (SELECT 1 FROM notes WHERE customer_id = ? AND workspace_id = ? AND thread_id IS NULL AND deleted_at IS NULL)`,
		customerID, workspaceID, customerID, workspaceID).Scan(&hasEvents, &hasNotes)
	if err != nil {
		return nil, nil, t.wrap(err)
	}
	var events []timeline.Event
	var notes []note.Note
	if hasEvents {
		if events, err = t.CustomerEvents(ctx, workspaceID, customerID, limit); err != nil {
			return nil, nil, err
		}
	}
	if hasNotes {
		if notes, err = t.CustomerNotes(ctx, workspaceID, customerID, limit); err != nil {
			return nil, nil, err
		}
	}
	return events, notes, nil
}
