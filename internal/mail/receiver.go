package mail

import (
	"context"
	"errors"
	"log/slog"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/service"
)

// ServiceReceiver is the Receiver of the SMTP server and the IMAP poller:
// it parses each message and hands it to the service, which stores it
// for good before an SMTP 250 follows.
type ServiceReceiver struct {
	Svc *service.Service
	// TrustedAuthServID names the mail server whose Authentication-Results
	// are believed (--smtp-trusted-authserv-id); "" trusts none.
	TrustedAuthServID string
	Log               *slog.Logger
}

// Accepts reports whether rcpt (or its address without a +tag) is a
// support address of some workspace.
func (r *ServiceReceiver) Accepts(ctx context.Context, rcpt string) error {
	return r.Svc.AcceptsRecipient(service.System(ctx, ""), rcpt)
}

// Receive parses a message and stores it in the workspaces it is for. A
// message that cannot be read, has no usable sender or is for nobody is
// refused for good (PermanentError); any other failure is temporary.
func (r *ServiceReceiver) Receive(ctx context.Context, in Inbound) error {
	m, checks, err := r.parse(in)
	if err != nil {
		return err
	}
	res, err := r.Svc.ReceiveEmail(service.System(ctx, ""), service.InboundEmail{Message: m, Recipients: in.Recipients, Checks: checks})
	return r.outcome(in, m, res, err)
}

// parse reads in as its transport delivered it.
func (r *ServiceReceiver) parse(in Inbound) (email.Message, email.Checks, error) {
	opt := in.Envelope
	opt.TrustedAuthServID = r.TrustedAuthServID
	m, err := Parse(in.Raw, opt)
	if err != nil {
		r.log().Warn("mail: refused an unreadable message", "source", in.Source, "remote", in.RemoteAddr, "err", err)
		return m, email.Checks{}, &PermanentError{Err: err}
	}
	checks := email.Checks{Source: in.Source, RemoteAddr: in.RemoteAddr, TLS: in.TLS, EnvelopeFrom: in.Envelope.EnvelopeFrom}
	return m, checks, nil
}

// outcome logs what became of a message and maps the service's refusals
// to permanent errors.
func (r *ServiceReceiver) outcome(in Inbound, m email.Message, res []service.Received, err error) error {
	if errors.Is(err, service.ErrNoSender) || core.HasCode(err, core.CodeNotFound) {
		r.log().Warn("mail: refused a message", "source", in.Source, "message_id", m.MessageID, "err", err)
		return &PermanentError{Err: err}
	}
	if err != nil {
		return err
	}
	for _, got := range res {
		r.log().Info("mail received", "source", in.Source, "message_id", m.MessageID, "workspace", got.WorkspaceID,
			"outcome", got.Outcome, "reason", got.Reason, "email", got.EmailID, "thread", got.ThreadID, "new_thread", got.NewThread,
			"problems", len(m.Problems))
	}
	return nil
}

func (r *ServiceReceiver) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// Mailer sends drafts through a relay: it composes each message and
// hands it over with the draft's sender as the envelope sender (where
// bounces come back) and every recipient, Bcc included.
type Mailer struct{ Relay Relay }

// Send composes d and relays it. A draft that cannot be composed is a
// permanent failure: sending it again cannot help.
func (m Mailer) Send(ctx context.Context, d email.Draft) error {
	raw, err := Compose(d)
	if err != nil {
		return &SendError{Permanent: true, Err: err}
	}
	return m.Relay.Send(ctx, d.From.Email, d.EnvelopeRecipients(), raw)
}

// PermanentFailure reports whether retrying cannot help (the relay
// refused the message for good).
func (e *SendError) PermanentFailure() bool { return e.Permanent }
