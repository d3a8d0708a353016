package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Mailbox is an IMAP mailbox Threadline fetches support mail from, for
// teams that cannot point their MX at it.
type Mailbox struct {
	Addr     string // HOST:PORT
	Mode     string // "tls" (993), "starttls" or "insecure" (loopback only)
	Username string
	Password string
	Folder   string // default INBOX
	// TLS overrides the TLS configuration (tests trust their own CA).
	TLS *tls.Config
}

// Position is how far a mailbox has been read: the folder's UIDVALIDITY
// and the highest UID received. Saved after each message, it makes a
// restart carry on where the last run stopped.
type Position struct {
	UIDValidity uint32
	LastUID     uint32
}

// maxFetch bounds the messages one run fetches; the next run goes on.
const maxFetch = 200

// FetchNew hands every message of the mailbox after pos to receive, in UID
// order, and calls save with the position after each message receive has
// taken. A receive error stops the run (the message is fetched again next
// time); a changed UIDVALIDITY starts again from the first message (the
// receiver recognises the ones it has by their Message-ID).
func FetchNew(ctx context.Context, mb Mailbox, pos Position, receive func(context.Context, []byte) error,
	save func(context.Context, Position) error) (int, error) {
	c, err := mb.dial(ctx)
	if err != nil {
		return 0, fmt.Errorf("mail: imap %s: %w", mb.Addr, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if err := c.Login(mb.Username, mb.Password).Wait(); err != nil {
		return 0, fmt.Errorf("mail: imap login: %w", err)
	}
	folder := mb.Folder
	if folder == "" {
		folder = "INBOX"
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return 0, fmt.Errorf("mail: imap select %s: %w", folder, err)
	}
	if sel.UIDValidity != pos.UIDValidity {
		pos = Position{UIDValidity: sel.UIDValidity}
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= pos.LastUID+1) {
		return 0, save(ctx, pos)
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(pos.LastUID+1), 0) // LastUID+1:*
	found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("mail: imap search: %w", err)
	}
	n := 0
	for _, uid := range found.AllUIDs() {
		if uint32(uid) <= pos.LastUID || n >= maxFetch {
			continue // "N:*" also matches the last message when none is newer
		}
		raw, err := fetchOne(c, uid)
		if err != nil {
			return n, err
		}
		if err := receive(ctx, raw); err != nil {
			return n, err
		}
		pos.LastUID = uint32(uid)
		if err := save(ctx, pos); err != nil {
			return n, err
		}
		n++
	}
	_ = c.Logout().Wait()
	return n, nil
}

func fetchOne(c *imapclient.Client, uid imap.UID) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("mail: imap fetch %d: %w", uid, err)
	}
	if len(msgs) != 1 {
		return nil, fmt.Errorf("mail: imap fetch %d: %d messages", uid, len(msgs))
	}
	raw := msgs[0].FindBodySection(section)
	if raw == nil {
		return nil, errors.New("mail: imap fetch: no body")
	}
	return raw, nil
}

func (mb Mailbox) dial(ctx context.Context) (*imapclient.Client, error) {
	tlsCfg := mb.TLS
	if tlsCfg == nil {
		host, _, _ := net.SplitHostPort(mb.Addr)
		tlsCfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	d := net.Dialer{Timeout: 15 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", mb.Addr)
	if err != nil {
		return nil, err
	}
	opts := &imapclient.Options{TLSConfig: tlsCfg}
	switch mb.Mode {
	case "tls":
		return imapclient.New(tls.Client(conn, tlsCfg), opts), nil
	case "starttls":
		c, err := imapclient.NewStartTLS(conn, opts)
		if err != nil {
			conn.Close()
		}
		return c, err
	case "insecure":
		return imapclient.New(conn, opts), nil
	}
	conn.Close()
	return nil, fmt.Errorf("unknown IMAP mode %q (tls, starttls or insecure)", mb.Mode)
}
