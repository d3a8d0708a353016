// Package service holds every use case of Threadline. It is the only layer
// that opens transactions and checks permissions: each method takes the
// caller's principal from the context, requires its permissions, and writes
// the change together with its outbox event in one transaction.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/webhook"
)

// Service runs use cases against a store.
type Service struct {
	store    store.Store
	clock    core.Clock
	log      *slog.Logger
	checkURL URLChecker
	keys     keyCache
	// attachLimits bound attachments; key signs their tokens (read from
	// the database on first use).
	attachLimits attachment.Limits
	keyMu        sync.Mutex
	key          []byte
	// cards loads customer cards; checkCardURL vets their API URLs.
	cards        CardFetcher
	checkCardURL URLChecker
}

// New returns a Service. A nil clock means the system clock; a nil logger discards.
func New(st store.Store, clock core.Clock, log *slog.Logger) *Service {
	if clock == nil {
		clock = core.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, clock: clock, log: log, attachLimits: attachment.DefaultLimits}
}

// principal returns the caller of ctx after checking perms. Without a
// principal the caller holds nothing.
func principal(ctx context.Context, perms ...auth.Permission) (*auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p == nil {
		return nil, ErrUnauthenticated
	}
	if err := p.Require(perms...); err != nil {
		return nil, err
	}
	return p, nil
}

// operator returns the caller when it is Threadline itself (System), the
// only principal allowed to manage workspaces and users.
func operator(ctx context.Context) (*auth.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if p.Actor.Type != core.ActorSystem {
		return nil, &core.Error{Kind: core.KindForbidden, Code: core.CodeForbidden,
			Message: "Only an operator of this server may do this."}
	}
	return p, nil
}

// ErrUnauthenticated means the request carried no valid API key.
var ErrUnauthenticated = errors.New("unauthenticated")

// System returns a context acting as Threadline itself inside a workspace,
// holding every permission: for the CLI and background jobs.
func System(ctx context.Context, workspaceID string) context.Context {
	return auth.WithPrincipal(ctx, &auth.Principal{
		WorkspaceID: workspaceID, Actor: core.SystemActor, Permissions: []auth.Permission{auth.All},
	})
}

// emit appends the event p about a change actor made at a time to the
// outbox of tx and, in the same transaction, queues its delivery to every
// enabled webhook target of the workspace subscribed to its type, ordered
// by p's order key.
func (s *Service) emit(ctx context.Context, tx store.Tx, workspaceID string, actor core.Actor, at core.Time, p event.Payload) error {
	ev, err := event.NewRecord(workspaceID, p, actor, at)
	if err != nil {
		return err
	}
	if err := tx.AppendEvent(ctx, ev); err != nil {
		return err
	}
	notice, _ := json.Marshal(event.NoticeOf(ev, p))
	if err := tx.Publish(ctx, event.Topic, string(notice)); err != nil {
		return err
	}
	if !ev.Type.IsWebhook() {
		return nil
	}
	targets, err := tx.ListTargets(ctx, workspaceID)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if !t.Subscribes(ev.Type) {
			continue
		}
		d := webhook.Delivery{ID: core.NewID(core.PrefixDelivery), WorkspaceID: workspaceID, TargetID: t.ID,
			EventID: ev.ID, EventType: string(ev.Type), OrderKey: p.OrderKey(), Status: webhook.Pending, NextAttemptAt: at,
			CreatedAt: at, UpdatedAt: at}
		if err := tx.CreateDelivery(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// notFoundAs maps store.ErrNotFound to a not_found error about field.
func notFoundAs(err error, field, what string) error {
	if errors.Is(err, core.ErrNotFound) {
		return core.NotFound(field, what)
	}
	return err
}

// optional turns a not-found read into (nil, nil) for nullable lookups.
func optional[T any](v T, err error) (*T, error) {
	if errors.Is(err, core.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}
