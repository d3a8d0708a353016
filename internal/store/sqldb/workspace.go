package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/workspace"
)

const workspaceCols = `id, name, public_name, is_demo, hmac_secret, hmac_updated_at, hmac_updated_by,
	created_at, created_by, updated_at, updated_by, domain_names`

func (t *Tx) scanWorkspace(s scanner) (workspace.Workspace, error) {
	var w workspace.Workspace
	var hAt, cAt, uAt int64
	var hBy, cBy, uBy, domains string
	err := s.Scan(&w.ID, &w.Name, &w.PublicName, &w.IsDemo, &w.HMACSecret, &hAt, &hBy, &cAt, &cBy, &uAt, &uBy, &domains)
	if err != nil {
		return w, err
	}
	w.DomainNames = []string{}
	if domains != "" {
		w.DomainNames = strings.Split(domains, ",")
	}
	w.HMACUpdatedAt, w.HMACUpdatedBy = core.FromMillis(hAt), core.ParseActor(hBy)
	w.CreatedAt, w.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	w.UpdatedAt, w.UpdatedBy = core.FromMillis(uAt), core.ParseActor(uBy)
	w.HMACSecret, err = t.open(w.HMACSecret)
	return w, err
}

// seal seals a secret for storage when t has a secret box.
func (t *Tx) seal(v string) string {
	if t.secrets == nil {
		return v
	}
	return t.secrets.Seal(v)
}

// open returns the plain value of a stored secret.
func (t *Tx) open(v string) (string, error) {
	if t.secrets == nil {
		return v, nil
	}
	return t.secrets.Open(v)
}

// CreateWorkspace inserts w.
func (t *Tx) CreateWorkspace(ctx context.Context, w workspace.Workspace) error {
	_, err := t.exec(ctx, `INSERT INTO workspaces (`+workspaceCols+`) VALUES (`+columnPlaceholders(workspaceCols)+`)`,
		w.ID, w.Name, w.PublicName, w.IsDemo, t.seal(w.HMACSecret), w.HMACUpdatedAt.Millis(), w.HMACUpdatedBy.String(),
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
	w, err := t.scanWorkspace(t.row(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id))
	return w, t.wrap(err)
}

// UpdateWorkspaceHMAC replaces the workspace's signing secret.
func (t *Tx) UpdateWorkspaceHMAC(ctx context.Context, id, secret string, at core.Time, by core.Actor) error {
	return expectOne(t.exec(ctx, `UPDATE workspaces SET hmac_secret = ?, hmac_updated_at = ?, hmac_updated_by = ?,
		updated_at = ?, updated_by = ? WHERE id = ?`, t.seal(secret), at.Millis(), by.String(), at.Millis(), by.String(), id))
}

// SecretSettingPrefix begins the names of settings sealed at rest.
const SecretSettingPrefix = "secret:"

// SetSettingOnce stores key=value unless key exists.
func (t *Tx) SetSettingOnce(ctx context.Context, key, value string) (bool, error) {
	if strings.HasPrefix(key, SecretSettingPrefix) {
		value = t.seal(value)
	}
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
	if err == nil && strings.HasPrefix(key, SecretSettingPrefix) {
		v, err = t.open(v)
	}
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

// keyCheckSetting holds a value sealed with the secret key the database's
// secrets are sealed with, so that a server started with another key
// refuses to run instead of failing to sign webhooks.
const keyCheckSetting = "secret_key_check"

const keyCheckValue = "threadline secret key check"

// UseSecrets makes box the database's secret key: on first use it records
// a check value sealed with box; later it refuses a box that does not open
// that value (auth.ErrWrongSecretKey). It then seals the secrets stored
// before they were sealed.
func UseSecrets(ctx context.Context, t *Tx, box *auth.SecretBox) error {
	prev := t.secrets
	t.secrets = box
	defer func() { t.secrets = prev }()
	check, err := t.Setting(ctx, keyCheckSetting)
	switch {
	case errors.Is(err, core.ErrNotFound):
		if _, err := t.SetSettingOnce(ctx, keyCheckSetting, box.Seal(keyCheckValue)); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if v, err := box.Open(check); err != nil || v != keyCheckValue {
			return fmt.Errorf("%w: the database's secrets were sealed with another key", auth.ErrWrongSecretKey)
		}
	}
	if err := sealPlainSettings(ctx, t, box); err != nil {
		return err
	}
	if err := sealPlainColumn(ctx, t, box, "workspaces", "hmac_secret"); err != nil {
		return err
	}
	return sealPlainColumn(ctx, t, box, "email_mailboxes", "password")
}

// sealPlainColumn seals the secrets of a column (of a table keyed by id)
// stored before secrets were sealed.
func sealPlainColumn(ctx context.Context, t *Tx, box *auth.SecretBox, table, col string) error {
	rows, err := t.query(ctx, `SELECT id, `+col+` FROM `+table)
	if err != nil {
		return err
	}
	plain := map[string]string{}
	for rows.Next() {
		var id, secret string
		if err := rows.Scan(&id, &secret); err != nil {
			rows.Close()
			return err
		}
		if !auth.IsSealed(secret) {
			plain[id] = secret
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, secret := range plain {
		if _, err := t.exec(ctx, `UPDATE `+table+` SET `+col+` = ? WHERE id = ?`, box.Seal(secret), id); err != nil {
			return err
		}
	}
	return nil
}

// sealPlainSettings seals secret settings stored before secrets were sealed.
func sealPlainSettings(ctx context.Context, t *Tx, box *auth.SecretBox) error {
	rows, err := t.query(ctx, `SELECT key, value FROM settings WHERE key LIKE 'secret:%'`)
	if err != nil {
		return err
	}
	plain := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return err
		}
		if !auth.IsSealed(v) {
			plain[k] = v
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k, v := range plain {
		if _, err := t.exec(ctx, `UPDATE settings SET value = ? WHERE key = ?`, box.Seal(v), k); err != nil {
			return err
		}
	}
	return nil
}
