package service

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/webhook"
)

// WebhookVersion is a version of webhook payloads a target can ask for.
type WebhookVersion struct {
	Version      string
	IsLatest     bool
	IsDeprecated bool
}

// WebhookVersions lists the payload versions Threadline sends: one, the
// latest. Needs webhookTarget:read.
func (s *Service) WebhookVersions(ctx context.Context) ([]WebhookVersion, error) {
	if _, err := principal(ctx, auth.WebhookTargetRead); err != nil {
		return nil, err
	}
	return []WebhookVersion{{Version: webhook.Version, IsLatest: true}}, nil
}

// SubscriptionEventTypes lists the event types webhook targets can
// subscribe to. Needs webhookTarget:read.
func (s *Service) SubscriptionEventTypes(ctx context.Context) ([]event.Type, error) {
	if _, err := principal(ctx, auth.WebhookTargetRead); err != nil {
		return nil, err
	}
	return event.WebhookTypes(), nil
}
