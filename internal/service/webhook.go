package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/webhook"
)

// URLChecker vets a webhook target URL before it is stored (e.g. refusing
// private addresses); connecting is checked again at delivery time.
type URLChecker func(ctx context.Context, url string) error

// SetURLChecker installs the target URL policy (the default accepts any
// http(s) URL).
func (s *Service) SetURLChecker(c URLChecker) { s.checkURL = c }

// TargetUpdate is updateWebhookTarget's input: nil fields stay unchanged;
// EventTypes, when set, replaces the whole list.
type TargetUpdate struct {
	ID          string
	URL         *string
	Description *string
	IsEnabled   *bool
	EventTypes  []string
	HasTypes    bool
	Version     *string
}

// vetURL applies the URL policy (it may resolve the host: never call it
// inside a transaction).
func (s *Service) vetURL(ctx context.Context, url string) error {
	if s.checkURL == nil {
		return nil
	}
	if err := s.checkURL(ctx, url); err != nil {
		return core.InvalidField("url", err.Error())
	}
	return nil
}

func (s *Service) vetTarget(ctx context.Context, in webhook.TargetInput) (webhook.TargetInput, error) {
	in, err := in.Validate()
	if err != nil {
		return in, err
	}
	return in, s.vetURL(ctx, in.URL)
}

// CreateWebhookTarget adds a webhook target (at most 25 per workspace).
// Needs webhookTarget:create.
func (s *Service) CreateWebhookTarget(ctx context.Context, in webhook.TargetInput) (webhook.Target, error) {
	p, err := principal(ctx, auth.WebhookTargetCreate)
	if err != nil {
		return webhook.Target{}, err
	}
	if in, err = s.vetTarget(ctx, in); err != nil {
		return webhook.Target{}, err
	}
	now := s.clock.Now()
	t := webhook.Target{ID: core.NewID(core.PrefixTarget), WorkspaceID: p.WorkspaceID, URL: in.URL,
		Description: in.Description, IsEnabled: in.IsEnabled, EventTypes: in.EventTypes, Version: in.Version,
		CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		all, err := tx.ListTargets(ctx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if len(all) >= webhook.MaxTargets {
			return &core.Error{Kind: core.KindValidation, Code: webhook.CodeTooMany,
				Message: "A workspace can have at most 25 webhook targets."}
		}
		return tx.CreateTarget(ctx, t)
	})
	return t, err
}

// UpdateWebhookTarget changes a target. Needs webhookTarget:edit.
func (s *Service) UpdateWebhookTarget(ctx context.Context, u TargetUpdate) (webhook.Target, error) {
	p, err := principal(ctx, auth.WebhookTargetEdit)
	if err != nil {
		return webhook.Target{}, err
	}
	if u.URL == nil && u.Description == nil && u.IsEnabled == nil && !u.HasTypes && u.Version == nil {
		return webhook.Target{}, core.InvalidField("webhookTargetId", "Give at least one field to update")
	}
	if u.URL != nil {
		if err := webhook.CheckURL(strings.TrimSpace(*u.URL)); err != nil {
			return webhook.Target{}, core.InvalidField("url", err.Error())
		}
		if err := s.vetURL(ctx, strings.TrimSpace(*u.URL)); err != nil {
			return webhook.Target{}, err
		}
	}
	var out webhook.Target
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockTarget(ctx, p.WorkspaceID, u.ID)
		if err != nil {
			return notFoundAs(err, "webhookTargetId", "Webhook target")
		}
		in := webhook.TargetInput{URL: cur.URL, Description: cur.Description, IsEnabled: cur.IsEnabled,
			EventTypes: cur.EventTypes, Version: cur.Version}
		if u.URL != nil {
			in.URL = *u.URL
		}
		if u.Description != nil {
			in.Description = *u.Description
		}
		if u.IsEnabled != nil {
			in.IsEnabled = *u.IsEnabled
		}
		if u.HasTypes {
			in.EventTypes = u.EventTypes
		}
		if u.Version != nil {
			in.Version = *u.Version
		}
		if in, err = in.Validate(); err != nil { // the URL policy was applied above
			return err
		}
		out = cur
		out.URL, out.Description, out.IsEnabled, out.EventTypes, out.Version = in.URL, in.Description, in.IsEnabled, in.EventTypes, in.Version
		out.UpdatedAt, out.UpdatedBy = s.clock.Now(), p.Actor
		return notFoundAs(tx.UpdateTarget(ctx, out), "webhookTargetId", "Webhook target")
	})
	return out, err
}

// DeleteWebhookTarget deletes a target; its pending deliveries are
// cancelled and its delivery history is kept. Needs webhookTarget:delete.
func (s *Service) DeleteWebhookTarget(ctx context.Context, id string) error {
	p, err := principal(ctx, auth.WebhookTargetDelete)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.DeleteTarget(ctx, p.WorkspaceID, id); err != nil {
			return notFoundAs(err, "webhookTargetId", "Webhook target")
		}
		return tx.CancelDeliveries(ctx, p.WorkspaceID, id, "webhook target deleted", s.clock.Now())
	})
}

// WebhookTarget returns a target, or nil. Needs webhookTarget:read.
func (s *Service) WebhookTarget(ctx context.Context, id string) (*webhook.Target, error) {
	p, err := principal(ctx, auth.WebhookTargetRead)
	if err != nil {
		return nil, err
	}
	var t *webhook.Target
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		t, err = optional(tx.GetTarget(ctx, p.WorkspaceID, id))
		return err
	})
	return t, err
}

