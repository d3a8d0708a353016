package sqldb

import (
	"context"
	"database/sql"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
)

const mailboxCols = `id, workspace_id, address, server, security, username, password, folder, uid_validity, last_uid,
	next_poll_at, lease_until, last_error, last_polled_at, created_at, created_by`

// scanMailbox reads a mailbox row, opening its sealed password.
func (t *Tx) scanMailbox(s scanner) (email.Mailbox, error) {
	var m email.Mailbox
	var validity, last, next, cAt int64
	var lease, polled sql.NullInt64
	var cBy string
	err := s.Scan(&m.ID, &m.WorkspaceID, &m.Address, &m.Server, &m.Security, &m.Username, &m.Password, &m.Folder,
		&validity, &last, &next, &lease, &m.LastError, &polled, &cAt, &cBy)
	if err != nil {
		return m, err
	}
	m.Position = email.MailboxPosition{UIDValidity: uint32(validity), LastUID: uint32(last)}
	m.NextPollAt, m.LeaseUntil, m.LastPolledAt = core.FromMillis(next), timePtr(lease), timePtr(polled)
	m.CreatedAt, m.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	m.Password, err = t.open(m.Password)
	return m, err
}

// CreateMailbox inserts a mailbox, its password sealed.
func (t *Tx) CreateMailbox(ctx context.Context, m email.Mailbox) error {
	_, err := t.exec(ctx, `INSERT INTO email_mailboxes (`+mailboxCols+`) VALUES (`+columnPlaceholders(mailboxCols)+`)`,
		m.ID, m.WorkspaceID, m.Address, m.Server, m.Security, m.Username, t.seal(m.Password), m.Folder,
		int64(m.Position.UIDValidity), int64(m.Position.LastUID), m.NextPollAt.Millis(), nullTime(m.LeaseUntil),
		m.LastError, nullTime(m.LastPolledAt), m.CreatedAt.Millis(), m.CreatedBy.String())
	return err
}

// ListMailboxes reads a workspace's mailboxes.
func (t *Tx) ListMailboxes(ctx context.Context, workspaceID string) ([]email.Mailbox, error) {
	rows, err := t.query(ctx, `SELECT `+mailboxCols+` FROM email_mailboxes WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []email.Mailbox
	for rows.Next() {
		m, err := t.scanMailbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DeleteMailbox removes a mailbox.
func (t *Tx) DeleteMailbox(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM email_mailboxes WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}

// ClaimMailbox leases the mailbox due longest to owner.
func (t *Tx) ClaimMailbox(ctx context.Context, now, leaseUntil core.Time, owner string) (email.Mailbox, error) {
	m, err := t.scanMailbox(t.row(ctx, `SELECT `+mailboxCols+` FROM email_mailboxes WHERE next_poll_at <= ?
		AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_poll_at, id LIMIT 1`+t.forUpdate(true),
		now.Millis(), now.Millis()))
	if err != nil {
		return m, t.wrap(err)
	}
	if _, err := t.exec(ctx, `UPDATE email_mailboxes SET lease_until = ?, lease_owner = ? WHERE id = ?`,
		leaseUntil.Millis(), owner, m.ID); err != nil {
		return m, err
	}
	m.LeaseUntil = &leaseUntil
	return m, nil
}

// SaveMailboxPosition records a mailbox's position if owner holds it.
func (t *Tx) SaveMailboxPosition(ctx context.Context, id, owner string, pos email.MailboxPosition, leaseUntil core.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE email_mailboxes SET uid_validity = ?, last_uid = ?, lease_until = ?
		WHERE id = ? AND lease_owner = ?`, int64(pos.UIDValidity), int64(pos.LastUID), leaseUntil.Millis(), id, owner)
	return affectedOne(res, err)
}

// ReleaseMailbox ends owner's lease with the poll's outcome.
func (t *Tx) ReleaseMailbox(ctx context.Context, m email.Mailbox, owner string) (bool, error) {
	res, err := t.exec(ctx, `UPDATE email_mailboxes SET lease_until = NULL, lease_owner = NULL, next_poll_at = ?,
		last_error = ?, last_polled_at = ? WHERE id = ? AND lease_owner = ?`,
		m.NextPollAt.Millis(), m.LastError, nullTime(m.LastPolledAt), m.ID, owner)
	return affectedOne(res, err)
}

// affectedOne reports whether a statement changed exactly one row.
func affectedOne(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
