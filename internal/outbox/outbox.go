// Package outbox delivers webhooks from the outbox: it claims due
// deliveries from the database, signs each with the workspace's HMAC secret
// the way Plain does, POSTs it, and records the attempt, retrying on the
// delivery schedule. Deliveries are leased, so several replicas share the
// work and a crashed sender's deliveries are retried when its lease ends
// (at-least-once).
package outbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/netguard"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/webhook"
)

// Options configure a Dispatcher; zero values take the defaults.
type Options struct {
	Interval     time.Duration   // how often to look for due deliveries (500ms)
	Lease        time.Duration   // how long a claim holds a delivery (2m; > Timeout)
	Timeout      time.Duration   // per attempt (10s)
	Schedule     []time.Duration // retry waits (webhook.Schedule)
	Workers      int             // concurrent sends (8)
	AllowPrivate bool            // allow loopback, private and link-local targets
	Logger       *slog.Logger
}

// Dispatcher sends webhook deliveries.
type Dispatcher struct {
	svc    *service.Service
	opt    Options
	owner  string
	client *http.Client
	log    *slog.Logger
}

// maxResponseBytes is how much of a response body is read (and discarded).
const maxResponseBytes = 64 << 10

// New returns a dispatcher for svc.
func New(svc *service.Service, opt Options) *Dispatcher {
	if opt.Interval <= 0 {
		opt.Interval = 500 * time.Millisecond
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Lease <= opt.Timeout {
		opt.Lease = max(2*time.Minute, 2*opt.Timeout)
	}
	if opt.Schedule == nil {
		opt.Schedule = webhook.Schedule
	}
	if opt.Workers <= 0 {
		opt.Workers = 8
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	dialer := &net.Dialer{Timeout: opt.Timeout, Control: netguard.Guard(opt.AllowPrivate)}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		Proxy:                 nil, // never route webhooks through a proxy: the guard must see the real peer
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   opt.Timeout,
		ResponseHeaderTimeout: opt.Timeout,
	}
	return &Dispatcher{svc: svc, opt: opt, owner: "dispatcher-" + hex.EncodeToString(b), log: opt.Logger,
		client: &http.Client{
			Transport: transport,
			Timeout:   opt.Timeout,
			// A redirect is a failed delivery, as in Plain.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// Run delivers until ctx ends; in-flight sends finish before it returns.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.opt.Interval)
	defer t.Stop()
	for {
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("webhooks: claiming deliveries", "err", err)
		}
		if n > 0 && ctx.Err() == nil {
			continue // there may be more due right away
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due deliveries, sends them and records the
// outcomes; it returns how many it sent.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	// Claim no more than can be sent at once: every claimed delivery starts
	// right away, so it finishes within the timeout, well inside its lease,
	// and shutdown waits for at most one round of sends.
	jobs, err := d.svc.ClaimDeliveries(ctx, d.owner, d.opt.Lease, d.opt.Workers)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	sem := make(chan struct{}, d.opt.Workers)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func(j service.Job) {
			defer func() { <-sem; wg.Done() }()
			d.deliver(context.WithoutCancel(ctx), j)
		}(j)
	}
	wg.Wait()
	return len(jobs), nil
}

// deliver makes one attempt of a job and records it.
func (d *Dispatcher) deliver(ctx context.Context, j service.Job) {
	now := core.SystemClock{}.Now()
	a := webhook.Attempt{ID: core.NewID(core.PrefixAttempt), WorkspaceID: j.Delivery.WorkspaceID, DeliveryID: j.Delivery.ID,
		TargetID: j.Target.ID, EventID: j.Event.ID, EventType: string(j.Event.Type), Number: j.Delivery.Attempts + 1, AttemptedAt: now}
	body, err := Envelope(j, a)
	start := time.Now()
	if err != nil {
		a.Result, a.Error = webhook.ResultError, "building the payload: "+err.Error()
	} else {
		d.send(ctx, j, body, &a)
	}
	a.DurationMS = int(time.Since(start).Milliseconds())
	kept, err := d.svc.FinishDelivery(ctx, j, d.owner, a, d.opt.Schedule)
	switch {
	case err != nil:
		d.log.Error("webhooks: recording attempt", "delivery", j.Delivery.ID, "err", err)
	case !kept:
		d.log.Warn("webhooks: lease lost while sending; another sender owns the delivery", "delivery", j.Delivery.ID)
	}
	d.log.Info("webhook attempt", "delivery", j.Delivery.ID, "target", j.Target.ID, "event", j.Event.Type,
		"attempt", a.Number, "result", a.Result, "status", a.StatusCode, "duration_ms", a.DurationMS)
}

// send POSTs body to the target, filling in the attempt's outcome.
func (d *Dispatcher) send(ctx context.Context, j service.Job, body []byte, a *webhook.Attempt) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Target.URL, bytes.NewReader(body))
	if err != nil {
		a.Result, a.Error = webhook.ResultError, "invalid target URL"
		return
	}
	h := req.Header
	h.Set("Accept", "application/json")
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Threadline-Webhooks/1.0")
	h.Set("Plain-Workspace-Id", j.Delivery.WorkspaceID)
	h.Set("Plain-Webhook-Target-Id", j.Target.ID)
	h.Set("Plain-Webhook-Target-Version", j.Target.Version)
	h.Set("Plain-Webhook-Delivery-Attempt-Id", a.ID)
	h.Set("Plain-Webhook-Delivery-Attempt-Number", strconv.Itoa(a.Number))
	h.Set("Plain-Webhook-Delivery-Attempt-Timestamp", a.AttemptedAt.ISO8601())
	h.Set("Plain-Event-Type", string(j.Event.Type))
	h.Set("Plain-Event-Id", j.Event.ID)
	if j.Secret != "" {
		h.Set("Plain-Request-Signature", Sign(j.Secret, body))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		a.Result = webhook.ResultError
		var blocked *netguard.BlockedError
		if errors.As(err, &blocked) {
			a.Result = webhook.ResultRejected
		}
		a.Error = describe(err)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	a.StatusCode = resp.StatusCode
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		a.Result = webhook.ResultSuccess
	} else {
		a.Result = webhook.ResultFailed
	}
}

// describe summarises a send error without echoing the URL (it may hold
// basic-auth credentials).
func describe(err error) string {
	var blocked *netguard.BlockedError
	var ne net.Error
	switch {
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Op + ": " + oe.Err.Error()
	}
	return "request failed"
}

// Sign returns Plain-Request-Signature for body: lower-case hex
// HMAC-SHA256 of the raw body, keyed with the workspace secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Envelope builds the webhook body of an attempt: the event with its
// payload (stored ready to send, eventType included) and this attempt's
// metadata.
func Envelope(j service.Job, a webhook.Attempt) ([]byte, error) {
	if !json.Valid(j.Event.Payload) {
		return nil, fmt.Errorf("event %s: payload is not JSON", j.Event.ID)
	}
	return json.Marshal(map[string]any{
		"id":          j.Event.ID,
		"type":        j.Event.Type,
		"timestamp":   j.Event.CreatedAt.ISO8601(),
		"workspaceId": j.Delivery.WorkspaceID,
		"payload":     json.RawMessage(j.Event.Payload),
		"webhookMetadata": map[string]any{
			"webhookTargetId":                 j.Target.ID,
			"webhookTargetVersion":            j.Target.Version,
			"webhookDeliveryAttemptId":        a.ID,
			"webhookDeliveryAttemptNumber":    a.Number,
			"webhookDeliveryAttemptTimestamp": a.AttemptedAt.ISO8601(),
		},
	})
}
