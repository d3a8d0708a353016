package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"

	"golang.org/x/sync/errgroup"

	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/mail"
	"github.com/threadline/threadline/internal/outbox"
	"github.com/threadline/threadline/internal/service"
)

// The mail servers Threadline talks to are the operator's: the SMTP
// relay (--smtp-relay) and the IMAP servers of the mailboxes operators add
// with the CLI. Unlike webhook targets, which API keys name, they are not
// user-given, so connections to them do not go through netguard.

// ensureSupportAddresses adds the --support-address addresses to the
// default workspace ws.
func (a *App) ensureSupportAddresses(ctx context.Context, ws string) error {
	addrs := a.cfg.Email.Addresses()
	if len(addrs) == 0 {
		return nil
	}
	if err := a.Svc.EnsureSupportAddresses(service.System(ctx, ws), addrs); err != nil {
		return fmt.Errorf("--support-address: %w", err)
	}
	return nil
}

// Relay returns the relay of the configuration, or ok false when none is
// configured.
func Relay(cfg config.Config) (r mail.Relay, ok bool, err error) {
	if cfg.Email.Relay == "" {
		return r, false, nil
	}
	if r, err = mail.ParseRelay(cfg.Email.Relay); err != nil {
		return r, false, err
	}
	r.Timeout = cfg.Email.RelayTimeout
	return r, true, nil
}

// serveEmail starts, under g, the SMTP receiver (when --smtp-addr is set),
// the email sender (when --smtp-relay is set) and the IMAP poller.
func (a *App) serveEmail(g *errgroup.Group, gctx context.Context) error {
	e := a.cfg.Email
	recv := &mail.ServiceReceiver{Svc: a.Svc, TrustedAuthServID: e.SMTPTrustedAuthServID, Log: a.log}
	if e.SMTPAddr != "" {
		if err := a.serveSMTP(g, gctx, recv); err != nil {
			return err
		}
	}
	relay, ok, err := Relay(a.cfg)
	switch {
	case err != nil:
		return err
	case ok:
		schedule, _ := config.Durations("--smtp-retry-schedule", e.RetrySchedule) // validated in New
		sender := outbox.NewEmailSender(a.Svc, mail.Mailer{Relay: relay}, outbox.EmailOptions{Timeout: e.RelayTimeout,
			Schedule: schedule, Logger: a.log})
		g.Go(func() error { return sender.Run(gctx) })
		if relay.Mode == "insecure" && !isLoopbackHost(relay.Addr) {
			a.log.Warn("the SMTP relay is used without TLS on a non-loopback address", "relay", relay.String())
		}
		a.log.Info("sending email", "relay", relay.String())
	default:
		a.log.Warn("no --smtp-relay: outgoing emails are kept PENDING until one is configured")
	}
	poller := mail.NewPoller(recv, mail.PollerOptions{Interval: e.IMAPInterval, Lease: e.IMAPLease, MaxBytes: e.SMTPMaxBytes, Log: a.log})
	g.Go(func() error { return poller.Run(gctx) })
	return nil
}

// serveSMTP listens for mail on --smtp-addr.
func (a *App) serveSMTP(g *errgroup.Group, gctx context.Context, recv *mail.ServiceReceiver) error {
	e := a.cfg.Email
	opt := mail.SMTPOptions{Addr: e.SMTPAddr, Domain: e.SMTPDomain, MaxBytes: e.SMTPMaxBytes, Log: a.log}
	if e.SMTPTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(e.SMTPTLSCert, e.SMTPTLSKey)
		if err != nil {
			return fmt.Errorf("--smtp-tls-cert: %w", err)
		}
		opt.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	addr, done, err := mail.ListenSMTP(gctx, mail.NewSMTPServer(recv, opt))
	if err != nil {
		return fmt.Errorf("--smtp-addr: %w", err)
	}
	a.log.Info("smtp listening", "addr", addr.String(), "starttls", opt.TLS != nil, "max_bytes", opt.MaxBytes)
	g.Go(func() error { return <-done })
	return nil
}

func isLoopbackHost(hostport string) bool {
	host, _, _ := net.SplitHostPort(hostport)
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