// WebhookTargets lists the workspace's targets, oldest first. Needs webhookTarget:read.
func (s *Service) WebhookTargets(ctx context.Context, args core.PageArgs) (core.Connection[webhook.Target], error) {
	p, err := principal(ctx, auth.WebhookTargetRead)
	if err != nil {
		return core.Connection[webhook.Target]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[webhook.Target]{}, err
	}
	var all []webhook.Target
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		all, err = tx.ListTargets(ctx, p.WorkspaceID)
		return err
	})
	if err != nil {
		return core.Connection[webhook.Target]{}, err
	}
	return core.PageSlice(page, all, func(t webhook.Target) string { return core.EncodeCursor(t.ID) }), nil
}

// DeliveryAttempts lists a target's delivery attempts, newest first. Needs webhookTarget:read.
func (s *Service) DeliveryAttempts(ctx context.Context, targetID string, f webhook.AttemptFilter, args core.PageArgs) (core.Connection[webhook.Attempt], error) {
	p, err := principal(ctx, auth.WebhookTargetRead)
	if err != nil {
		return core.Connection[webhook.Attempt]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[webhook.Attempt]{}, err
	}
	var rows []webhook.Attempt
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListAttempts(ctx, p.WorkspaceID, targetID, f, page)
		return err
	})
	if err != nil {
		return core.Connection[webhook.Attempt]{}, err
	}
	return core.NewConnection(page, rows, func(a webhook.Attempt) string { return core.EncodeCursor(a.ID) }), nil
}

// Deliveries lists the workspace's most recent deliveries (operators).
func (s *Service) Deliveries(ctx context.Context, limit int) ([]webhook.Delivery, error) {
	p, err := operator(ctx)
	if err != nil {
		return nil, err
	}
	var out []webhook.Delivery
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.ListDeliveries(ctx, p.WorkspaceID, limit)
		return err
	})
	return out, err
}

// ReplayDelivery queues the event of a delivery again for its target, as a
// new delivery sent at once (operators).
func (s *Service) ReplayDelivery(ctx context.Context, id string) (webhook.Delivery, error) {
	p, err := operator(ctx)
	if err != nil {
		return webhook.Delivery{}, err
	}
	var out webhook.Delivery
	err = s.store.Update(ctx, func(tx store.Tx) error {
		d, err := tx.GetDelivery(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "id", "Delivery")
		}
		if _, err := tx.GetTarget(ctx, p.WorkspaceID, d.TargetID); err != nil {
			return notFoundAs(err, "id", "The delivery's webhook target")
		}
		now := s.clock.Now()
		out = webhook.Delivery{ID: core.NewID(core.PrefixDelivery), WorkspaceID: d.WorkspaceID, TargetID: d.TargetID,
			EventID: d.EventID, EventType: d.EventType, OrderKey: d.OrderKey, Status: webhook.Pending,
			NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
		return tx.CreateDelivery(ctx, out)
	})
	return out, err
}

// Job is a claimed delivery with what sending it needs.
type Job struct {
	Delivery webhook.Delivery
	Target   webhook.Target
	Event    event.Record
	Secret   string // the workspace's HMAC secret, read at claim time
}

// ClaimDeliveries leases up to limit due deliveries to owner for lease and
// returns them ready to send. Deliveries whose target is gone or disabled
// are failed on the spot.
func (s *Service) ClaimDeliveries(ctx context.Context, owner string, lease time.Duration, limit int) ([]Job, error) {
	now := s.clock.Now()
	var due bool
	if err := s.store.View(ctx, func(tx store.Tx) (err error) { due, err = tx.HasDueDeliveries(ctx, now); return err }); err != nil || !due {
		return nil, err
	}
	var jobs []Job
	err := s.store.Update(ctx, func(tx store.Tx) error {
		jobs = jobs[:0]
		ds, err := tx.ClaimDeliveries(ctx, now, now.Add(lease), owner, limit)
		if err != nil {
			return err
		}
		// A batch's deliveries mostly share targets and workspaces: read each once.
		targets := map[string]*webhook.Target{}
		secrets := map[string]string{}
		for _, d := range ds {
			tp, ok := targets[d.TargetID]
			if !ok {
				t, err := tx.GetTarget(ctx, d.WorkspaceID, d.TargetID)
				if err != nil && !errors.Is(err, core.ErrNotFound) {
					return err
				}
				if err == nil {
					tp = &t
				}
				targets[d.TargetID] = tp
			}
			if tp == nil || !tp.IsEnabled {
				if _, err := tx.FinishAttempt(ctx, d.Abandon("webhook target deleted or disabled", now), owner); err != nil {
					return err
				}
				continue
			}
			ev, err := tx.GetEvent(ctx, d.WorkspaceID, d.EventID)
			if err != nil {
				return err
			}
			secret, ok := secrets[d.WorkspaceID]
			if !ok {
				w, err := tx.GetWorkspace(ctx, d.WorkspaceID)
				if err != nil {
					return err
				}
				secret, secrets[d.WorkspaceID] = w.HMACSecret, w.HMACSecret
			}
			jobs = append(jobs, Job{Delivery: d, Target: *tp, Event: ev, Secret: secret})
		}
		return nil
	})
	return jobs, err
}

// FinishDelivery records an attempt of a claimed job and moves its
// delivery on as webhook.Delivery.AfterAttempt says: delivered, retried
// after the schedule's next wait, or failed when the schedule is exhausted.
// It reports false when owner had lost the lease (another sender took
// over); the attempt is logged either way.
func (s *Service) FinishDelivery(ctx context.Context, j Job, owner string, a webhook.Attempt, schedule []time.Duration) (bool, error) {
	var kept bool
	err := s.store.Update(ctx, func(tx store.Tx) error {
		d := j.Delivery.AfterAttempt(a, schedule, s.clock.Now())
		if err := tx.CreateAttempt(ctx, a); err != nil {
			return err
		}
		var err error
		kept, err = tx.FinishAttempt(ctx, d, owner)
		return err
	})
	return kept, err
}
