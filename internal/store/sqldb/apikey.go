package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
)

const apiKeyCols = `id, workspace_id, machine_user_id, name, key_hash, key_hint, permissions, created_at, created_by,
	updated_at, updated_by, revoked_at, revoked_by`

func scanAPIKey(s scanner) (auth.APIKey, error) {
	var k auth.APIKey
	var perms, cBy string
	var cAt int64
	var uAt, rev sql.NullInt64
	var uBy, revBy sql.NullString
	err := s.Scan(&k.ID, &k.WorkspaceID, &k.MachineUserID, &k.Name, &k.Hash, &k.Hint, &perms, &cAt, &cBy,
		&uAt, &uBy, &rev, &revBy)
	for _, p := range strings.Split(perms, ",") {
		if p != "" {
			k.Permissions = append(k.Permissions, auth.Permission(p))
		}
	}
	k.CreatedAt, k.CreatedBy, k.RevokedAt, k.RevokedBy = core.FromMillis(cAt), core.ParseActor(cBy), timePtr(rev), actorOf(revBy)
	k.UpdatedAt, k.UpdatedBy = k.CreatedAt, k.CreatedBy // keys stored before 0008 were never updated
	if uAt.Valid && uBy.Valid {
		k.UpdatedAt, k.UpdatedBy = core.FromMillis(uAt.Int64), core.ParseActor(uBy.String)
	}
	return k, err
}

func permissionList(ps []auth.Permission) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return strings.Join(out, ",")
}

// CreateAPIKey inserts k (its hash, never the secret).
func (t *Tx) CreateAPIKey(ctx context.Context, k auth.APIKey) error {
	updAt, updBy := k.UpdatedAt, k.UpdatedBy
	if updAt.IsZero() {
		updAt, updBy = k.CreatedAt, k.CreatedBy
	}
	_, err := t.exec(ctx, `INSERT INTO api_keys (`+apiKeyCols+`) VALUES (`+columnPlaceholders(apiKeyCols)+`)`,
		k.ID, k.WorkspaceID, k.MachineUserID, k.Name, k.Hash, k.Hint, permissionList(k.Permissions),
		k.CreatedAt.Millis(), k.CreatedBy.String(), updAt.Millis(), updBy.String(), nullTime(k.RevokedAt), actorPtr(k.RevokedBy))
	return err
}

// APIKeyByHash finds a key by the hash of its secret.
func (t *Tx) APIKeyByHash(ctx context.Context, hash string) (auth.APIKey, error) {
	k, err := scanAPIKey(t.row(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE key_hash = ?`, hash))
	return k, t.wrap(err)
}

// GetAPIKey reads a key of the workspace.
func (t *Tx) GetAPIKey(ctx context.Context, workspaceID, id string) (auth.APIKey, error) {
	k, err := scanAPIKey(t.row(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return k, t.wrap(err)
}

func (t *Tx) apiKeys(ctx context.Context, query string, args ...any) ([]auth.APIKey, error) {
	rows, err := t.query(ctx, query, args...)
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

// ListAPIKeys lists a workspace's keys, oldest first.
func (t *Tx) ListAPIKeys(ctx context.Context, workspaceID string) ([]auth.APIKey, error) {
	return t.apiKeys(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE workspace_id = ? ORDER BY id`, workspaceID)
}

// ListAPIKeysOfMachineUser returns up to p.Limit+1 keys of a machine user,
// revoked ones included, oldest first.
func (t *Tx) ListAPIKeysOfMachineUser(ctx context.Context, workspaceID, machineUserID string, p core.Page) ([]auth.APIKey, error) {
	cond, kargs, tail, err := keyset([]string{"id"}, false, p, stringCursor)
	if err != nil {
		return nil, err
	}
	return t.apiKeys(ctx, `SELECT `+apiKeyCols+` FROM api_keys`+where("workspace_id = ?", "machine_user_id = ?", cond)+tail,
		append([]any{workspaceID, machineUserID}, kargs...)...)
}

// UpdateAPIKey overwrites a key's name, permissions, update and revocation.
func (t *Tx) UpdateAPIKey(ctx context.Context, k auth.APIKey) error {
	return expectOne(t.exec(ctx, `UPDATE api_keys SET name = ?, permissions = ?, updated_at = ?, updated_by = ?,
		revoked_at = ?, revoked_by = ? WHERE workspace_id = ? AND id = ?`,
		k.Name, permissionList(k.Permissions), k.UpdatedAt.Millis(), k.UpdatedBy.String(), nullTime(k.RevokedAt),
		actorPtr(k.RevokedBy), k.WorkspaceID, k.ID))
}

// RevokeAPIKey marks a key revoked; revoking twice keeps the first time.
func (t *Tx) RevokeAPIKey(ctx context.Context, workspaceID, id string, at core.Time) error {
	return expectOne(t.exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE workspace_id = ? AND id = ?`,
		at.Millis(), workspaceID, id))
}

// RevokeAPIKeysOfMachineUser revokes every key of a machine user not
// revoked yet, as by, and returns their ids.
func (t *Tx) RevokeAPIKeysOfMachineUser(ctx context.Context, workspaceID, machineUserID string, at core.Time, by core.Actor) ([]string, error) {
	rows, err := t.query(ctx, `UPDATE api_keys SET revoked_at = ?, revoked_by = ?, updated_at = ?, updated_by = ?
		WHERE workspace_id = ? AND machine_user_id = ? AND revoked_at IS NULL RETURNING id`,
		at.Millis(), by.String(), at.Millis(), by.String(), workspaceID, machineUserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
