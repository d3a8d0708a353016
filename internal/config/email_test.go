package config

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func TestEmailValidate(t *testing.T) {
	ok := Defaults().Email
	tests := []struct {
		name   string
		change func(*Email)
		err    string // "" when valid
	}{
		{"defaults", func(*Email) {}, ""},
		{"receiver and relay", func(e *Email) {
			e.SMTPAddr, e.Relay, e.SupportAddresses = "0.0.0.0:25", "smtp://u:p@mail.example.com:587", "a@x.test, b@x.test"
		}, ""},
		{"receiver without a port", func(e *Email) { e.SMTPAddr = "0.0.0.0" }, "--smtp-addr"},
		{"tiny limit", func(e *Email) { e.SMTPMaxBytes = 10 }, "--smtp-max-bytes"},
		{"certificate without key", func(e *Email) { e.SMTPTLSCert = "c.pem" }, "--smtp-tls-key"},
		{"relay of another scheme", func(e *Email) { e.Relay = "http://mail.example.com:25" }, "--smtp-relay"},
		{"relay without host", func(e *Email) { e.Relay = "smtp://" }, "--smtp-relay"},
		{"bad schedule", func(e *Email) { e.RetrySchedule = "1s,soon" }, "--smtp-retry-schedule"},
		{"short lease", func(e *Email) { e.IMAPLease = time.Millisecond }, "--imap-lease"},
		{"not an address", func(e *Email) { e.SupportAddresses = "support" }, "--support-address"},
	}
	for _, tc := range tests {
		e := ok
		tc.change(&e)
		err := e.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	if err := (Email{Relay: "smtp://u:s3cret@@x"}).Validate(); err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the relay's password shows in %v", err)
	}
}

// TestEmailFlags: the email flags fall back to THREADLINE_* variables.
func TestEmailFlags(t *testing.T) {
	t.Setenv("THREADLINE_SMTP_RELAY", "smtp+insecure://127.0.0.1:2525")
	t.Setenv("THREADLINE_SUPPORT_ADDRESS", "help@x.test")
	c := Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := Parse(fs, []string{"--smtp-addr", "127.0.0.1:0", "--imap-interval", "5s"}); err != nil {
		t.Fatal(err)
	}
	e := c.Email
	if e.SMTPAddr != "127.0.0.1:0" || e.Relay != "smtp+insecure://127.0.0.1:2525" || e.IMAPInterval != 5*time.Second ||
		len(e.Addresses()) != 1 || e.Addresses()[0] != "help@x.test" {
		t.Fatalf("email config %+v", e)
	}
}
