package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/webhook"
)

const targetCols = `id, workspace_id, url, description, is_enabled, event_types, version, created_at, created_by, updated_at, updated_by`

func scanTarget(s scanner) (webhook.Target, error) {
	var w webhook.Target
	var types, cBy, uBy string
	var cAt, uAt int64
	err := s.Scan(&w.ID, &w.WorkspaceID, &w.URL, &w.Description, &w.IsEnabled, &types, &w.Version, &cAt, &cBy, &uAt, &uBy)
	if err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(types), &w.EventTypes); err != nil {
		return w, err
	}
	w.CreatedAt, w.CreatedBy, w.UpdatedAt, w.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return w, nil
}

func eventTypes(w webhook.Target) string {
	if w.EventTypes == nil {
		return "[]"
	}
	return jsonText(w.EventTypes)
}

// CreateTarget inserts a webhook target.
func (t *Tx) CreateTarget(ctx context.Context, w webhook.Target) error {
	_, err := t.exec(ctx, `INSERT INTO webhook_targets (`+targetCols+`) VALUES (`+columnPlaceholders(targetCols)+`)`,
		w.ID, w.WorkspaceID, w.URL, w.Description, w.IsEnabled, eventTypes(w), w.Version,
		w.CreatedAt.Millis(), w.CreatedBy.String(), w.UpdatedAt.Millis(), w.UpdatedBy.String())
	return err
}

// UpdateTarget overwrites a target's settings.
func (t *Tx) UpdateTarget(ctx context.Context, w webhook.Target) error {
	return expectOne(t.exec(ctx, `UPDATE webhook_targets SET url = ?, description = ?, is_enabled = ?, event_types = ?,
		version = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`, w.URL, w.Description, w.IsEnabled,
		eventTypes(w), w.Version, w.UpdatedAt.Millis(), w.UpdatedBy.String(), w.WorkspaceID, w.ID))
}

// DeleteTarget removes a target (its deliveries and attempts stay).
func (t *Tx) DeleteTarget(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM webhook_targets WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}

