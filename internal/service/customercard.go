package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// CardFetcher sends one request to a team's customer card API and
// returns what it answered (internal/cardclient does it over HTTP, under
// the outbound address policy, a timeout and a size limit).
type CardFetcher interface {
	Fetch(ctx context.Context, call customercard.Call) customercard.Reply
}

// SetCards installs the card fetcher and the policy that vets card API
// URLs when a config is saved (nil: any https URL). Without a fetcher
// every load fails with a REQUEST error.
func (s *Service) SetCards(f CardFetcher, check URLChecker) { s.cards, s.checkCardURL = f, check }

// CreateCustomerCardConfig creates a customer card config (at most
// customercard.MaxConfigs per workspace, keys unique). Needs
// customerCardConfig:create.
func (s *Service) CreateCustomerCardConfig(ctx context.Context, in customercard.CreateInput) (customercard.Config, error) {
	p, err := principal(ctx, auth.CustomerCardConfigCreate)
	if err != nil {
		return customercard.Config{}, err
	}
	cfg, err := customercard.New(p.WorkspaceID, in, s.clock.Now(), p.Actor)
	if err != nil {
		return cfg, err
	}
	if err := s.vetCardURL(ctx, "apiUrl", cfg.APIURL); err != nil {
		return cfg, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		all, err := tx.ListCardConfigs(ctx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if len(all) >= customercard.MaxConfigs {
			return core.Conflict(customercard.CodeTooManyConfigs, "",
				fmt.Sprintf("A workspace may have at most %d customer card configs.", customercard.MaxConfigs))
		}
		if err := cardKeyTaken(tx.CreateCardConfig(ctx, cfg), "key"); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, cfg.CreatedAt, event.NewCardConfigChanged(event.CardConfigCreated, cfg))
	})
	return cfg, err
}

func cardKeyTaken(err error, field string) error {
	if errors.Is(err, core.ErrDuplicate) {
		return core.Conflict(customercard.CodeKeyTaken, field, "A customer card config with this key already exists.")
	}
	return err
}

// vetCardURL applies the outbound address policy to a card API URL.
func (s *Service) vetCardURL(ctx context.Context, field, url string) error {
	if s.checkCardURL == nil {
		return nil
	}
	if err := s.checkCardURL(ctx, url); err != nil {
		return core.InvalidField(field, err.Error())
	}
	return nil
}

// UpdateCustomerCardConfig changes a config; changing its URL or headers
// also needs customerCardConfigApiDetails:edit. Needs customerCardConfig:edit.
func (s *Service) UpdateCustomerCardConfig(ctx context.Context, in customercard.UpdateInput) (customercard.Config, error) {
	perms := []auth.Permission{auth.CustomerCardConfigEdit}
	if in.ChangesAPIDetails() {
		perms = append(perms, auth.CustomerCardConfigAPIDetailsEdit)
	}
	p, err := principal(ctx, perms...)
	if err != nil {
		return customercard.Config{}, err
	}
	var out customercard.Config
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockCardConfig(ctx, p.WorkspaceID, in.ID)
		if err != nil {
			return notFoundAs(err, "customerCardConfigId", "Customer card config")
		}
		if out, err = cur.Apply(in, s.clock.Now(), p.Actor); err != nil {
			return err
		}
		if in.APIURL != nil {
			if err := s.vetCardURL(ctx, "apiUrl.value", out.APIURL); err != nil {
				return err
			}
		}
		if err := cardKeyTaken(tx.UpdateCardConfig(ctx, out), "key.value"); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, out.UpdatedAt, event.NewCardConfigChanged(event.CardConfigUpdated, out))
	})
	return out, err
}

// DeleteCustomerCardConfig deletes a config and its cached cards. Needs
// customerCardConfig:delete.
func (s *Service) DeleteCustomerCardConfig(ctx context.Context, id string) error {
	p, err := principal(ctx, auth.CustomerCardConfigDelete)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		cfg, err := tx.LockCardConfig(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "customerCardConfigId", "Customer card config")
		}
		if err := tx.DeleteCardConfig(ctx, p.WorkspaceID, id); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, s.clock.Now(), event.NewCardConfigChanged(event.CardConfigDeleted, cfg))
	})
}

