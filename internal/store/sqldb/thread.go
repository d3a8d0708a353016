package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

var _ store.Tx = (*Tx)(nil)

const threadCols = `id, workspace_id, ref, external_id, customer_id, title, description, preview_text, priority,
	status, status_detail, status_changed_at, status_changed_by, waiting_until, channel, tenant_id, assignee,
	assigned_at, messages, last_inbound_at, support_email_addresses, created_at, created_by, updated_at, updated_by, tier_id`

// messageInfo is a thread's message info as its messages column holds it.
type messageInfo struct {
	At     core.Time            `json:"at"`
	Source thread.MessageSource `json:"source"`
	Actor  core.Actor           `json:"actor"`
}

// messagesJSON is the messages column: each info absent until a message
// of its kind exists.
type messagesJSON struct {
	FirstInbound  *messageInfo `json:"firstInbound,omitempty"`
	LastInbound   *messageInfo `json:"lastInbound,omitempty"`
	FirstOutbound *messageInfo `json:"firstOutbound,omitempty"`
	LastOutbound  *messageInfo `json:"lastOutbound,omitempty"`
}

func encodeMessages(m thread.Messages) string {
	conv := func(i *thread.MessageInfo) *messageInfo {
		if i == nil {
			return nil
		}
		return &messageInfo{At: i.At, Source: i.Source, Actor: i.Actor}
	}
	b, _ := json.Marshal(messagesJSON{conv(m.FirstInbound), conv(m.LastInbound), conv(m.FirstOutbound), conv(m.LastOutbound)})
	return string(b)
}

func decodeMessages(s string) (thread.Messages, error) {
	var j messagesJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return thread.Messages{}, fmt.Errorf("thread messages: %w", err)
	}
	conv := func(i *messageInfo) *thread.MessageInfo {
		if i == nil {
			return nil
		}
		return &thread.MessageInfo{At: i.At, Source: i.Source, Actor: i.Actor}
	}
	return thread.Messages{FirstInbound: conv(j.FirstInbound), LastInbound: conv(j.LastInbound),
		FirstOutbound: conv(j.FirstOutbound), LastOutbound: conv(j.LastOutbound)}, nil
}

func scanThread(s scanner) (thread.Thread, error) {
	var th thread.Thread
	var ext, desc, preview, tenant, assignee, tierID sql.NullString
	var waiting, assignedAt sql.NullInt64
	var status, detail, scBy, channel, messages, support, cBy, uBy string
	var scAt, lastInbound, cAt, uAt int64
	err := s.Scan(&th.ID, &th.WorkspaceID, &th.Ref, &ext, &th.CustomerID, &th.Title, &desc, &preview, &th.Priority,
		&status, &detail, &scAt, &scBy, &waiting, &channel, &tenant, &assignee, &assignedAt, &messages, &lastInbound,
		&support, &cAt, &cBy, &uAt, &uBy, &tierID)
	if err != nil {
		return th, err
	}
	th.TierID = strPtr(tierID)
	th.ExternalID, th.Description, th.PreviewText, th.TenantID = strPtr(ext), strPtr(desc), strPtr(preview), strPtr(tenant)
	th.Status, th.StatusDetail, th.Channel = thread.Status(status), thread.Detail(detail), thread.Channel(channel)
	th.StatusChangedAt, th.StatusChangedBy = core.FromMillis(scAt), core.ParseActor(scBy)
	th.WaitingUntil, th.AssignedAt = timePtr(waiting), timePtr(assignedAt)
	if assignee.Valid {
		a := core.ParseActor(assignee.String)
		th.Assignee = &a
	}
	th.CreatedAt, th.CreatedBy, th.UpdatedAt, th.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	if th.Messages, err = decodeMessages(messages); err != nil {
		return th, err
	}
	if support != "[]" {
		if err := json.Unmarshal([]byte(support), &th.SupportEmailAddresses); err != nil {
			return th, fmt.Errorf("thread support email addresses: %w", err)
		}
	}
	return th, nil
}

// supportAddresses is the support_email_addresses column of th.
func supportAddresses(th thread.Thread) string {
	if len(th.SupportEmailAddresses) == 0 {
		return "[]"
	}
	return jsonText(th.SupportEmailAddresses)
}

// threadValues encodes th for threadCols, as every thread row is stored.
func threadValues(th thread.Thread) []any {
	return []any{th.ID, th.WorkspaceID, th.Ref, nullStr(th.ExternalID), th.CustomerID, th.Title, nullStr(th.Description),
		nullStr(th.PreviewText), th.Priority, string(th.Status), string(th.StatusDetail), th.StatusChangedAt.Millis(),
		th.StatusChangedBy.String(), nullTime(th.WaitingUntil), string(th.Channel), nullStr(th.TenantID),
		actorPtr(th.Assignee), nullTime(th.AssignedAt), encodeMessages(th.Messages), th.LastInboundMillis(),
		supportAddresses(th), th.CreatedAt.Millis(), th.CreatedBy.String(), th.UpdatedAt.Millis(), th.UpdatedBy.String(), nullStr(th.TierID)}
}

// CreateThread inserts a thread.
func (t *Tx) CreateThread(ctx context.Context, th thread.Thread) error {
	if err := t.later(ctx, `INSERT INTO threads (`+threadCols+`) VALUES (`+columnPlaceholders(threadCols)+`)`, threadValues(th)...); err != nil {
		return err
	}
	return t.putThreadDoc(ctx, th)
}

func (t *Tx) oneThread(ctx context.Context, cond string, args ...any) (thread.Thread, error) {
	th, err := scanThread(t.row(ctx, `SELECT `+threadCols+` FROM threads WHERE `+cond, args...))
	return th, t.wrap(err)
}

// GetThread reads a thread.
func (t *Tx) GetThread(ctx context.Context, workspaceID, id string) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND id = ?`, workspaceID, id)
}

// GetThreadByRef reads a thread by its ref number.
func (t *Tx) GetThreadByRef(ctx context.Context, workspaceID string, ref int64) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND ref = ?`, workspaceID, ref)
}

// GetThreadByExternalID reads a customer's thread by external id.
func (t *Tx) GetThreadByExternalID(ctx context.Context, workspaceID, customerID, externalID string) (thread.Thread, error) {
	return t.oneThread(ctx, `workspace_id = ? AND customer_id = ? AND external_id = ?`, workspaceID, customerID, externalID)
}
