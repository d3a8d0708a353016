package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// startIMAP runs the library's in-memory IMAP server on loopback with one
// user and returns its address.
func startIMAP(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("support@acme.test", "pw")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		TLSConfig:    &tls.Config{Certificates: []tls.Certificate{cert}},
		InsecureAuth: true,
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ends when closed
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// appendMessages puts n messages into the INBOX, numbered from first.
func appendMessages(t *testing.T, addr string, first, n int) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("support@acme.test", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	for i := first; i < first+n; i++ {
		msg := fmt.Sprintf("From: c%d@example.com\r\nTo: support@acme.test\r\nSubject: m%d\r\nMessage-ID: <m%d@example.com>\r\n\r\nbody %d\r\n", i, i, i, i)
		cmd := c.Append("INBOX", int64(len(msg)), nil)
		if _, err := cmd.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestIMAPFetchResumes: every message is received once, in order, across
// runs that stop part way (a failing receive) and restart from the saved
// position.
func TestIMAPFetchResumes(t *testing.T) {
	cert, pool := selfSigned(t)
	addr := startIMAP(t, cert)
	appendMessages(t, addr, 1, 5)
	mb := Mailbox{Addr: addr, Mode: "starttls", Username: "support@acme.test", Password: "pw",
		TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	var got []string
	var pos Position
	failOn := "m3@example.com"
	receive := func(_ context.Context, raw []byte) error {
		m, err := Parse(raw, ParseOptions{})
		if err != nil {
			return err
		}
		if m.MessageID == failOn {
			failOn = ""
			return errors.New("database down")
		}
		got = append(got, m.MessageID)
		return nil
	}
	save := func(_ context.Context, p Position) error { pos = p; return nil }
	if n, err := FetchNew(context.Background(), mb, pos, receive, save); err == nil || n != 2 {
		t.Fatalf("first run: %d, %v (want 2 then the failure)", n, err)
	}
	if n, err := FetchNew(context.Background(), mb, pos, receive, save); err != nil || n != 3 {
		t.Fatalf("second run: %d, %v", n, err)
	}
	appendMessages(t, addr, 6, 2)
	if n, err := FetchNew(context.Background(), mb, pos, receive, save); err != nil || n != 2 {
		t.Fatalf("third run: %d, %v", n, err)
	}
	if n, err := FetchNew(context.Background(), mb, pos, receive, save); err != nil || n != 0 {
		t.Fatalf("nothing new: %d, %v", n, err)
	}
	want := "m1 m2 m3 m4 m5 m6 m7"
	if s := strings.ReplaceAll(strings.Join(got, " "), "@example.com", ""); s != want {
		t.Fatalf("received %s, want %s", s, want)
	}
	if pos.LastUID != 7 || pos.UIDValidity == 0 {
		t.Fatalf("position %+v", pos)
	}
	// Another UIDVALIDITY: start again from the first message.
	got = nil
	if n, err := FetchNew(context.Background(), mb, Position{UIDValidity: pos.UIDValidity + 1, LastUID: 7}, receive, save); err != nil || n != 7 {
		t.Fatalf("after UIDVALIDITY changed: %d, %v", n, err)
	}
	if _, err := FetchNew(context.Background(), Mailbox{Addr: addr, Mode: "insecure", Username: "support@acme.test", Password: "bad"},
		Position{}, receive, save); err == nil {
		t.Fatal("a bad password logged in")
	}
}