// CustomerCardConfigs lists the workspace's configs by order, then id.
// Needs customerCardConfig:read.
func (s *Service) CustomerCardConfigs(ctx context.Context) ([]customercard.Config, error) {
	p, err := principal(ctx, auth.CustomerCardConfigRead)
	if err != nil {
		return nil, err
	}
	var out []customercard.Config
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.ListCardConfigs(ctx, p.WorkspaceID)
		return err
	})
	return out, err
}

// CustomerCardConfig returns a config, or nil. Needs customerCardConfig:read.
func (s *Service) CustomerCardConfig(ctx context.Context, id string) (*customercard.Config, error) {
	p, err := principal(ctx, auth.CustomerCardConfigRead)
	if err != nil {
		return nil, err
	}
	var out *customercard.Config
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = optional(tx.GetCardConfig(ctx, p.WorkspaceID, id))
		return err
	})
	return out, err
}

// CardInstance is a loaded (or failed) card with its config.
type CardInstance struct {
	Instance customercard.Instance
	Config   customercard.Config
}

// cardScope is what card requests are about, read in one snapshot.
type cardScope struct {
	secret    string
	request   customercard.Request
	threadID  *string
	configs   []customercard.Config
	instances map[string]customercard.Instance // by config id
}

// readCardScope reads the customer, thread (of that customer) and tenant
// a card request is about, with the workspace's configs and the cached
// instances; ok is false when the customer, or the thread of theirs,
// does not exist.
func readCardScope(ctx context.Context, tx store.Tx, ws, customerID string, threadID *string) (cardScope, bool, error) {
	sc := cardScope{threadID: threadID, instances: map[string]customercard.Instance{}}
	c, err := tx.GetCustomer(ctx, ws, customerID)
	if errors.Is(err, core.ErrNotFound) {
		return sc, false, nil
	}
	if err != nil {
		return sc, false, err
	}
	sc.request = customercard.Request{CardKeys: []string{},
		Customer: customercard.RequestCustomer{ID: c.ID, Email: c.Email, ExternalID: c.ExternalID}}
	if threadID != nil {
		th, err := tx.GetThread(ctx, ws, *threadID)
		if errors.Is(err, core.ErrNotFound) || (err == nil && th.CustomerID != c.ID) {
			return sc, false, nil
		}
		if err != nil {
			return sc, false, err
		}
		sc.request.Thread = &customercard.RequestRef{ID: th.ID, ExternalID: th.ExternalID}
		if th.TenantID != nil {
			ts, err := tx.FindTenants(ctx, ws, []string{*th.TenantID}, nil)
			if err != nil {
				return sc, false, err
			}
			if len(ts) > 0 {
				ext := ts[0].ExternalID
				sc.request.Tenant = &customercard.RequestRef{ID: ts[0].ID, ExternalID: &ext}
			}
		}
	}
	w, err := tx.GetWorkspace(ctx, ws)
	if err != nil {
		return sc, false, err
	}
	sc.secret = w.HMACSecret
	if sc.configs, err = tx.ListCardConfigs(ctx, ws); err != nil {
		return sc, false, err
	}
	is, err := tx.CardInstances(ctx, ws, c.ID, threadID)
	for _, i := range is {
		sc.instances[i.ConfigID] = i
	}
	return sc, true, err
}

// CustomerCardInstances returns the cards of a customer (in a thread of
// theirs, when threadID is set) for every enabled config, in config
// order: cached ones while fresh, the others loaded now, one request per
// API endpoint, concurrently. An unknown customer or thread has none.
// Needs customer:read and customerCardConfig:read.
func (s *Service) CustomerCardInstances(ctx context.Context, customerID string, threadID *string) ([]CardInstance, error) {
	return s.cardInstances(ctx, customerID, threadID, "")
}

// ReloadCustomerCardInstance loads one card now, whatever is cached, and
// returns it. Needs customer:read and customerCardConfig:read.
func (s *Service) ReloadCustomerCardInstance(ctx context.Context, configID, customerID string, threadID *string) (CardInstance, error) {
	got, err := s.cardInstances(ctx, customerID, threadID, configID)
	if err != nil {
		return CardInstance{}, err
	}
	if len(got) == 0 {
		return CardInstance{}, s.reloadNotFound(ctx, configID)
	}
	return got[0], nil
}

// reloadNotFound names what a reload could not find.
func (s *Service) reloadNotFound(ctx context.Context, configID string) error {
	cfg, err := s.CustomerCardConfig(ctx, configID)
	if err != nil {
		return err
	}
	if cfg == nil {
		return core.NotFound("customerCardConfigId", "Customer card config")
	}
	return core.NotFound("customerId", "Customer or thread")
}

