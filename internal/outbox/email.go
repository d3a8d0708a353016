package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/service"
)

// Mailer hands one email to the SMTP relay (mail.Mailer). An error whose
// PermanentFailure method reports true means the relay refused the email
// for good; any other error is retried.
type Mailer interface {
	Send(ctx context.Context, d email.Draft) error
}

// EmailOptions configure an EmailSender; zero values take the defaults.
type EmailOptions struct {
	Interval time.Duration   // how often to look for due emails (500ms)
	Timeout  time.Duration   // per attempt (60s)
	Lease    time.Duration   // how long a claim holds an email (> Timeout; 2×Timeout at least)
	Schedule []time.Duration // retry waits (email.SendSchedule)
	Workers  int             // concurrent sends (4)
	Logger   *slog.Logger
}

// EmailSender sends the outbound emails the service wrote PENDING, from
// the database: it claims due ones under a lease, hands each to the relay
// and records the outcome (SENT, retried with backoff, or FAILED). A
// crashed sender's emails are sent by another (or the restarted one)
// when the lease ends, with the same Message-ID, so that nothing is lost.
type EmailSender struct {
	svc    *service.Service
	mailer Mailer
	opt    EmailOptions
	owner  string
}

// NewEmailSender returns a sender for svc through mailer.
func NewEmailSender(svc *service.Service, mailer Mailer, opt EmailOptions) *EmailSender {
	if opt.Interval <= 0 {
		opt.Interval = 500 * time.Millisecond
	}
	if opt.Timeout <= 0 {
		opt.Timeout = time.Minute
	}
	if opt.Lease < 2*opt.Timeout {
		opt.Lease = 2 * opt.Timeout
	}
	if opt.Schedule == nil {
		opt.Schedule = email.SendSchedule
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &EmailSender{svc: svc, mailer: mailer, opt: opt, owner: "mailer-" + hex.EncodeToString(b)}
}

// Run sends until ctx ends; in-flight sends finish before it returns.
func (s *EmailSender) Run(ctx context.Context) error {
	t := time.NewTicker(s.opt.Interval)
	defer t.Stop()
	for {
		n, err := s.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.opt.Logger.Error("email: claiming emails to send", "err", err)
		}
		if n > 0 && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due emails, sends them and records the
// outcomes; it returns how many it tried.
func (s *EmailSender) RunOnce(ctx context.Context) (int, error) {
	jobs, err := s.svc.ClaimEmails(ctx, s.owner, s.opt.Lease, s.opt.Workers)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j service.SendJob) {
			defer wg.Done()
			s.send(context.WithoutCancel(ctx), j)
		}(j)
	}
	wg.Wait()
	return len(jobs), nil
}

// permanent is implemented by the errors of a Mailer that can tell a
// refusal for good from a temporary one.
type permanent interface{ PermanentFailure() bool }

// send makes one attempt at a job and records its outcome.
func (s *EmailSender) send(ctx context.Context, j service.SendJob) {
	start := time.Now()
	sctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	err := s.mailer.Send(sctx, j.Draft())
	cancel()
	var o email.SendOutcome
	if err != nil {
		var p permanent
		o = email.SendOutcome{Err: err.Error(), Permanent: errors.As(err, &p) && p.PermanentFailure()}
	}
	// The outcome must be recorded: an email the relay took but not
	// recorded SENT would be sent again once its lease ends.
	var kept bool
	var ferr error
	for try := range 5 {
		if kept, ferr = s.svc.FinishSend(ctx, j, s.owner, o, s.opt.Schedule); ferr == nil {
			break
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
	switch {
	case ferr != nil:
		s.opt.Logger.Error("email: recording a send", "email", j.Email.ID, "err", ferr)
	case !kept:
		s.opt.Logger.Warn("email: lease lost while sending; another sender owns the email", "email", j.Email.ID)
	}
	s.opt.Logger.Info("email send attempt", "email", j.Email.ID, "thread", j.Email.ThreadID, "attempt", j.Email.Attempts+1,
		"ok", err == nil, "permanent", o.Permanent, "error", o.Err, "duration_ms", time.Since(start).Milliseconds())
}
