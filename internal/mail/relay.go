package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Relay is the SMTP server Threadline sends mail through (--smtp-relay):
// smtp://[user:pass@]host:port (STARTTLS required), smtps://… (TLS from
// the start) or smtp+insecure://… (never TLS: for a relay on loopback).
type Relay struct {
	Addr     string
	Mode     string // "starttls", "tls" or "insecure"
	Username string
	Password string
	HeloName string
	Timeout  time.Duration
	// TLS overrides the TLS configuration (tests trust their own CA).
	TLS *tls.Config
}

// ParseRelay reads a relay URL.
func ParseRelay(raw string) (Relay, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Relay{}, fmt.Errorf("--smtp-relay: not smtp://host:port, smtps://host:port or smtp+insecure://host:port")
	}
	r := Relay{Addr: u.Host, Timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		r.Mode = "starttls"
	case "smtps":
		r.Mode = "tls"
	case "smtp+insecure":
		r.Mode = "insecure"
	default:
		return Relay{}, fmt.Errorf("--smtp-relay: unknown scheme %q", u.Scheme)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return Relay{}, fmt.Errorf("--smtp-relay: %q needs a port", u.Host)
	}
	if u.User != nil {
		r.Username = u.User.Username()
		r.Password, _ = u.User.Password()
	}
	return r, nil
}

// String describes the relay without its password.
func (r Relay) String() string {
	user := ""
	if r.Username != "" {
		user = r.Username + "@"
	}
	scheme := map[string]string{"starttls": "smtp", "tls": "smtps", "insecure": "smtp+insecure"}[r.Mode]
	if scheme == "" {
		scheme = r.Mode
	}
	return scheme + "://" + user + r.Addr
}

// SendError is a failed send; Permanent is set when the relay refused the
// message for good (5xx), so retrying cannot help.
type SendError struct {
	Permanent bool
	Err       error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// Send hands raw to the relay for every address of to, with from as the
// envelope sender.
func (r Relay) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if r.Timeout <= 0 {
		r.Timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	c, err := r.dial(ctx)
	if err != nil {
		return &SendError{Err: fmt.Errorf("mail: relay %s: %w", r, err)}
	}
	defer c.Close()
	if err := transact(c, from, to, raw); err != nil {
		var se *smtp.SMTPError
		return &SendError{Permanent: errors.As(err, &se) && se.Code/100 == 5, Err: fmt.Errorf("mail: relay %s: %w", r, err)}
	}
	_ = c.Quit()
	return nil
}

func (r Relay) tlsConfig() *tls.Config {
	if r.TLS != nil {
		return r.TLS
	}
	host, _, _ := net.SplitHostPort(r.Addr)
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

func (r Relay) helo() string {
	if r.HeloName != "" {
		return r.HeloName
	}
	return "threadline"
}

// dial connects, secures and authenticates a session with the relay.
func (r Relay) dial(ctx context.Context) (*smtp.Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", r.Addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *smtp.Client
	switch r.Mode {
	case "tls":
		c = smtp.NewClient(tls.Client(conn, r.tlsConfig()))
		err = c.Hello(r.helo())
	case "starttls":
		// STARTTLS is required: falling back to clear text would let
		// anyone on the path read (or strip) what is sent.
		c, err = smtp.NewClientStartTLS(conn, r.tlsConfig())
	default:
		c = smtp.NewClient(conn)
		err = c.Hello(r.helo())
	}
	if err == nil && r.Username != "" {
		err = c.Auth(sasl.NewPlainClient("", r.Username, r.Password))
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

func transact(c *smtp.Client, from string, to []string, raw []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := bytes.NewReader(raw).WriteTo(w); err != nil {
		return err
	}
	return w.Close()
}
