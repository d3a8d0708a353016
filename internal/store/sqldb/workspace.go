package sqldb

import (
	"context"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/workspace"
)

const workspaceCols = `id, name, public_name, is_demo, hmac_secret, hmac_updated_at, hmac_updated_by,
	created_at, created_by, updated_at, updated_by, domain_names`

func scanWorkspace(s scanner) (workspace.Workspace, error) {
	var w workspace.Workspace
	var hAt, cAt, uAt int64
	var hBy, cBy, uBy, domains string
	err := s.Scan(&w.ID, &w.Name, &w.PublicName, &w.IsDemo, &w.HMACSecret, &hAt, &hBy, &cAt, &cBy, &uAt, &uBy, &domains)
	w.DomainNames = []string{}
	if domains != "" {
		w.DomainNames = strings.Split(domains, ",")
	}
	w.HMACUpdatedAt, w.HMACUpdatedBy = core.FromMillis(hAt), core.ParseActor(hBy)
	w.CreatedAt, w.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	w.UpdatedAt, w.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
	return w, err
}

// CreateWorkspace inserts w.
func (t *Tx) CreateWorkspace(ctx context.Context, w workspace.Workspace) error {
	_, err := t.exec(ctx, `INSERT INTO workspaces (`+workspaceCols+`) VALUES (`+placeholders(12)+`)`,
		w.ID, w.Name, w.PublicName, w.IsDemo, w.HMACSecret, w.HMACUpdatedAt.Millis(), w.HMACUpdatedBy.String(),
		w.CreatedAt.Millis(), w.CreatedBy.String(), w.UpdatedAt.Millis(), w.UpdatedBy.String(), strings.Join(w.DomainNames, ","))
	return err
}

// UpdateWorkspace overwrites a workspace's names and domain names and its
// update time; its secret stays.
func (t *Tx) UpdateWorkspace(ctx context.Context, w workspace.Workspace) error {
	return expectOne(t.exec(ctx, `UPDATE workspaces SET name = ?, public_name = ?, domain_names = ?, updated_at = ?,
		updated_by = ? WHERE id = ?`, w.Name, w.PublicName, strings.Join(w.DomainNames, ","), w.UpdatedAt.Millis(),
		w.UpdatedBy.String(), w.ID))
}

// GetWorkspace reads one workspace.
func (t *Tx) GetWorkspace(ctx context.Context, id string) (workspace.Workspace, error) {
	w, err := scanWorkspace(t.row(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id))
	return w, t.wrap(err)
}

// UpdateWorkspaceHMAC replaces the workspace's signing secret.
func (t *Tx) UpdateWorkspaceHMAC(ctx context.Context, id, secret string, at core.Time, by core.Actor) error {
	return expectOne(t.exec(ctx, `UPDATE workspaces SET hmac_secret = ?, hmac_updated_at = ?, hmac_updated_by = ?,
		updated_at = ?, updated_by = ? WHERE id = ?`, secret, at.Millis(), by.String(), at.Millis(), by.String(), id))
}

// SetSettingOnce stores key=value unless key exists.
func (t *Tx) SetSettingOnce(ctx context.Context, key, value string) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Setting reads a setting.
func (t *Tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := t.row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	return v, t.wrap(err)
}

// NextCounter increments a per-workspace counter. The row lock taken by the
// upsert serialises concurrent callers on PostgreSQL; on SQLite the single
// writer does.
func (t *Tx) NextCounter(ctx context.Context, workspaceID, name string) (int64, error) {
	var v int64
	err := t.row(ctx, `INSERT INTO counters (workspace_id, name, value) VALUES (?, ?, 1)
		ON CONFLICT (workspace_id, name) DO UPDATE SET value = counters.value + 1
		RETURNING value`, workspaceID, name).Scan(&v)
	return v, t.wrap(err)
}
