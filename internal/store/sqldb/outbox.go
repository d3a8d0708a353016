package sqldb

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
)

// AppendEvent writes e to the outbox.
func (t *Tx) AppendEvent(ctx context.Context, e event.Record) error {
	return t.later(ctx, `INSERT INTO outbox (id, workspace_id, type, payload, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.WorkspaceID, string(e.Type), string(e.Payload), e.Actor.String(), e.CreatedAt.Millis())
}

// ListEvents reads a workspace's events after a sequence number.
func (t *Tx) ListEvents(ctx context.Context, workspaceID string, afterSeq int64, limit int) ([]event.Record, error) {
	rows, err := t.query(ctx, `SELECT seq, id, workspace_id, type, payload, actor, created_at FROM outbox
		WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?`, workspaceID, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []event.Record
	for rows.Next() {
		var e event.Record
		var typ, payload, actor string
		var at int64
		if err := rows.Scan(&e.Seq, &e.ID, &e.WorkspaceID, &typ, &payload, &actor, &at); err != nil {
			return nil, err
		}
		e.Type, e.Payload, e.Actor, e.CreatedAt = event.Type(typ), []byte(payload), core.ParseActor(actor), core.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
