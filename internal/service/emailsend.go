package service

import (
	"context"
	"time"

	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// SendJob is a claimed outbound email with the attachments it carries.
type SendJob struct {
	Email       email.Email
	Attachments []email.Attachment
}

// Draft is the message that sends the job's email.
func (j SendJob) Draft() email.Draft { return j.Email.Draft(j.Attachments) }

// ClaimEmails leases up to limit due outbound emails of any workspace to
// owner for lease and returns them with their attachments, ready to send:
// for the email sender.
func (s *Service) ClaimEmails(ctx context.Context, owner string, lease time.Duration, limit int) ([]SendJob, error) {
	now := s.clock.Now()
	var due bool
	if err := s.store.View(ctx, func(tx store.Tx) (err error) { due, err = tx.HasDueEmails(ctx, now); return err }); err != nil || !due {
		return nil, err
	}
	var claimed []email.Email
	if err := s.store.Update(ctx, func(tx store.Tx) (err error) {
		claimed, err = tx.ClaimEmails(ctx, now, now.Add(lease), owner, limit)
		return err
	}); err != nil || len(claimed) == 0 {
		return nil, err
	}
	jobs := make([]SendJob, len(claimed))
	err := s.store.View(ctx, func(tx store.Tx) error {
		for i, e := range claimed {
			jobs[i].Email = e
			as, err := attachmentsOf(ctx, tx, e.WorkspaceID, e.AttachmentIDs())
			if err != nil {
				return err
			}
			for _, ref := range e.Attachments {
				a, ok := as[ref.ID]
				if !ok {
					continue // deleted with its customer meanwhile
				}
				data, err := tx.AttachmentContent(ctx, e.WorkspaceID, a.ID)
				if err != nil {
					return err
				}
				jobs[i].Attachments = append(jobs[i].Attachments, email.Attachment{FileName: a.FileName,
					ContentType: a.MimeType, ContentID: ref.ContentID, Inline: ref.Inline, Data: data})
			}
		}
		return nil
	})
	return jobs, err
}

// FinishSend records the outcome o of one attempt to send a claimed job:
// the email moves on as email.Email.AfterSend says. An email that becomes
// SENT or FAILED has its entry updated (timeline.timeline_entry_changed);
// a SENT one emits thread.email_sent. It reports false when owner had
// lost the lease (another sender took the email over), changing nothing.
func (s *Service) FinishSend(ctx context.Context, j SendJob, owner string, o email.SendOutcome, schedule []time.Duration) (bool, error) {
	var kept bool
	err := s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		next := j.Email.AfterSend(o, schedule, now)
		var err error
		if kept, err = tx.FinishSend(ctx, next, owner); err != nil || !kept || next.SendStatus == email.Pending {
			return err
		}
		as, err := attachmentsOf(ctx, tx, next.WorkspaceID, next.AttachmentIDs())
		if err != nil {
			return err
		}
		if err := s.changeEntries(ctx, tx, next.WorkspaceID, next.ID, next.Payload(), as, now, next.CreatedBy); err != nil {
			return err
		}
		if next.SendStatus != email.Sent {
			return nil
		}
		th, err := tx.GetThread(ctx, next.WorkspaceID, next.ThreadID)
		if err != nil {
			return err
		}
		parts, err := s.readParts(ctx, tx, th)
		if err != nil {
			return err
		}
		return s.emit(ctx, tx, next.WorkspaceID, next.CreatedBy, now,
			event.NewThreadEmailSent(event.NewThread(th, parts), event.NewEmail(next, as)))
	})
	return kept, err
}
