package email

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/core"
)

// PrefixMailbox begins the ids of IMAP mailboxes ("mbx_…").
const PrefixMailbox = "mbx"

// MailboxPosition is how far a mailbox was read: its folder's UIDVALIDITY
// and the highest UID imported. Saved after each message, it makes the
// next poll, on any replica, carry on where the last one stopped.
type MailboxPosition struct {
	UIDValidity uint32
	LastUID     uint32
}

// Mailbox is an IMAP mailbox a workspace's support mail is fetched from,
// for teams that cannot point their MX at Threadline. Its mail is
// received as mail to Address, a support address of the workspace.
type Mailbox struct {
	ID          string
	WorkspaceID string
	Address     string
	Server      string // HOST:PORT
	Security    string // "tls", "starttls" or "insecure" (loopback only)
	Username    string
	Password    string // sealed at rest
	Folder      string
	Position    MailboxPosition
	// NextPollAt is when the mailbox is next due; LeaseUntil, while set
	// and ahead, means a replica is polling it.
	NextPollAt   core.Time
	LeaseUntil   *core.Time
	LastError    string
	LastPolledAt *core.Time
	CreatedAt    core.Time
	CreatedBy    core.Actor
}

// MailboxInput describes a mailbox to add.
type MailboxInput struct {
	Address  string
	Server   string
	Security string
	Username string
	Password string
	Folder   string
}

// NewMailbox checks in and returns the mailbox it describes, due at once.
func NewMailbox(workspaceID string, in MailboxInput, now core.Time, by core.Actor) (Mailbox, error) {
	var c core.Collector
	addr, err := CleanSupportAddress("address", in.Address)
	if e, ok := core.AsError(err); ok {
		c.Invalid("address", e.Fields[0].Message)
	}
	host, port, err := net.SplitHostPort(in.Server)
	if err != nil || host == "" || port == "" {
		c.Invalid("server", "The server must be HOST:PORT (993 for IMAP over TLS)")
	}
	sec := strings.ToLower(strings.TrimSpace(in.Security))
	switch sec {
	case "":
		sec = "tls"
	case "tls", "starttls":
	case "insecure":
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			c.Invalid("security", "insecure (no TLS) is only allowed for a server on loopback")
		}
	default:
		c.Invalid("security", "The security must be tls, starttls or insecure")
	}
	if strings.TrimSpace(in.Username) == "" {
		c.Required("username")
	}
	folder := strings.TrimSpace(in.Folder)
	if folder == "" {
		folder = "INBOX"
	}
	if err := c.Err(); err != nil {
		return Mailbox{}, err
	}
	return Mailbox{ID: core.NewID(PrefixMailbox), WorkspaceID: workspaceID, Address: addr, Server: in.Server, Security: sec,
		Username: in.Username, Password: in.Password, Folder: folder, NextPollAt: now, CreatedAt: now, CreatedBy: by}, nil
}

// String describes the mailbox without its password.
func (m Mailbox) String() string {
	return fmt.Sprintf("%s://%s@%s/%s", m.Security, m.Username, m.Server, m.Folder)
}

// AfterPoll returns m after a poll that ended at now with err (nil when it
// succeeded): due again after interval, or after a longer wait when it
// failed, so that a broken mailbox is not hammered.
func (m Mailbox) AfterPoll(err error, interval time.Duration, now core.Time) Mailbox {
	m.LeaseUntil, m.LastPolledAt, m.LastError = nil, &now, ""
	wait := interval
	if err != nil {
		m.LastError = err.Error()
		if len(m.LastError) > maxErrorLength {
			m.LastError = m.LastError[:maxErrorLength]
		}
		wait = max(interval*4, time.Minute)
	}
	m.NextPollAt = now.Add(wait)
	return m
}
