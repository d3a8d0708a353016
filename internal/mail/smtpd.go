package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/threadline/threadline/internal/email"
)

// Inbound is one message as the SMTP receiver or the IMAP poller got it.
type Inbound struct {
	Raw []byte
	// Recipients are the envelope's RCPT TO addresses (SMTP), or the
	// mailbox's address (IMAP).
	Recipients []string
	Envelope   ParseOptions // MAIL FROM, when known
	RemoteAddr string
	TLS        bool
	Source     string // "smtp" or "imap"
}

// Receiver is what the mail transports hand messages to (the service).
type Receiver interface {
	// Accepts reports whether mail for rcpt is wanted: an address a
	// workspace receives support mail at (or a reply address of one).
	// The error, if any, is permanent (mail for it is refused).
	Accepts(ctx context.Context, rcpt string) error
	// Receive stores one message for good. It returns only once the
	// message is durable (an SMTP 250 follows); a temporary error makes the
	// sender retry, a permanent one (PermanentError) makes it bounce.
	Receive(ctx context.Context, in Inbound) error
}

// PermanentError marks a delivery error the sender should not retry.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// SMTPOptions configure the SMTP receiver.
type SMTPOptions struct {
	Addr     string      // where to listen (HOST:PORT)
	Domain   string      // the name in the greeting
	MaxBytes int64       // the largest message accepted (default 25 MiB)
	TLS      *tls.Config // offered through STARTTLS when set
	Log      *slog.Logger
}

// DefaultMaxMessageBytes is the largest message accepted by default.
const DefaultMaxMessageBytes = 25 << 20

// maxRecipients bounds one message's RCPT TO (RFC 5321 asks for 100).
const maxRecipients = 100

// NewSMTPServer returns an SMTP server (not yet listening) that accepts mail
// for the addresses r accepts, of at most opt.MaxBytes, and hands each
// message to r.
func NewSMTPServer(r Receiver, opt SMTPOptions) *smtp.Server {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxMessageBytes
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Domain == "" {
		opt.Domain = "localhost"
	}
	s := smtp.NewServer(&backend{r: r, opt: opt})
	s.Addr, s.Domain, s.TLSConfig = opt.Addr, opt.Domain, opt.TLS
	s.MaxMessageBytes, s.MaxRecipients = opt.MaxBytes, maxRecipients
	s.ReadTimeout, s.WriteTimeout = 2*time.Minute, 2*time.Minute
	s.ErrorLog = slogLogger{opt.Log}
	return s
}

type backend struct {
	r   Receiver
	opt SMTPOptions
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{b: b, remote: c.Conn().RemoteAddr().String(), tls: isTLS}, nil
}

type session struct {
	b      *backend
	remote string
	tls    bool
	from   string
	rcpts  []string
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = email.Normalize(from)
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	to = email.Normalize(to)
	if err := s.b.r.Accepts(ctx, to); err != nil {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // too large (552) or a broken connection
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := Inbound{Raw: raw, Recipients: s.rcpts, Envelope: ParseOptions{EnvelopeFrom: s.from, HasEnvelope: true},
		RemoteAddr: s.remote, TLS: s.tls, Source: "smtp"}
	if err := s.b.r.Receive(ctx, in); err != nil {
		var perm *PermanentError
		if errors.As(err, &perm) {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused: " + oneLine(perm.Error())}
		}
		s.b.opt.Log.Warn("mail: receiving failed; the sender will retry", "remote", s.remote, "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	}
	return nil
}

// slogLogger adapts go-smtp's error log to slog.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Printf(format string, v ...any) {
	s.l.Warn("smtp: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}
func (s slogLogger) Println(v ...any) { s.l.Warn("smtp: " + strings.TrimSpace(fmt.Sprintln(v...))) }

// ListenSMTP starts s on its address and returns the listener's address.
// Serving stops when ctx ends.
func ListenSMTP(ctx context.Context, s *smtp.Server) (net.Addr, <-chan error, error) {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return nil, nil, err
	}
	done := make(chan error, 1)
	go func() {
		err := s.Serve(ln)
		if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(sctx)
	}()
	return ln.Addr(), done, nil
}
