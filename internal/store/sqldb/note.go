package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/note"
)

const noteCols = `id, workspace_id, customer_id, thread_id, text, markdown, attachment_ids, edited_at, edited_by,
	deleted_at, deleted_by, created_at, created_by, updated_at, updated_by`

// idList encodes a list of ids as a JSON array ("[]" for none).
func idList(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

func parseIDList(s string) ([]string, error) {
	var ids []string
	if err := json.Unmarshal([]byte(s), &ids); err != nil {
		return nil, fmt.Errorf("id list: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func scanNote(s scanner) (note.Note, error) {
	var n note.Note
	var thread, markdown, editedBy, deletedBy sql.NullString
	var editedAt, deletedAt sql.NullInt64
	var ids, cBy, uBy string
	var cAt, uAt int64
	if err := s.Scan(&n.ID, &n.WorkspaceID, &n.CustomerID, &thread, &n.Text, &markdown, &ids, &editedAt, &editedBy,
		&deletedAt, &deletedBy, &cAt, &cBy, &uAt, &uBy); err != nil {
		return n, err
	}
	n.ThreadID, n.Markdown = thread.String, strPtr(markdown)
	n.EditedAt, n.EditedBy, n.DeletedAt, n.DeletedBy = timePtr(editedAt), actorOf(editedBy), timePtr(deletedAt), actorOf(deletedBy)
	n.CreatedAt, n.CreatedBy, n.UpdatedAt, n.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	var err error
	n.AttachmentIDs, err = parseIDList(ids)
	return n, err
}

// CreateNote inserts a note.
func (t *Tx) CreateNote(ctx context.Context, n note.Note) error {
	_, err := t.exec(ctx, `INSERT INTO notes (`+noteCols+`) VALUES (`+columnPlaceholders(noteCols)+`)`,
		n.ID, n.WorkspaceID, n.CustomerID, nullIfEmpty(n.ThreadID), n.Text, nullStr(n.Markdown), idList(n.AttachmentIDs),
		nullTime(n.EditedAt), actorPtr(n.EditedBy), nullTime(n.DeletedAt), actorPtr(n.DeletedBy),
		n.CreatedAt.Millis(), n.CreatedBy.String(), n.UpdatedAt.Millis(), n.UpdatedBy.String())
	return err
}

// GetNote reads a note.
func (t *Tx) GetNote(ctx context.Context, workspaceID, id string) (note.Note, error) {
	n, err := scanNote(t.row(ctx, `SELECT `+noteCols+` FROM notes WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return n, t.wrap(err)
}

// LockNote reads a note to change it, locking its row on PostgreSQL.
func (t *Tx) LockNote(ctx context.Context, workspaceID, id string) (note.Note, error) {
	n, err := scanNote(t.row(ctx, `SELECT `+noteCols+` FROM notes WHERE workspace_id = ? AND id = ?`+t.forUpdate(false),
		workspaceID, id))
	return n, t.wrap(err)
}

// UpdateNote overwrites a note's mutable columns.
func (t *Tx) UpdateNote(ctx context.Context, n note.Note) error {
	return expectOne(t.exec(ctx, `UPDATE notes SET text = ?, markdown = ?, attachment_ids = ?, edited_at = ?, edited_by = ?,
		deleted_at = ?, deleted_by = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		n.Text, nullStr(n.Markdown), idList(n.AttachmentIDs), nullTime(n.EditedAt), actorPtr(n.EditedBy),
		nullTime(n.DeletedAt), actorPtr(n.DeletedBy), n.UpdatedAt.Millis(), n.UpdatedBy.String(), n.WorkspaceID, n.ID))
}

// CustomerNotes reads a customer's latest notes on no thread.
func (t *Tx) CustomerNotes(ctx context.Context, workspaceID, customerID string, limit int) ([]note.Note, error) {
	rows, err := t.query(ctx, `SELECT `+noteCols+` FROM notes
		WHERE customer_id = ? AND workspace_id = ? AND thread_id IS NULL AND deleted_at IS NULL
		ORDER BY created_at DESC LIMIT ?`, customerID, workspaceID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []note.Note
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
