package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// signingKeySetting is the server-wide setting holding the key that signs
// attachment tokens: made once, shared by every replica through the
// database, never logged.
const signingKeySetting = "secret:attachment_signing_key"

// Error codes of attachment uploads and downloads (the HTTP endpoints map
// them to statuses).
const (
	CodeTokenInvalid    = "attachment_token_invalid"
	CodeTokenExpired    = "attachment_token_expired"
	CodeAlreadyUploaded = "attachment_already_uploaded"
	CodeSizeMismatch    = "attachment_size_mismatch"
)

// SetAttachmentLimits sets the size limit and token lifetimes of
// attachments (the default is attachment.DefaultLimits).
func (s *Service) SetAttachmentLimits(l attachment.Limits) { s.attachLimits = l }

// AttachmentLimits returns the limits in force.
func (s *Service) AttachmentLimits() attachment.Limits { return s.attachLimits }

// signingKey returns the key that signs attachment tokens, making it on
// first use.
func (s *Service) signingKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	var hexKey string
	err := s.store.Update(ctx, func(tx store.Tx) error {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		if _, err := tx.SetSettingOnce(ctx, signingKeySetting, hex.EncodeToString(b)); err != nil {
			return err
		}
		v, err := tx.Setting(ctx, signingKeySetting)
		hexKey = v
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("attachment signing key: %w", err)
	}
	key, err := hex.DecodeString(hexKey)
	if err != nil || len(key) < 32 {
		return nil, errors.New("attachment signing key: the stored key is malformed")
	}
	s.key = key
	return key, nil
}

// AttachmentToken is an attachment with a signed token for it and when
// the token expires.
type AttachmentToken struct {
	Attachment attachment.Attachment
	Token      string
	ExpiresAt  core.Time
}

// CreateAttachmentUploadURL declares an attachment of a customer and
// returns the token that uploads it once, before it expires. Blocked
// extensions and sizes over the limit are refused. Needs attachment:create.
func (s *Service) CreateAttachmentUploadURL(ctx context.Context, in attachment.UploadInput) (AttachmentToken, error) {
	p, err := principal(ctx, auth.AttachmentCreate)
	if err != nil {
		return AttachmentToken{}, err
	}
	a, err := attachment.NewUpload(in, p.WorkspaceID, s.attachLimits, s.clock.Now(), p.Actor)
	if err != nil {
		return AttachmentToken{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return AttachmentToken{}, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.GetCustomer(ctx, p.WorkspaceID, in.CustomerID); err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		return tx.CreateAttachment(ctx, a)
	})
	if err != nil {
		return AttachmentToken{}, err
	}
	tok := attachment.Sign(key, attachment.Claims{Purpose: attachment.PurposeUpload, WorkspaceID: a.WorkspaceID,
		AttachmentID: a.ID, ExpiresAt: a.UploadExpiresAt})
	return AttachmentToken{Attachment: a, Token: tok, ExpiresAt: a.UploadExpiresAt}, nil
}

// verify checks a token for purpose: an invalid token is refused with
// CodeTokenInvalid, an expired one with CodeTokenExpired.
func (s *Service) verify(ctx context.Context, purpose attachment.Purpose, token string) (attachment.Claims, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return attachment.Claims{}, err
	}
	c, err := attachment.Verify(key, purpose, token, s.clock.Now())
	switch {
	case errors.Is(err, attachment.ErrTokenExpired):
		return c, &core.Error{Kind: core.KindForbidden, Code: CodeTokenExpired, Message: "This link has expired."}
	case err != nil:
		return c, &core.Error{Kind: core.KindForbidden, Code: CodeTokenInvalid, Message: "This link is not valid."}
	}
	return c, nil
}

// PendingUpload returns the attachment an upload token may upload: it
// must be valid, unexpired and unused. The upload endpoint reads it to
// know the size to expect before it reads the file.
func (s *Service) PendingUpload(ctx context.Context, token string) (attachment.Attachment, error) {
	c, err := s.verify(ctx, attachment.PurposeUpload, token)
	if err != nil {
		return attachment.Attachment{}, err
	}
	var a attachment.Attachment
	err = s.store.View(ctx, func(tx store.Tx) error {
		as, err := tx.GetAttachments(ctx, c.WorkspaceID, []string{c.AttachmentID})
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return &core.Error{Kind: core.KindForbidden, Code: CodeTokenInvalid, Message: "This link is not valid."}
		}
		a = as[0]
		return nil
	})
	if err == nil && a.IsUploaded() {
		err = alreadyUploaded()
	}
	return a, err
}

func alreadyUploaded() error {
	return &core.Error{Kind: core.KindValidation, Code: CodeAlreadyUploaded, Message: "This attachment was uploaded already."}
}

// UploadAttachment stores the content of the attachment an upload token
// names: exactly its declared size, not an executable; mimeType is the
// type sniffed from the content. A token uploads once: a second upload,
// even a concurrent one, is refused with CodeAlreadyUploaded.
func (s *Service) UploadAttachment(ctx context.Context, token string, data []byte, mimeType string) (attachment.Attachment, error) {
	c, err := s.verify(ctx, attachment.PurposeUpload, token)
	if err != nil {
		return attachment.Attachment{}, err
	}
	if err := attachment.CheckContent(data); err != nil {
		return attachment.Attachment{}, err
	}
	var out attachment.Attachment
	err = s.store.Update(ctx, func(tx store.Tx) error {
		a, err := tx.LockAttachment(ctx, c.WorkspaceID, c.AttachmentID)
		if err != nil {
			return notFoundAs(err, "", "Attachment")
		}
		switch {
		case a.IsUploaded():
			return alreadyUploaded()
		case int64(len(data)) != a.Size:
			return &core.Error{Kind: core.KindValidation, Code: CodeSizeMismatch,
				Message: fmt.Sprintf("The file has %d bytes; %d were declared.", len(data), a.Size)}
		}
		out = a.Uploaded(mimeType, s.clock.Now())
		return tx.StoreAttachmentContent(ctx, out, data)
	})
	if errors.Is(err, core.ErrDuplicate) {
		err = alreadyUploaded()
	}
	return out, err
}

