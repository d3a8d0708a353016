package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/core"
)

const attachmentCols = `id, workspace_id, customer_id, type, file_name, file_size, mime_type, extension, status,
	upload_expires_at, uploaded_at, created_at, created_by, updated_at, updated_by`

func scanAttachment(s scanner) (attachment.Attachment, error) {
	var a attachment.Attachment
	var ext sql.NullString
	var uploaded sql.NullInt64
	var typ, status, cBy, uBy string
	var exp, cAt, uAt int64
	err := s.Scan(&a.ID, &a.WorkspaceID, &a.CustomerID, &typ, &a.FileName, &a.Size, &a.MimeType, &ext, &status,
		&exp, &uploaded, &cAt, &cBy, &uAt, &uBy)
	a.Type, a.Status, a.Extension = attachment.Type(typ), attachment.Status(status), strPtr(ext)
	a.UploadExpiresAt, a.UploadedAt = core.FromMillis(exp), timePtr(uploaded)
	a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return a, err
}

// CreateAttachment inserts an attachment (without content).
func (t *Tx) CreateAttachment(ctx context.Context, a attachment.Attachment) error {
	_, err := t.exec(ctx, `INSERT INTO attachments (`+attachmentCols+`) VALUES (`+columnPlaceholders(attachmentCols)+`)`,
		a.ID, a.WorkspaceID, a.CustomerID, string(a.Type), a.FileName, a.Size, a.MimeType, nullStr(a.Extension),
		string(a.Status), a.UploadExpiresAt.Millis(), nullTime(a.UploadedAt), a.CreatedAt.Millis(), a.CreatedBy.String(),
		a.UpdatedAt.Millis(), a.UpdatedBy.String())
	return err
}

// GetAttachments reads the attachments of ids that exist.
func (t *Tx) GetAttachments(ctx context.Context, workspaceID string, ids []string) ([]attachment.Attachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList("id", ids)
	rows, err := t.query(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = ? AND `+in+` ORDER BY id`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attachment.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// LockAttachment reads an attachment to change it, locking its row on
// PostgreSQL.
func (t *Tx) LockAttachment(ctx context.Context, workspaceID, id string) (attachment.Attachment, error) {
	a, err := scanAttachment(t.row(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE workspace_id = ? AND id = ?`+
		t.forUpdate(false), workspaceID, id))
	return a, t.wrap(err)
}

// StoreAttachmentContent stores an attachment's content and its new state.
func (t *Tx) StoreAttachmentContent(ctx context.Context, a attachment.Attachment, data []byte) error {
	if _, err := t.exec(ctx, `INSERT INTO attachment_contents (attachment_id, workspace_id, data) VALUES (?, ?, ?)`,
		a.ID, a.WorkspaceID, data); err != nil {
		return err
	}
	return expectOne(t.exec(ctx, `UPDATE attachments SET status = ?, mime_type = ?, uploaded_at = ?, updated_at = ?,
		updated_by = ? WHERE workspace_id = ? AND id = ?`, string(a.Status), a.MimeType, nullTime(a.UploadedAt),
		a.UpdatedAt.Millis(), a.UpdatedBy.String(), a.WorkspaceID, a.ID))
}

// AttachmentContent reads an attachment's content.
func (t *Tx) AttachmentContent(ctx context.Context, workspaceID, id string) ([]byte, error) {
	var data []byte
	err := t.row(ctx, `SELECT data FROM attachment_contents WHERE attachment_id = ? AND workspace_id = ?`, id, workspaceID).Scan(&data)
	return data, t.wrap(err)
}

// DeleteExpiredUploads deletes attachments whose upload expired unused.
func (t *Tx) DeleteExpiredUploads(ctx context.Context, now core.Time, limit int) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM attachments WHERE id IN (SELECT id FROM attachments
		WHERE status = 'PENDING' AND upload_expires_at <= ? ORDER BY upload_expires_at LIMIT ?)`, now.Millis(), limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