// GetTarget reads a target.
func (t *Tx) GetTarget(ctx context.Context, workspaceID, id string) (webhook.Target, error) {
	w, err := scanTarget(t.row(ctx, `SELECT `+targetCols+` FROM webhook_targets WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return w, t.wrap(err)
}

// LockTarget reads a target for change, locking its row on PostgreSQL.
func (t *Tx) LockTarget(ctx context.Context, workspaceID, id string) (webhook.Target, error) {
	w, err := scanTarget(t.row(ctx, `SELECT `+targetCols+` FROM webhook_targets WHERE workspace_id = ? AND id = ?`+t.forUpdate(false), workspaceID, id))
	return w, t.wrap(err)
}

// ListTargets reads every target of a workspace, oldest first. A
// transaction reads them once (every event it emits needs them) until it
// may have changed them (readCache).
func (t *Tx) ListTargets(ctx context.Context, workspaceID string) ([]webhook.Target, error) {
	if ts, ok := t.cache.getTargets(workspaceID); ok {
		return ts, nil
	}
	ts, err := t.listTargets(ctx, workspaceID)
	if err == nil {
		t.cache.putTargets(workspaceID, ts)
	}
	return ts, err
}

func (t *Tx) listTargets(ctx context.Context, workspaceID string) ([]webhook.Target, error) {
	// No deferred insert writes webhook_targets.
	rows, err := t.queryAhead(ctx, `SELECT `+targetCols+` FROM webhook_targets WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []webhook.Target
	for rows.Next() {
		w, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

const deliveryCols = `id, workspace_id, target_id, event_id, event_type, order_key, status, attempts, next_attempt_at,
	lease_until, last_error, created_at, updated_at`

func scanDelivery(s scanner) (webhook.Delivery, error) {
	var d webhook.Delivery
	var status string
	var next, cAt, uAt int64
	var lease sql.NullInt64
	err := s.Scan(&d.ID, &d.WorkspaceID, &d.TargetID, &d.EventID, &d.EventType, &d.OrderKey, &status, &d.Attempts,
		&next, &lease, &d.LastError, &cAt, &uAt)
	d.Status, d.NextAttemptAt, d.LeaseUntil = webhook.DeliveryStatus(status), core.FromMillis(next), timePtr(lease)
	d.CreatedAt, d.UpdatedAt = core.FromMillis(cAt), core.FromMillis(uAt)
	return d, err
}

func (t *Tx) deliveries(ctx context.Context, q string, args ...any) ([]webhook.Delivery, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []webhook.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateDelivery queues a delivery.
func (t *Tx) CreateDelivery(ctx context.Context, d webhook.Delivery) error {
	return t.later(ctx, `INSERT INTO webhook_deliveries (`+deliveryCols+`) VALUES (`+columnPlaceholders(deliveryCols)+`)`,
		d.ID, d.WorkspaceID, d.TargetID, d.EventID, d.EventType, d.OrderKey, string(d.Status), d.Attempts,
		d.NextAttemptAt.Millis(), nullTime(d.LeaseUntil), d.LastError, d.CreatedAt.Millis(), d.UpdatedAt.Millis())
}

// GetDelivery reads a delivery.
func (t *Tx) GetDelivery(ctx context.Context, workspaceID, id string) (webhook.Delivery, error) {
	d, err := scanDelivery(t.row(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return d, t.wrap(err)
}

const dueCond = `d.status = 'PENDING' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)
	AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.status = 'PENDING' AND e.target_id = d.target_id
		AND e.order_key = d.order_key AND e.seq < d.seq)`

// ClaimDeliveries leases due deliveries to owner.
func (t *Tx) ClaimDeliveries(ctx context.Context, now, leaseUntil core.Time, owner string, limit int) ([]webhook.Delivery, error) {
	ds, err := t.deliveries(ctx, `SELECT `+prefixed("d.", deliveryCols)+` FROM webhook_deliveries d WHERE `+dueCond+`
		ORDER BY d.seq LIMIT ?`+t.forUpdate(true), now.Millis(), now.Millis(), limit)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET lease_until = ?, lease_owner = ? WHERE id = ?`,
			leaseUntil.Millis(), owner, ds[i].ID); err != nil {
			return nil, err
		}
		ds[i].LeaseUntil = &leaseUntil
	}
	return ds, nil
}

// HasDueDeliveries reports whether a delivery may be claimable.
func (t *Tx) HasDueDeliveries(ctx context.Context, now core.Time) (bool, error) {
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM webhook_deliveries d WHERE d.status = 'PENDING'
		AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?) LIMIT 1) x`, now.Millis(), now.Millis()).Scan(&n)
	return n > 0, t.wrap(err)
}

// DeliveryBacklog counts pending deliveries and finds the oldest's creation.
func (t *Tx) DeliveryBacklog(ctx context.Context) (int, core.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := t.row(ctx, `SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = 'PENDING'`).Scan(&n, &oldest)
	return n, core.FromMillis(oldest.Int64), t.wrap(err)
}

// FinishAttempt stores a delivery's outcome if owner still holds its lease.
func (t *Tx) FinishAttempt(ctx context.Context, d webhook.Delivery, owner string) (bool, error) {
	res, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, lease_until = NULL,
		lease_owner = NULL, last_error = ?, updated_at = ? WHERE id = ? AND lease_owner = ?`,
		string(d.Status), d.Attempts, d.NextAttemptAt.Millis(), d.LastError, d.UpdatedAt.Millis(), d.ID, owner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CancelDeliveries fails a target's pending deliveries.
func (t *Tx) CancelDeliveries(ctx context.Context, workspaceID, targetID, reason string, now core.Time) error {
	_, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = 'FAILED', last_error = ?, lease_until = NULL,
		lease_owner = NULL, updated_at = ? WHERE workspace_id = ? AND target_id = ? AND status = 'PENDING'`,
		reason, now.Millis(), workspaceID, targetID)
	return err
}

// ListDeliveries reads the newest deliveries of a workspace.
func (t *Tx) ListDeliveries(ctx context.Context, workspaceID string, limit int) ([]webhook.Delivery, error) {
	return t.deliveries(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries WHERE workspace_id = ? ORDER BY seq DESC LIMIT ?`, workspaceID, limit)
}

const attemptCols = `id, workspace_id, delivery_id, target_id, event_id, event_type, number, attempted_at, duration_ms, result, status_code, error`

// CreateAttempt logs a delivery attempt.
func (t *Tx) CreateAttempt(ctx context.Context, a webhook.Attempt) error {
	_, err := t.exec(ctx, `INSERT INTO webhook_attempts (`+attemptCols+`) VALUES (`+columnPlaceholders(attemptCols)+`)`,
		a.ID, a.WorkspaceID, a.DeliveryID, a.TargetID, a.EventID, a.EventType, a.Number, a.AttemptedAt.Millis(),
		a.DurationMS, string(a.Result), a.StatusCode, a.Error)
	return err
}

// ListAttempts reads a page of a target's attempts, newest first.
func (t *Tx) ListAttempts(ctx context.Context, workspaceID, targetID string, f webhook.AttemptFilter, p core.Page) ([]webhook.Attempt, error) {
	kcond, kargs, tail, err := keyset([]string{"id"}, true, p, stringCursor)
	if err != nil {
		return nil, err
	}
	var c cond
	c.add("workspace_id = ? AND target_id = ?", workspaceID, targetID)
	if len(f.EventTypes) > 0 {
		c.in("event_type", anys(f.EventTypes, func(s string) any { return s }))
	}
	if f.Result != "" {
		c.add("result = ?", string(f.Result))
	}
	if kcond != "" {
		c.add(kcond, kargs...)
	}
	rows, err := t.query(ctx, `SELECT `+attemptCols+` FROM webhook_attempts`+where(c.sql...)+tail, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []webhook.Attempt
	for rows.Next() {
		var a webhook.Attempt
		var result string
		var at int64
		if err := rows.Scan(&a.ID, &a.WorkspaceID, &a.DeliveryID, &a.TargetID, &a.EventID, &a.EventType, &a.Number, &at,
			&a.DurationMS, &result, &a.StatusCode, &a.Error); err != nil {
			return nil, err
		}
		a.AttemptedAt, a.Result = core.FromMillis(at), webhook.AttemptResult(result)
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetEvent reads one outbox event.
func (t *Tx) GetEvent(ctx context.Context, workspaceID, id string) (event.Record, error) {
	var e event.Record
	var typ, payload, actor string
	var at int64
	err := t.row(ctx, `SELECT seq, id, workspace_id, type, payload, actor, created_at FROM outbox WHERE workspace_id = ? AND id = ?`,
		workspaceID, id).Scan(&e.Seq, &e.ID, &e.WorkspaceID, &typ, &payload, &actor, &at)
	e.Type, e.Payload, e.Actor, e.CreatedAt = event.Type(typ), []byte(payload), core.ParseActor(actor), core.FromMillis(at)
	return e, t.wrap(err)
}
