package e2e

import (
	"fmt"
	"io"
	"log"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/threadline/threadline/test/harness"
)

// startIMAP runs the go-imap library's in-memory IMAP server on loopback
// with one user and returns its address.
func startIMAP(t *testing.T) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("support", "pw")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0), // connections the killed server dropped
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

// appendMessages puts messages first..first+n-1 into the INBOX, each from
// its own sender.
func appendMessages(t *testing.T, addr string, first, n int) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("support", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	for i := first; i < first+n; i++ {
		msg := fmt.Sprintf("From: Customer %d <c%d@example.com>\r\nTo: %s\r\nSubject: Question %d\r\nMessage-ID: <q%d@example.com>\r\n\r\nQuestion %d?\r\n",
			i, i, supportAddress, i, i, i)
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

var duplicateRe = regexp.MustCompile(`msg="mail received" source=imap .*outcome=duplicate`)

// TestEmailIMAPAcrossRestarts: the messages of an IMAP mailbox on loopback
// are imported once each, across a graceful restart and a SIGKILL in the
// middle of an import (at most the message being stored when the process
// died is fetched again, and recognised).
func TestEmailIMAPAcrossRestarts(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			imapAddr := startIMAP(t)
			appendMessages(t, imapAddr, 1, 15)
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, mailEnv(nil)...)
			key := harness.NewAPIKey(t, db, "", "all")
			id := harness.LastLine(harness.CLI(t, db, "email", "mailbox", "add", "--address", supportAddress, "--server", imapAddr,
				"--security", "insecure", "--username", "support", "--imap-password", "pw"))
			if !regexp.MustCompile(`^mbx_[0-9A-Z]{26}$`).MatchString(id) {
				t.Fatalf("mailbox add printed %q", id)
			}
			waitThreads := func(n int) {
				eventually(t, 30*time.Second, fmt.Sprintf("%d threads", n), func() bool { return threadCount(t, srv, key) >= n })
			}
			waitThreads(15)
			srv.Stop(t)
			appendMessages(t, imapAddr, 16, 15)
			srv = harness.Start(t, db, mailEnv(nil)...)
			waitThreads(30)
			dups := len(duplicateRe.FindAllString(srv.Logs(), -1))
			appendMessages(t, imapAddr, 31, 40)
			waitThreads(31) // the import of the 40 has begun
			srv.Kill()
			srv = harness.Start(t, db, mailEnv(nil)...)
			waitThreads(70)
			dups += len(duplicateRe.FindAllString(srv.Logs(), -1))
			time.Sleep(time.Second) // more polls: nothing more comes
			if n := threadCount(t, srv, key); n != 70 {
				t.Fatalf("%d threads, want 70: one per message", n)
			}
			for _, i := range []int{1, 15, 16, 30, 31, 70} {
				th := customerThreads(t, srv, key, fmt.Sprintf("c%d@example.com", i))
				if len(th) != 1 || len(emailEntries(t, th[0])) != 1 {
					t.Errorf("customer %d: %d threads", i, len(th))
				}
			}
			if dups > 1 {
				t.Errorf("%d messages fetched again after the restarts, want at most the one stored when killed", dups)
			}
			list := harness.CLI(t, db, "email", "mailbox", "list")
			if !regexp.MustCompile(id + `\s+` + supportAddress + `\s+insecure://support@` + imapAddr + `/INBOX\s+70\s`).MatchString(list) {
				t.Errorf("mailbox list:\n%s", list)
			}
			t.Logf("70 messages imported, %d fetched again and recognised", dups)
		})
	}
}
