package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customercard"
)

const cardConfigCols = `id, workspace_id, title, key, default_ttl_seconds, api_url, api_headers, ord, is_enabled,
	created_at, created_by, updated_at, updated_by`

func scanCardConfig(s scanner) (customercard.Config, error) {
	var c customercard.Config
	var headers, cBy, uBy string
	var cAt, uAt int64
	err := s.Scan(&c.ID, &c.WorkspaceID, &c.Title, &c.Key, &c.DefaultTTLSeconds, &c.APIURL, &headers, &c.Order, &c.IsEnabled,
		&cAt, &cBy, &uAt, &uBy)
	if err != nil {
		return c, err
	}
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	c.APIHeaders = []customercard.Header{}
	return c, json.Unmarshal([]byte(headers), &c.APIHeaders)
}

func headersJSON(hs []customercard.Header) string {
	if hs == nil {
		hs = []customercard.Header{}
	}
	b, _ := json.Marshal(hs)
	return string(b)
}

// CreateCardConfig inserts a config.
func (t *Tx) CreateCardConfig(ctx context.Context, c customercard.Config) error {
	_, err := t.exec(ctx, `INSERT INTO customer_card_configs (`+cardConfigCols+`) VALUES (`+columnPlaceholders(cardConfigCols)+`)`,
		c.ID, c.WorkspaceID, c.Title, c.Key, c.DefaultTTLSeconds, c.APIURL, headersJSON(c.APIHeaders), c.Order, c.IsEnabled,
		c.CreatedAt.Millis(), c.CreatedBy.String(), c.UpdatedAt.Millis(), c.UpdatedBy.String())
	return err
}

// UpdateCardConfig overwrites a config's mutable columns.
func (t *Tx) UpdateCardConfig(ctx context.Context, c customercard.Config) error {
	return expectOne(t.exec(ctx, `UPDATE customer_card_configs SET title = ?, key = ?, default_ttl_seconds = ?, api_url = ?,
		api_headers = ?, ord = ?, is_enabled = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		c.Title, c.Key, c.DefaultTTLSeconds, c.APIURL, headersJSON(c.APIHeaders), c.Order, c.IsEnabled,
		c.UpdatedAt.Millis(), c.UpdatedBy.String(), c.WorkspaceID, c.ID))
}

// DeleteCardConfig deletes a config; its instances go with it.
func (t *Tx) DeleteCardConfig(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM customer_card_configs WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}

// GetCardConfig reads a config.
func (t *Tx) GetCardConfig(ctx context.Context, workspaceID, id string) (customercard.Config, error) {
	c, err := scanCardConfig(t.row(ctx, `SELECT `+cardConfigCols+` FROM customer_card_configs WHERE workspace_id = ? AND id = ?`,
		workspaceID, id))
	return c, t.wrap(err)
}

// LockCardConfig reads a config for change, locking its row on PostgreSQL.
func (t *Tx) LockCardConfig(ctx context.Context, workspaceID, id string) (customercard.Config, error) {
	c, err := scanCardConfig(t.row(ctx, `SELECT `+cardConfigCols+` FROM customer_card_configs WHERE workspace_id = ? AND id = ?`+
		t.forUpdate(false), workspaceID, id))
	return c, t.wrap(err)
}

// ListCardConfigs reads every config of a workspace by order, then id.
func (t *Tx) ListCardConfigs(ctx context.Context, workspaceID string) ([]customercard.Config, error) {
	rows, err := t.query(ctx, `SELECT `+cardConfigCols+` FROM customer_card_configs WHERE workspace_id = ? ORDER BY ord, id`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customercard.Config
	for rows.Next() {
		c, err := scanCardConfig(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const cardInstanceCols = `id, workspace_id, config_id, customer_id, thread_key, state, payload, loaded_at, expires_at,
	created_at, created_by, updated_at, updated_by`

// cardPayload is how an instance's components or error are stored.
type cardPayload struct {
	Components []component.Component     `json:"components,omitempty"`
	Error      *customercard.ErrorDetail `json:"error,omitempty"`
}

func threadKey(threadID *string) string {
	if threadID == nil {
		return ""
	}
	return *threadID
}

// CardInstances reads a customer's instances of one thread, or of none.
func (t *Tx) CardInstances(ctx context.Context, workspaceID, customerID string, threadID *string) ([]customercard.Instance, error) {
	rows, err := t.query(ctx, `SELECT `+cardInstanceCols+` FROM customer_card_instances WHERE workspace_id = ?
		AND customer_id = ? AND thread_key = ? ORDER BY config_id`, workspaceID, customerID, threadKey(threadID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customercard.Instance
	for rows.Next() {
		var i customercard.Instance
		var key, state, payload, cBy, uBy string
		var loaded, expires, cAt, uAt int64
		if err := rows.Scan(&i.ID, &i.WorkspaceID, &i.ConfigID, &i.CustomerID, &key, &state, &payload, &loaded, &expires,
			&cAt, &cBy, &uAt, &uBy); err != nil {
			return nil, err
		}
		var p cardPayload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return nil, fmt.Errorf("card instance %s: %w", i.ID, err)
		}
		if key != "" {
			i.ThreadID = &key
		}
		i.State, i.Components, i.Error = customercard.State(state), p.Components, p.Error
		i.LoadedAt, i.ExpiresAt = core.FromMillis(loaded), core.FromMillis(expires)
		i.CreatedAt, i.CreatedBy, i.UpdatedAt, i.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
		out = append(out, i)
	}
	return out, rows.Err()
}

// SaveCardInstance stores an instance in place of the one of the same
// config, customer and thread.
func (t *Tx) SaveCardInstance(ctx context.Context, i customercard.Instance) error {
	payload, err := json.Marshal(cardPayload{Components: i.Components, Error: i.Error})
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO customer_card_instances (`+cardInstanceCols+`) VALUES (`+columnPlaceholders(cardInstanceCols)+`)
		ON CONFLICT (customer_id, thread_key, config_id) DO UPDATE SET id = excluded.id, state = excluded.state,
		payload = excluded.payload, loaded_at = excluded.loaded_at, expires_at = excluded.expires_at,
		created_at = excluded.created_at, created_by = excluded.created_by, updated_at = excluded.updated_at,
		updated_by = excluded.updated_by`,
		i.ID, i.WorkspaceID, i.ConfigID, i.CustomerID, threadKey(i.ThreadID), string(i.State), string(payload),
		i.LoadedAt.Millis(), i.ExpiresAt.Millis(), i.CreatedAt.Millis(), i.CreatedBy.String(), i.UpdatedAt.Millis(), i.UpdatedBy.String())
	return err
}
