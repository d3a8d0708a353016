package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
)

const supportCols = `address, workspace_id, name, created_at, created_by`

func scanSupportAddress(s scanner) (email.SupportAddress, error) {
	var a email.SupportAddress
	var cAt int64
	var cBy string
	err := s.Scan(&a.Address, &a.WorkspaceID, &a.Name, &cAt, &cBy)
	a.CreatedAt, a.CreatedBy = core.FromMillis(cAt), core.ParseActor(cBy)
	return a, err
}

// CreateSupportAddress inserts a support address.
func (t *Tx) CreateSupportAddress(ctx context.Context, a email.SupportAddress) error {
	_, err := t.exec(ctx, `INSERT INTO support_email_addresses (`+supportCols+`) VALUES (?, ?, ?, ?, ?)`,
		a.Address, a.WorkspaceID, a.Name, a.CreatedAt.Millis(), a.CreatedBy.String())
	return err
}

// SupportAddress reads an address of any workspace.
func (t *Tx) SupportAddress(ctx context.Context, address string) (email.SupportAddress, error) {
	a, err := scanSupportAddress(t.row(ctx, `SELECT `+supportCols+` FROM support_email_addresses WHERE address = ?`, address))
	return a, t.wrap(err)
}

// ListSupportAddresses reads a workspace's addresses, oldest first.
func (t *Tx) ListSupportAddresses(ctx context.Context, workspaceID string) ([]email.SupportAddress, error) {
	rows, err := t.query(ctx, `SELECT `+supportCols+` FROM support_email_addresses WHERE workspace_id = ?
		ORDER BY created_at, address`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []email.SupportAddress
	for rows.Next() {
		a, err := scanSupportAddress(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteSupportAddress removes an address of a workspace.
func (t *Tx) DeleteSupportAddress(ctx context.Context, workspaceID, address string) error {
	return expectOne(t.exec(ctx, `DELETE FROM support_email_addresses WHERE workspace_id = ? AND address = ?`, workspaceID, address))
}

const emailCols = `id, workspace_id, thread_id, customer_id, message_id, inbound, in_reply_to_email_id, participants,
	reply_to, subject, text, new_text, markdown, html, in_reply_to, refs, category, authenticity, attachments, checks,
	is_start_of_thread, send_status, attempts, next_attempt_at, lease_until, last_error, bounces, sent_at, received_at,
	timeline_entry_id, created_at, created_by, updated_at, updated_by`

// participantJSON is a participant as the participants column holds it.
type participantJSON struct {
	Name    string          `json:"name,omitempty"`
	Email   string          `json:"email"`
	Kind    email.ActorKind `json:"kind,omitempty"`
	ActorID string          `json:"actorId,omitempty"`
}

type participantsJSON struct {
	From participantJSON   `json:"from"`
	To   participantJSON   `json:"to"`
	Cc   []participantJSON `json:"cc,omitempty"`
	Bcc  []participantJSON `json:"bcc,omitempty"`
}

func toJSON(p email.Participant) participantJSON {
	return participantJSON{Name: p.Name, Email: p.Email, Kind: p.Kind, ActorID: p.ActorID}
}

func fromJSON(p participantJSON) email.Participant {
	return email.Participant{Address: email.Address{Name: p.Name, Email: p.Email}, Kind: p.Kind, ActorID: p.ActorID}
}

func encodeParticipants(e email.Email) string {
	j := participantsJSON{From: toJSON(e.From), To: toJSON(e.To)}
	for _, p := range e.Cc {
		j.Cc = append(j.Cc, toJSON(p))
	}
	for _, p := range e.Bcc {
		j.Bcc = append(j.Bcc, toJSON(p))
	}
	return jsonText(j)
}

func decodeParticipants(s string, e *email.Email) error {
	var j participantsJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return err
	}
	e.From, e.To = fromJSON(j.From), fromJSON(j.To)
	for _, p := range j.Cc {
		e.Cc = append(e.Cc, fromJSON(p))
	}
	for _, p := range j.Bcc {
		e.Bcc = append(e.Bcc, fromJSON(p))
	}
	return nil
}

// bounceJSON is a bounce as the bounces column holds it.
type bounceJSON struct {
	At        core.Time          `json:"at"`
	Recipient string             `json:"recipient"`
	Reason    email.BounceReason `json:"reason"`
	Details   string             `json:"details,omitempty"`
	Retriable bool               `json:"retriable,omitempty"`
}

func encodeBounces(bs []email.Bounce) string {
	out := make([]bounceJSON, len(bs))
	for i, b := range bs {
		out[i] = bounceJSON(b)
	}
	return jsonText(out)
}

// jsonList encodes a list, empty as [].
func jsonList[T any](l []T) string {
	if len(l) == 0 {
		return "[]"
	}
	return jsonText(l)
}

// emailJSON are the JSON columns of an email, read for decoding.
type emailJSON struct{ participants, refs, attachments, checks, bounces string }

func (j emailJSON) decode(e *email.Email) error {
	var bs []bounceJSON
	for _, c := range []struct {
		name, s string
		v       any
	}{{"refs", j.refs, &e.References}, {"attachments", j.attachments, &e.Attachments},
		{"checks", j.checks, &e.Checks}, {"bounces", j.bounces, &bs}} {
		if err := json.Unmarshal([]byte(c.s), c.v); err != nil {
			return fmt.Errorf("email %s: %s: %w", e.ID, c.name, err)
		}
	}
	for _, b := range bs {
		e.Bounces = append(e.Bounces, email.Bounce(b))
	}
	// Lists read back as they were written: empty ones as nil.
	if len(e.References) == 0 {
		e.References = nil
	}
	if len(e.Attachments) == 0 {
		e.Attachments = nil
	}
	if err := decodeParticipants(j.participants, e); err != nil {
		return fmt.Errorf("email %s: participants: %w", e.ID, err)
	}
	return nil
}

func scanEmail(s scanner) (email.Email, error) {
	var e email.Email
	var j emailJSON
	var replyTo, inReplyToID, subject, text, newText, markdown, status sql.NullString
	var category, auth, cBy, uBy string
	var next, cAt, uAt int64
	var lease, sent, received sql.NullInt64
	err := s.Scan(&e.ID, &e.WorkspaceID, &e.ThreadID, &e.CustomerID, &e.MessageID, &e.Inbound, &inReplyToID, &j.participants,
		&replyTo, &subject, &text, &newText, &markdown, &e.HTML, &e.InReplyTo, &j.refs, &category, &auth, &j.attachments,
		&j.checks, &e.IsStartOfThread, &status, &e.Attempts, &next, &lease, &e.LastError, &j.bounces, &sent, &received,
		&e.TimelineEntryID, &cAt, &cBy, &uAt, &uBy)
	if err != nil {
		return e, err
	}
	e.ReplyTo, e.InReplyToEmailID = replyTo.String, strPtr(inReplyToID)
	e.Subject, e.Text, e.NewText, e.Markdown = strPtr(subject), strPtr(text), strPtr(newText), strPtr(markdown)
	e.Category, e.Authenticity, e.SendStatus = email.Category(category), email.Authenticity(auth), email.SendStatus(status.String)
	e.NextAttemptAt, e.LeaseUntil, e.SentAt, e.ReceivedAt = core.FromMillis(next), timePtr(lease), timePtr(sent), timePtr(received)
	e.CreatedAt, e.CreatedBy, e.UpdatedAt, e.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return e, j.decode(&e)
}

func nullStatus(s email.SendStatus) any {
	if s == "" {
		return nil
	}
	return string(s)
}

// CreateEmail inserts an email.
func (t *Tx) CreateEmail(ctx context.Context, e email.Email) error {
	_, err := t.exec(ctx, `INSERT INTO emails (`+emailCols+`) VALUES (`+columnPlaceholders(emailCols)+`)`,
		e.ID, e.WorkspaceID, e.ThreadID, e.CustomerID, e.MessageID, e.Inbound, nullStr(e.InReplyToEmailID),
		encodeParticipants(e), e.ReplyTo, nullStr(e.Subject), nullStr(e.Text), nullStr(e.NewText), nullStr(e.Markdown),
		e.HTML, e.InReplyTo, jsonList(e.References), string(e.Category), string(e.Authenticity), jsonList(e.Attachments),
		jsonText(e.Checks), e.IsStartOfThread, nullStatus(e.SendStatus), e.Attempts, e.NextAttemptAt.Millis(),
		nullTime(e.LeaseUntil), e.LastError, encodeBounces(e.Bounces), nullTime(e.SentAt), nullTime(e.ReceivedAt),
		e.TimelineEntryID, e.CreatedAt.Millis(), e.CreatedBy.String(), e.UpdatedAt.Millis(), e.UpdatedBy.String())
	return err
}

func (t *Tx) emails(ctx context.Context, q string, args ...any) ([]email.Email, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []email.Email
	for rows.Next() {
		e, err := scanEmail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetEmail reads an email.
func (t *Tx) GetEmail(ctx context.Context, workspaceID, id string) (email.Email, error) {
	e, err := scanEmail(t.row(ctx, `SELECT `+emailCols+` FROM emails WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return e, t.wrap(err)
}

// LockEmail reads an email to change it, locking its row on PostgreSQL.
func (t *Tx) LockEmail(ctx context.Context, workspaceID, id string) (email.Email, error) {
	e, err := scanEmail(t.row(ctx, `SELECT `+emailCols+` FROM emails WHERE workspace_id = ? AND id = ?`+t.forUpdate(false),
		workspaceID, id))
	return e, t.wrap(err)
}

const sendingSet = `send_status = ?, attempts = ?, next_attempt_at = ?, lease_until = ?, lease_owner = NULL,
	last_error = ?, bounces = ?, sent_at = ?, updated_at = ?, updated_by = ?`

func sendingArgs(e email.Email) []any {
	return []any{nullStatus(e.SendStatus), e.Attempts, e.NextAttemptAt.Millis(), nullTime(e.LeaseUntil), e.LastError,
		encodeBounces(e.Bounces), nullTime(e.SentAt), e.UpdatedAt.Millis(), e.UpdatedBy.String()}
}

// UpdateEmail overwrites an email's sending columns.
func (t *Tx) UpdateEmail(ctx context.Context, e email.Email) error {
	return expectOne(t.exec(ctx, `UPDATE emails SET `+sendingSet+` WHERE workspace_id = ? AND id = ?`,
		append(sendingArgs(e), e.WorkspaceID, e.ID)...))
}

// EmailsByMessageID reads the workspace's emails with any of ids.
func (t *Tx) EmailsByMessageID(ctx context.Context, workspaceID string, ids []string) ([]email.Email, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList("message_id", ids)
	return t.emails(ctx, `SELECT `+emailCols+` FROM emails WHERE workspace_id = ? AND `+in+` ORDER BY created_at, id`,
		append([]any{workspaceID}, args...)...)
}

// LatestEmails reads a thread's newest emails.
func (t *Tx) LatestEmails(ctx context.Context, workspaceID, threadID string, limit int) ([]email.Email, error) {
	return t.emails(ctx, `SELECT `+emailCols+` FROM emails WHERE thread_id = ? AND workspace_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, threadID, workspaceID, limit)
}

const dueEmail = `send_status = 'PENDING' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)`

// EmailBacklog counts pending outbound emails and finds the oldest's
// creation.
func (t *Tx) EmailBacklog(ctx context.Context) (int, core.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := t.row(ctx, `SELECT COUNT(*), MIN(created_at) FROM emails WHERE send_status = 'PENDING'`).Scan(&n, &oldest)
	return n, core.FromMillis(oldest.Int64), t.wrap(err)
}

// ClaimEmails leases due outbound emails to owner.
func (t *Tx) ClaimEmails(ctx context.Context, now, leaseUntil core.Time, owner string, limit int) ([]email.Email, error) {
	es, err := t.emails(ctx, `SELECT `+emailCols+` FROM emails WHERE `+dueEmail+` ORDER BY next_attempt_at, id LIMIT ?`+
		t.forUpdate(true), now.Millis(), now.Millis(), limit)
	if err != nil {
		return nil, err
	}
	for i := range es {
		if _, err := t.exec(ctx, `UPDATE emails SET lease_until = ?, lease_owner = ? WHERE id = ?`,
			leaseUntil.Millis(), owner, es[i].ID); err != nil {
			return nil, err
		}
		es[i].LeaseUntil = &leaseUntil
	}
	return es, nil
}

// FinishSend stores an attempt's outcome if owner still holds the lease.
func (t *Tx) FinishSend(ctx context.Context, e email.Email, owner string) (bool, error) {
	res, err := t.exec(ctx, `UPDATE emails SET `+sendingSet+` WHERE workspace_id = ? AND id = ? AND lease_owner = ?`,
		append(sendingArgs(e), e.WorkspaceID, e.ID, owner)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// HasDueEmails reports whether an outbound email may be claimable.
func (t *Tx) HasDueEmails(ctx context.Context, now core.Time) (bool, error) {
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM emails WHERE `+dueEmail+` LIMIT 1) x`, now.Millis(), now.Millis()).Scan(&n)
	return n > 0, t.wrap(err)
}