// cardInstances serves both: with only set, it reloads that config's card
// alone (enabled or not); otherwise every enabled config's, from cache
// when fresh.
func (s *Service) cardInstances(ctx context.Context, customerID string, threadID *string, only string) ([]CardInstance, error) {
	p, err := principal(ctx, auth.CustomerRead, auth.CustomerCardConfigRead)
	if err != nil {
		return nil, err
	}
	var sc cardScope
	var ok bool
	if err := s.store.View(ctx, func(tx store.Tx) (err error) {
		sc, ok, err = readCardScope(ctx, tx, p.WorkspaceID, customerID, threadID)
		return err
	}); err != nil || !ok {
		return nil, err
	}
	now := s.clock.Now()
	var shown, stale []customercard.Config
	for _, cfg := range sc.configs {
		switch {
		case only != "" && cfg.ID != only, only == "" && !cfg.IsEnabled:
			continue
		}
		shown = append(shown, cfg)
		if i, ok := sc.instances[cfg.ID]; only != "" || !ok || !i.Fresh(now) {
			stale = append(stale, cfg)
		}
	}
	fresh := s.loadCards(ctx, sc, stale, customerID, p.Actor)
	if len(fresh) > 0 {
		if err := s.store.Update(ctx, func(tx store.Tx) error {
			for _, i := range fresh {
				if err := tx.SaveCardInstance(ctx, i); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for _, i := range fresh {
		sc.instances[i.ConfigID] = i
	}
	out := make([]CardInstance, 0, len(shown))
	for _, cfg := range shown {
		out = append(out, CardInstance{Instance: sc.instances[cfg.ID], Config: cfg})
	}
	return out, nil
}

// loadCards requests the cards of configs, one request per endpoint, all
// at once, and returns the instances their answers make.
func (s *Service) loadCards(ctx context.Context, sc cardScope, configs []customercard.Config, customerID string, by core.Actor) []customercard.Instance {
	var groups [][]customercard.Config
	for _, cfg := range configs {
		i := 0
		for ; i < len(groups) && !groups[i][0].SameEndpoint(cfg); i++ {
		}
		if i == len(groups) {
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], cfg)
	}
	results := make([][]customercard.Instance, len(groups))
	done := make(chan struct{}, len(groups))
	for gi, g := range groups {
		go func() {
			defer func() { done <- struct{}{} }()
			results[gi] = s.loadGroup(ctx, sc, g, customerID, by)
		}()
	}
	for range groups {
		<-done
	}
	var out []customercard.Instance
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// loadGroup requests the cards of configs sharing one endpoint.
func (s *Service) loadGroup(ctx context.Context, sc cardScope, configs []customercard.Config, customerID string, by core.Actor) []customercard.Instance {
	req := sc.request
	ttls := map[string]int{}
	req.CardKeys = nil
	for _, cfg := range configs {
		req.CardKeys = append(req.CardKeys, cfg.Key)
		ttls[cfg.Key] = cfg.DefaultTTLSeconds
	}
	body, err := customercard.Marshal(req)
	reply := customercard.Reply{Failure: &customercard.ErrorDetail{Kind: customercard.ErrUnknown, Message: "The card request could not be made."}}
	switch {
	case err != nil:
	case s.cards == nil:
		reply.Failure = &customercard.ErrorDetail{Kind: customercard.ErrRequest, ErrorCode: "not_configured",
			Message: "This server does not load customer cards."}
	default:
		reply = s.cards.Fetch(ctx, customercard.Call{URL: configs[0].APIURL, Headers: configs[0].APIHeaders, Body: body,
			Signature: customercard.Sign(sc.secret, body)})
	}
	outcomes := customercard.Outcomes(req.CardKeys, ttls, reply)
	now := s.clock.Now()
	out := make([]customercard.Instance, len(configs))
	for i, cfg := range configs {
		out[i] = customercard.NewInstance(cfg, customerID, sc.threadID, outcomes[cfg.Key], now, by)
	}
	if reply.Failure != nil {
		s.log.InfoContext(ctx, "customer card load failed", "workspace", configs[0].WorkspaceID,
			"keys", strings.Join(req.CardKeys, ","), "kind", reply.Failure.Kind)
	}
	return out
}
