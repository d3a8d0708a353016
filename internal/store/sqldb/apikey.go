package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
)

const apiKeyCols = `id, workspace_id, machine_user_id, name, key_hash, key_hint, permissions, created_at, created_by, revoked_at`

func scanAPIKey(s scanner) (auth.APIKey, error) {
	var k auth.APIKey
	var perms, cBy string
	var cAt int64
	var rev sql.NullInt64
	err := s.Scan(&k.ID, &k.WorkspaceID, &k.MachineUserID, &k.Name, &k.Hash, &k.Hint, &perms, &cAt, &cBy, &rev)
	for _, p := range strings.Split(perms, ",") {
		if p != "" {
			k.Permissions = append(k.Permissions, auth.Permission(p))
		}
	}
	k.CreatedAt, k.CreatedBy, k.RevokedAt = core.FromMillis(cAt), core.ParseActor(cBy), timePtr(rev)
	return k, err
}

// CreateAPIKey inserts k (its hash, never the secret).
func (t *Tx) CreateAPIKey(ctx context.Context, k auth.APIKey) error {
	perms := make([]string, len(k.Permissions))
	for i, p := range k.Permissions {
		perms[i] = string(p)
	}
	_, err := t.exec(ctx, `INSERT INTO api_keys (`+apiKeyCols+`) VALUES (`+placeholders(10)+`)`,
		k.ID, k.WorkspaceID, k.MachineUserID, k.Name, k.Hash, k.Hint, strings.Join(perms, ","),
		k.CreatedAt.Millis(), k.CreatedBy.String(), nullTime(k.RevokedAt))
	return err
}

// APIKeyByHash finds a key by the hash of its secret.
func (t *Tx) APIKeyByHash(ctx context.Context, hash string) (auth.APIKey, error) {
	k, err := scanAPIKey(t.row(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE key_hash = ?`, hash))
	return k, t.wrap(err)
}

// ListAPIKeys lists a workspace's keys, oldest first.
func (t *Tx) ListAPIKeys(ctx context.Context, workspaceID string) ([]auth.APIKey, error) {
	rows, err := t.query(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey marks a key revoked; revoking twice keeps the first time.
func (t *Tx) RevokeAPIKey(ctx context.Context, workspaceID, id string, at core.Time) error {
	return expectOne(t.exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE workspace_id = ? AND id = ?`,
		at.Millis(), workspaceID, id))
}
