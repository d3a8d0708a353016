package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/email"
)

// recorder is a Receiver that keeps what it receives.
type recorder struct {
	mu    sync.Mutex
	got   []Inbound
	fail  error
	local string // the one address accepted
}

func (r *recorder) Accepts(_ context.Context, rcpt string) error {
	if base, _ := email.SplitAddress(rcpt); base != r.local {
		return errors.New("unknown")
	}
	return nil
}

func (r *recorder) Receive(_ context.Context, in Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, in)
	return nil
}

func (r *recorder) all() []Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Inbound(nil), r.got...)
}

// selfSigned returns a TLS certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "threadline test"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func startSMTP(t *testing.T, r Receiver, opt SMTPOptions) string {
	t.Helper()
	opt.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := ListenSMTP(ctx, NewSMTPServer(r, opt))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	return addr.String()
}

// TestSMTPRoundTrip: a message composed here and sent through the relay
// client over STARTTLS arrives at the receiver whole, with its envelope.
func TestSMTPRoundTrip(t *testing.T) {
	cert, pool := selfSigned(t)
	rec := &recorder{local: "support@acme.test"}
	addr := startSMTP(t, rec, SMTPOptions{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	d := email.Draft{MessageID: "m1@acme.test", From: email.Address{Name: "Ann", Email: "ann@example.com"},
		To: []email.Address{{Email: "support@acme.test"}}, Subject: "Printer on fire", Text: "Help!",
		Attachments: []email.Attachment{{FileName: "photo.png", ContentType: "image/png", Data: []byte("\x89PNG....")}}}
	raw, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	relay := Relay{Addr: addr, Mode: "starttls", TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}, Timeout: 5 * time.Second}
	if err := relay.Send(context.Background(), "ann@example.com", []string{"support+th_01h14dfq4pdybh398j1e99twss@acme.test"}, raw); err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	if len(got) != 1 || !got[0].TLS || got[0].Envelope.EnvelopeFrom != "ann@example.com" ||
		got[0].Recipients[0] != "support+th_01h14dfq4pdybh398j1e99twss@acme.test" || got[0].Source != "smtp" {
		t.Fatalf("received %+v", got)
	}
	m, err := Parse(got[0].Raw, got[0].Envelope)
	if err != nil || m.Subject != "Printer on fire" || m.Text != "Help!" || len(m.Attachments) != 1 || m.Automated != email.Human {
		t.Fatalf("parsed %+v %v", m, err)
	}
}

// TestSMTPRefusals: an unknown recipient is refused (550), a message over
// the size limit too (552), a receiver failure asks the sender to retry
// (451), and a permanent one makes it bounce (554).
func TestSMTPRefusals(t *testing.T) {
	rec := &recorder{local: "support@acme.test"}
	addr := startSMTP(t, rec, SMTPOptions{MaxBytes: 1 << 20})
	relay := Relay{Addr: addr, Mode: "insecure", Timeout: 5 * time.Second}
	msg := []byte("From: a@example.com\r\nTo: support@acme.test\r\nSubject: x\r\n\r\nhi\r\n")
	check := func(name string, err error, permanent bool, code string) {
		t.Helper()
		var se *SendError
		if !errors.As(err, &se) || se.Permanent != permanent || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: %v", name, err)
		}
	}
	check("unknown recipient", relay.Send(context.Background(), "a@example.com", []string{"nobody@acme.test"}, msg), true, "550")
	big := append([]byte("From: a@example.com\r\nTo: support@acme.test\r\nSubject: big\r\n\r\n"),
		[]byte(strings.Repeat(strings.Repeat("x", 998)+"\r\n", 2<<10))...)
	check("too large", relay.Send(context.Background(), "a@example.com", []string{"support@acme.test"}, big), true, "552")
	rec.fail = errors.New("database down")
	check("temporary", relay.Send(context.Background(), "a@example.com", []string{"support@acme.test"}, msg), false, "451")
	rec.fail = &PermanentError{Err: errors.New("no")}
	check("permanent", relay.Send(context.Background(), "a@example.com", []string{"support@acme.test"}, msg), true, "554")
	if n := len(rec.all()); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	if err := (Relay{Addr: addr, Mode: "starttls", Timeout: 2 * time.Second}).Send(context.Background(), "a@example.com",
		[]string{"support@acme.test"}, msg); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("a relay without STARTTLS was used in clear: %v", err)
	}
}

func TestParseRelay(t *testing.T) {
	r, err := ParseRelay("smtp://bot%40acme.test:s3cret@mail.acme.test:587")
	if err != nil || r.Mode != "starttls" || r.Username != "bot@acme.test" || r.Password != "s3cret" || r.Addr != "mail.acme.test:587" {
		t.Fatalf("%+v %v", r, err)
	}
	if strings.Contains(r.String(), "s3cret") {
		t.Fatal("String shows the password")
	}
	for _, bad := range []string{"mail.acme.test:25", "smtp://mail.acme.test", "http://x:1"} {
		if _, err := ParseRelay(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
