package sdk

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/mail"
)

// relay is the SMTP relay the SDK suites' server sends through, on
// loopback: it takes every message, except for recipients whose address
// begins with "refused", which it refuses for good (550), so that the
// suites can see an email FAILED.
type relay struct{}

func (relay) Accepts(_ context.Context, rcpt string) error {
	if strings.HasPrefix(rcpt, "refused") {
		return errors.New("no such user")
	}
	return nil
}

func (relay) Receive(context.Context, mail.Inbound) error { return nil }

// startRelay runs the relay and returns its address.
func startRelay(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := mail.ListenSMTP(ctx, mail.NewSMTPServer(relay{}, mail.SMTPOptions{Addr: "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	return addr.String()
}
