package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/label"
)

const labelTypeCols = `id, workspace_id, name, icon, color, description, external_id, kind, is_excluded_from_ai,
	parent_id, position, archived_at, archived_by, created_at, created_by, updated_at, updated_by`

func scanLabelType(s scanner) (label.Type, error) {
	var l label.Type
	var icon, color, desc, ext, parent, archBy sql.NullString
	var archAt sql.NullInt64
	var kind, cBy, uBy string
	var cAt, uAt int64
	err := s.Scan(&l.ID, &l.WorkspaceID, &l.Name, &icon, &color, &desc, &ext, &kind, &l.IsExcludedFromAI,
		&parent, &l.Position, &archAt, &archBy, &cAt, &cBy, &uAt, &uBy)
	l.Icon, l.Color, l.Description, l.ExternalID, l.ParentID = strPtr(icon), strPtr(color), strPtr(desc), strPtr(ext), strPtr(parent)
	l.Kind, l.ArchivedAt = label.TypeKind(kind), timePtr(archAt)
	if archBy.Valid {
		a := core.ParseActor(archBy.String)
		l.ArchivedBy = &a
	}
	l.CreatedAt, l.CreatedBy, l.UpdatedAt, l.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return l, err
}

func actorPtr(a *core.Actor) any {
	if a == nil {
		return nil
	}
	return a.String()
}

// CreateLabelType inserts a label type.
func (t *Tx) CreateLabelType(ctx context.Context, l label.Type) error {
	_, err := t.exec(ctx, `INSERT INTO label_types (`+labelTypeCols+`) VALUES (`+columnPlaceholders(labelTypeCols)+`)`,
		l.ID, l.WorkspaceID, l.Name, nullStr(l.Icon), nullStr(l.Color), nullStr(l.Description), nullStr(l.ExternalID),
		string(l.Kind), l.IsExcludedFromAI, nullStr(l.ParentID), l.Position, nullTime(l.ArchivedAt), actorPtr(l.ArchivedBy),
		l.CreatedAt.Millis(), l.CreatedBy.String(), l.UpdatedAt.Millis(), l.UpdatedBy.String())
	return err
}

