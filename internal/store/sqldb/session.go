package sqldb

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/user"
)

// Credentials reads the users of every workspace with a normalised email,
// deleted or not, with their password hashes, oldest first.
func (t *Tx) Credentials(ctx context.Context, email string) ([]user.Credential, error) {
	rows, err := t.query(ctx, `SELECT `+userCols+`, COALESCE(password_hash, '') FROM users WHERE email = ? ORDER BY id LIMIT 20`, email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []user.Credential
	for rows.Next() {
		var hash string
		u, err := scanUser(scanWith(rows, &hash))
		if err != nil {
			return nil, err
		}
		out = append(out, user.Credential{User: u, PasswordHash: hash})
	}
	return out, rows.Err()
}

// SetPassword stores the password hash of a user of the workspace and
// when it changed.
func (t *Tx) SetPassword(ctx context.Context, workspaceID, userID, hash string, at core.Time) error {
	return expectOne(t.exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE workspace_id = ? AND id = ?`,
		hash, at.Millis(), workspaceID, userID))
}

const sessionCols = `id, workspace_id, user_id, token_hash, created_at, last_seen_at, expires_at`

// CreateSession inserts s.
func (t *Tx) CreateSession(ctx context.Context, s auth.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (`+columnPlaceholders(sessionCols)+`)`,
		s.ID, s.WorkspaceID, s.UserID, s.TokenHash, s.CreatedAt.Millis(), s.LastSeenAt.Millis(), s.ExpiresAt.Millis())
	return err
}

// SessionByTokenHash reads the session of a token hash, in any workspace.
func (t *Tx) SessionByTokenHash(ctx context.Context, hash string) (auth.Session, error) {
	var s auth.Session
	var c, seen, exp int64
	err := t.row(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = ?`, hash).
		Scan(&s.ID, &s.WorkspaceID, &s.UserID, &s.TokenHash, &c, &seen, &exp)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = core.FromMillis(c), core.FromMillis(seen), core.FromMillis(exp)
	return s, t.wrap(err)
}

// TouchSession records a session's last use and new expiry.
func (t *Tx) TouchSession(ctx context.Context, s auth.Session) error {
	_, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE workspace_id = ? AND id = ?`,
		s.LastSeenAt.Millis(), s.ExpiresAt.Millis(), s.WorkspaceID, s.ID)
	return err
}

// DeleteSession removes a session of the workspace (signing out).
func (t *Tx) DeleteSession(ctx context.Context, workspaceID, id string) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE workspace_id = ? AND id = ?`, workspaceID, id)
	return err
}

// DeleteUserSessions removes every session of a user of the workspace but
// keep (a session id, or "") and returns how many it removed.
func (t *Tx) DeleteUserSessions(ctx context.Context, workspaceID, userID, keep string) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE workspace_id = ? AND user_id = ? AND id <> ?`, workspaceID, userID, keep)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DeleteExpiredSessions removes up to limit sessions of any workspace that
// expired at or before now and returns how many it removed.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now core.Time, limit int) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
		now.Millis(), limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
