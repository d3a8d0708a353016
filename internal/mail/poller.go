package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/service"
)

// PollerOptions configure the IMAP poller; zero values take the defaults.
type PollerOptions struct {
	Interval time.Duration // how often each mailbox is read (1m)
	Lease    time.Duration // how long a poller holds a mailbox without progress (2m)
	MaxBytes int64         // larger messages are skipped (DefaultMaxMessageBytes)
	TLS      *tls.Config   // overrides the TLS configuration (tests trust their own CA)
	Log      *slog.Logger
}

// Poller fetches the workspaces' IMAP mailboxes. Every replica runs one;
// a mailbox is leased to one poller at a time and its position is saved
// after each message, so across restarts and replicas no message is
// imported twice or skipped.
type Poller struct {
	recv  *ServiceReceiver
	opt   PollerOptions
	owner string
}

// NewPoller returns a poller that hands what it fetches to recv.
func NewPoller(recv *ServiceReceiver, opt PollerOptions) *Poller {
	if opt.Interval <= 0 {
		opt.Interval = time.Minute
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxMessageBytes
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Poller{recv: recv, opt: opt, owner: "imap-" + hex.EncodeToString(b)}
}

// Run polls due mailboxes until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	t := time.NewTicker(min(p.opt.Interval, time.Second))
	defer t.Stop()
	for {
		polled, err := p.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			p.opt.Log.Error("imap: polling", "err", err)
		}
		if polled && ctx.Err() == nil {
			continue // another mailbox may be due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce polls the mailbox due longest, if any, and reports whether it
// polled one. A failure of the mailbox (its server down, a bad password)
// is recorded on it and retried later; only failures of Threadline's own
// storage are returned.
func (p *Poller) RunOnce(ctx context.Context) (bool, error) {
	svc := p.recv.Svc
	m, err := svc.ClaimMailbox(ctx, p.owner, p.opt.Lease)
	if err != nil || m == nil {
		return false, err
	}
	n, pollErr := p.poll(ctx, *m)
	if pollErr != nil {
		p.opt.Log.Warn("imap: mailbox poll failed", "mailbox", m.ID, "server", m.Server, "imported", n, "err", pollErr)
	} else if n > 0 {
		p.opt.Log.Info("imap: mailbox polled", "mailbox", m.ID, "imported", n)
	}
	if errors.Is(pollErr, service.ErrLeaseLost) {
		return true, nil // another poller holds it now
	}
	return true, svc.ReleaseMailbox(context.WithoutCancel(ctx), *m, p.owner, pollErr, p.opt.Interval)
}

// poll fetches m's new messages, saving its position after each.
func (p *Poller) poll(ctx context.Context, m email.Mailbox) (int, error) {
	mb := Mailbox{Addr: m.Server, Mode: m.Security, Username: m.Username, Password: m.Password, Folder: m.Folder, TLS: p.opt.TLS}
	pos := Position{UIDValidity: m.Position.UIDValidity, LastUID: m.Position.LastUID}
	receive := func(ctx context.Context, raw []byte) error {
		if int64(len(raw)) > p.opt.MaxBytes {
			p.opt.Log.Warn("imap: skipped a message over the size limit", "mailbox", m.ID, "bytes", len(raw))
			return nil
		}
		in := Inbound{Raw: raw, Source: "imap", RemoteAddr: m.Server}
		msg, checks, err := p.recv.parse(in)
		if err == nil {
			var res []service.Received
			res, err = p.recv.Svc.ReceiveEmail(service.System(ctx, ""), service.InboundEmail{Message: msg,
				WorkspaceID: m.WorkspaceID, Address: m.Address, Checks: checks})
			err = p.recv.outcome(in, msg, res, err)
		}
		var perm *PermanentError
		if errors.As(err, &perm) {
			return nil // refused for good: read past it, or the mailbox would be stuck on it
		}
		return err
	}
	save := func(ctx context.Context, pos Position) error {
		return p.recv.Svc.SaveMailboxPosition(ctx, m.ID, p.owner,
			email.MailboxPosition{UIDValidity: pos.UIDValidity, LastUID: pos.LastUID}, p.opt.Lease)
	}
	return FetchNew(ctx, mb, pos, receive, save)
}