// CreateAttachmentDownloadURL returns a token that downloads an uploaded
// attachment of the workspace until it expires. Needs attachment:download.
func (s *Service) CreateAttachmentDownloadURL(ctx context.Context, id string) (AttachmentToken, error) {
	p, err := principal(ctx, auth.AttachmentDownload)
	if err != nil {
		return AttachmentToken{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return AttachmentToken{}, err
	}
	var a attachment.Attachment
	err = s.store.View(ctx, func(tx store.Tx) error {
		as, err := tx.GetAttachments(ctx, p.WorkspaceID, []string{id})
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return core.NotFound("attachmentId", "Attachment")
		}
		a = as[0]
		return nil
	})
	if err != nil {
		return AttachmentToken{}, err
	}
	if !a.IsUploaded() {
		return AttachmentToken{}, core.Conflict(attachment.CodeNotUploaded, "attachmentId", "The attachment has not been uploaded.")
	}
	exp := s.clock.Now().Add(s.attachLimits.DownloadTTL)
	tok := attachment.Sign(key, attachment.Claims{Purpose: attachment.PurposeDownload, WorkspaceID: p.WorkspaceID,
		AttachmentID: a.ID, ExpiresAt: exp})
	return AttachmentToken{Attachment: a, Token: tok, ExpiresAt: exp}, nil
}

// DownloadAttachment returns the attachment id and its content when token
// is a valid, unexpired download token for it.
func (s *Service) DownloadAttachment(ctx context.Context, token, id string) (attachment.Attachment, []byte, error) {
	c, err := s.verify(ctx, attachment.PurposeDownload, token)
	if err != nil {
		return attachment.Attachment{}, nil, err
	}
	if c.AttachmentID != id {
		return attachment.Attachment{}, nil, &core.Error{Kind: core.KindForbidden, Code: CodeTokenInvalid, Message: "This link is not valid."}
	}
	var a attachment.Attachment
	var data []byte
	err = s.store.View(ctx, func(tx store.Tx) error {
		as, err := tx.GetAttachments(ctx, c.WorkspaceID, []string{id})
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return core.NotFound("", "Attachment")
		}
		a = as[0]
		data, err = tx.AttachmentContent(ctx, c.WorkspaceID, id)
		return notFoundAs(err, "", "Attachment")
	})
	return a, data, err
}

// Attachments reads attachments of the workspace by id (for the messages
// that name them: their metadata comes with the message; downloading
// needs attachment:download).
func (s *Service) Attachments(ctx context.Context, ids []string) (map[string]attachment.Attachment, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	var as event.Attachments
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		as, err = attachmentsOf(ctx, tx, p.WorkspaceID, ids)
		return err
	})
	return as, err
}

// attachmentsOf reads the attachments of ids that exist.
func attachmentsOf(ctx context.Context, tx store.Tx, ws string, ids []string) (event.Attachments, error) {
	out := event.Attachments{}
	if len(ids) == 0 {
		return out, nil
	}
	as, err := tx.GetAttachments(ctx, ws, dedupe(ids))
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		out[a.ID] = a
	}
	return out, nil
}

// checkAttachments checks the attachments a message of a customer names:
// at most attachment.MaxPerMessage, each an uploaded attachment of that
// customer for messages of type t. Problems are recorded on
// "attachmentIds.<i>".
func checkAttachments(ctx context.Context, tx store.Tx, ws, customerID string, ids []string, t attachment.Type,
	c *core.Collector) (event.Attachments, error) {
	if len(ids) > attachment.MaxPerMessage {
		c.Invalid("attachmentIds", fmt.Sprintf("Array must contain at most %d element(s)", attachment.MaxPerMessage))
		return nil, nil
	}
	as, err := attachmentsOf(ctx, tx, ws, ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		path := fmt.Sprintf("attachmentIds.%d", i)
		a, ok := as[id]
		switch {
		case !ok || a.CustomerID != customerID:
			c.Add(path, "Attachment not found", core.FieldNotFound)
		case !a.IsUploaded():
			c.Invalid(path, "The attachment has not been uploaded")
		case a.Type != t:
			c.Invalid(path, fmt.Sprintf("The attachment is for %s messages, not %s", a.Type, t))
		}
	}
	return as, nil
}

// sweepGrace is how long an attachment whose upload expired unused is
// kept: its upload URL is refused meanwhile, but a message naming it gets
// "not uploaded" rather than "not found".
const sweepGrace = time.Hour

// SweepAttachments deletes up to limit attachments whose upload expired
// unused more than an hour ago, and returns how many it deleted.
func (s *Service) SweepAttachments(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.store.Update(ctx, func(tx store.Tx) (err error) {
		n, err = tx.DeleteExpiredUploads(ctx, s.clock.Now().Add(-sweepGrace), limit)
		return err
	})
	return n, err
}