// GetLabelType reads a label type.
func (t *Tx) GetLabelType(ctx context.Context, workspaceID, id string) (label.Type, error) {
	l, err := scanLabelType(t.row(ctx, `SELECT `+labelTypeCols+` FROM label_types WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return l, t.wrap(err)
}

// LockLabelType reads a label type for change, locking its row on PostgreSQL.
func (t *Tx) LockLabelType(ctx context.Context, workspaceID, id string) (label.Type, error) {
	l, err := scanLabelType(t.row(ctx, `SELECT `+labelTypeCols+` FROM label_types WHERE workspace_id = ? AND id = ?`+t.forUpdate(false), workspaceID, id))
	return l, t.wrap(err)
}

func (t *Tx) labelTypes(ctx context.Context, q string, args ...any) ([]label.Type, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []label.Type
	for rows.Next() {
		l, err := scanLabelType(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// GetLabelTypes reads the label types of ids that exist, once per
// transaction until it may have changed them (readCache).
func (t *Tx) GetLabelTypes(ctx context.Context, workspaceID string, ids []string) ([]label.Type, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if ls, ok := t.cache.getLabelTypes(workspaceID, ids); ok {
		return ls, nil
	}
	in, args := inList("id", ids)
	ls, err := t.labelTypes(ctx, `SELECT `+labelTypeCols+` FROM label_types WHERE workspace_id = ? AND `+in, append([]any{workspaceID}, args...)...)
	if err == nil {
		t.cache.putLabelTypes(workspaceID, ids, ls)
	}
	return ls, err
}

// ListLabelTypes reads a page of label types in creation order.
func (t *Tx) ListLabelTypes(ctx context.Context, workspaceID string, archived *bool, p core.Page) ([]label.Type, error) {
	conds, args := []string{"workspace_id = ?"}, []any{workspaceID}
	if archived != nil {
		if *archived {
			conds = append(conds, "archived_at IS NOT NULL")
		} else {
			conds = append(conds, "archived_at IS NULL")
		}
	}
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.labelTypes(ctx, `SELECT `+labelTypeCols+` FROM label_types`+where(append(conds, cond)...)+tail, append(args, kargs...)...)
}

// SetLabelTypeArchived archives or unarchives a label type.
func (t *Tx) SetLabelTypeArchived(ctx context.Context, workspaceID, id string, at *core.Time, by *core.Actor, now core.Time, actor core.Actor) error {
	return expectOne(t.exec(ctx, `UPDATE label_types SET archived_at = ?, archived_by = ?, updated_at = ?, updated_by = ?
		WHERE workspace_id = ? AND id = ?`, nullTime(at), actorPtr(by), now.Millis(), actor.String(), workspaceID, id))
}

const labelCols = `id, workspace_id, thread_id, label_type_id, created_at, created_by, updated_at, updated_by`

// labelValues encodes l for labelCols.
func labelValues(l label.Label) []any {
	return []any{l.ID, l.WorkspaceID, l.ThreadID, l.TypeID, l.CreatedAt.Millis(), l.CreatedBy.String(), l.UpdatedAt.Millis(), l.UpdatedBy.String()}
}

// CreateLabel applies a label type to a thread.
func (t *Tx) CreateLabel(ctx context.Context, l label.Label) error {
	return t.later(ctx, `INSERT INTO labels (`+labelCols+`) VALUES (`+columnPlaceholders(labelCols)+`)`, labelValues(l)...)
}

// LabelsOfThreads reads the labels of threads, oldest first.
func (t *Tx) LabelsOfThreads(ctx context.Context, workspaceID string, threadIDs []string) ([]label.Label, error) {
	if len(threadIDs) == 0 {
		return nil, nil
	}
	in, args := inList("thread_id", threadIDs)
	rows, err := t.query(ctx, `SELECT `+labelCols+` FROM labels WHERE workspace_id = ? AND `+in+` ORDER BY id`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanLabels(rows)
}

func scanLabels(rows *sql.Rows) ([]label.Label, error) {
	defer rows.Close()
	var out []label.Label
	for rows.Next() {
		var l label.Label
		var cAt, uAt int64
		var cBy, uBy string
		if err := rows.Scan(&l.ID, &l.WorkspaceID, &l.ThreadID, &l.TypeID, &cAt, &cBy, &uAt, &uBy); err != nil {
			return nil, err
		}
		l.CreatedAt, l.CreatedBy, l.UpdatedAt, l.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
		out = append(out, l)
	}
	return out, rows.Err()
}

// GetLabels reads the labels of ids that exist.
func (t *Tx) GetLabels(ctx context.Context, workspaceID string, ids []string) ([]label.Label, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList("id", ids)
	rows, err := t.query(ctx, `SELECT `+labelCols+` FROM labels WHERE workspace_id = ? AND `+in+` ORDER BY id`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanLabels(rows)
}

// DeleteLabel removes a label from its thread.
func (t *Tx) DeleteLabel(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM labels WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}

// GetLabelTypeByExternalID reads the label type of the workspace with an
// external id (the oldest, should several share it).
func (t *Tx) GetLabelTypeByExternalID(ctx context.Context, workspaceID, externalID string) (label.Type, error) {
	l, err := scanLabelType(t.row(ctx, `SELECT `+labelTypeCols+` FROM label_types WHERE workspace_id = ? AND external_id = ?
		ORDER BY id LIMIT 1`, workspaceID, externalID))
	return l, t.wrap(err)
}

// UpdateLabelType overwrites a label type's name, icon, color, description,
// external id, AI exclusion, parent, position and update.
func (t *Tx) UpdateLabelType(ctx context.Context, l label.Type) error {
	return expectOne(t.exec(ctx, `UPDATE label_types SET name = ?, icon = ?, color = ?, description = ?, external_id = ?,
		is_excluded_from_ai = ?, parent_id = ?, position = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		l.Name, nullStr(l.Icon), nullStr(l.Color), nullStr(l.Description), nullStr(l.ExternalID), l.IsExcludedFromAI,
		nullStr(l.ParentID), l.Position, l.UpdatedAt.Millis(), l.UpdatedBy.String(), l.WorkspaceID, l.ID))
}
