package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/store"
)

// AddSupportAddress makes address a support address of the caller's
// workspace: mail to it (and to its +tagged forms) is received there, and
// mail is sent from it. An address belongs to one workspace: one taken is
// refused (workspace_support_email_address_conflict). Operators only.
func (s *Service) AddSupportAddress(ctx context.Context, address, name string) (email.SupportAddress, error) {
	p, err := operator(ctx)
	if err != nil {
		return email.SupportAddress{}, err
	}
	addr, err := email.CleanSupportAddress("address", address)
	if err != nil {
		return email.SupportAddress{}, err
	}
	if name, err = email.CleanName("name", name); err != nil {
		return email.SupportAddress{}, err
	}
	a := email.SupportAddress{Address: addr, WorkspaceID: p.WorkspaceID, Name: name, CreatedAt: s.clock.Now(), CreatedBy: p.Actor}
	err = s.store.Update(ctx, func(tx store.Tx) error { return tx.CreateSupportAddress(ctx, a) })
	if errors.Is(err, core.ErrDuplicate) {
		err = core.Conflict(email.CodeAddressTaken, "address", "This address is a support address already (of this or another workspace).")
	}
	return a, err
}

// EnsureSupportAddresses makes each of addrs a support address of the
// caller's workspace unless it is one already: the --support-address
// setting of the default workspace, applied at every start. An address of
// another workspace is an error. Operators only.
func (s *Service) EnsureSupportAddresses(ctx context.Context, addrs []string) error {
	p, err := operator(ctx)
	if err != nil {
		return err
	}
	for _, raw := range addrs {
		addr, err := email.CleanSupportAddress("address", raw)
		if err != nil {
			return err
		}
		var owner string
		if err := s.store.View(ctx, func(tx store.Tx) error {
			a, err := tx.SupportAddress(ctx, addr)
			owner = a.WorkspaceID
			if errors.Is(err, core.ErrNotFound) {
				return nil
			}
			return err
		}); err != nil {
			return err
		}
		switch owner {
		case p.WorkspaceID:
		case "":
			if _, err := s.AddSupportAddress(ctx, addr, ""); err != nil && !core.HasCode(err, email.CodeAddressTaken) {
				return err
			}
		default:
			return core.Conflict(email.CodeAddressTaken, "address", addr+" is a support address of workspace "+owner)
		}
	}
	return nil
}

// SupportAddresses lists the caller's workspace's support addresses,
// oldest (the default sender) first. Needs workspace:read; adding and
// removing them is for operators, since an address routes mail of its
// domain to one workspace of the server.
func (s *Service) SupportAddresses(ctx context.Context) ([]email.SupportAddress, error) {
	p, err := principal(ctx, auth.WorkspaceRead)
	if err != nil {
		return nil, err
	}
	var out []email.SupportAddress
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.ListSupportAddresses(ctx, p.WorkspaceID)
		return err
	})
	return out, err
}

// RemoveSupportAddress stops the caller's workspace receiving mail at an
// address and sending from it; its threads keep showing it. Operators only.
func (s *Service) RemoveSupportAddress(ctx context.Context, address string) error {
	p, err := operator(ctx)
	if err != nil {
		return err
	}
	addr := email.Normalize(address)
	return s.store.Update(ctx, func(tx store.Tx) error {
		return notFoundAs(tx.DeleteSupportAddress(ctx, p.WorkspaceID, addr), "address", "Support address")
	})
}

// AddMailbox adds an IMAP mailbox the caller's workspace's mail is
// fetched from, as mail to one of its support addresses; its password is
// sealed at rest. Operators only.
func (s *Service) AddMailbox(ctx context.Context, in email.MailboxInput) (email.Mailbox, error) {
	p, err := operator(ctx)
	if err != nil {
		return email.Mailbox{}, err
	}
	m, err := email.NewMailbox(p.WorkspaceID, in, s.clock.Now(), p.Actor)
	if err != nil {
		return m, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		if a, err := tx.SupportAddress(ctx, m.Address); err != nil || a.WorkspaceID != p.WorkspaceID {
			return notFoundAs(orNotFound(err), "address", "Support address of this workspace")
		}
		return tx.CreateMailbox(ctx, m)
	})
	return m, err
}

// Mailboxes lists the caller's workspace's IMAP mailboxes. Operators only.
func (s *Service) Mailboxes(ctx context.Context) ([]email.Mailbox, error) {
	p, err := operator(ctx)
	if err != nil {
		return nil, err
	}
	var out []email.Mailbox
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.ListMailboxes(ctx, p.WorkspaceID)
		return err
	})
	return out, err
}

// RemoveMailbox stops fetching mail from a mailbox. Operators only.
func (s *Service) RemoveMailbox(ctx context.Context, id string) error {
	p, err := operator(ctx)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		return notFoundAs(tx.DeleteMailbox(ctx, p.WorkspaceID, strings.TrimSpace(id)), "id", "Mailbox")
	})
}

// ClaimMailbox leases to owner, for lease, the mailbox of any workspace
// due for a poll longest, or returns nil when none is: one poller per
// mailbox at a time, whatever the number of replicas.
func (s *Service) ClaimMailbox(ctx context.Context, owner string, lease time.Duration) (*email.Mailbox, error) {
	now := s.clock.Now()
	var m *email.Mailbox
	err := s.store.Update(ctx, func(tx store.Tx) (err error) {
		m, err = optional(tx.ClaimMailbox(ctx, now, now.Add(lease), owner))
		return err
	})
	return m, err
}

// ErrLeaseLost means a poller no longer holds the mailbox it polls (its
// lease ran out and another took it): it must stop.
var ErrLeaseLost = errors.New("the mailbox's lease was lost")

// SaveMailboxPosition records how far owner has read a mailbox and
// extends its lease by lease; ErrLeaseLost when it no longer holds it.
func (s *Service) SaveMailboxPosition(ctx context.Context, id, owner string, pos email.MailboxPosition, lease time.Duration) error {
	var kept bool
	err := s.store.Update(ctx, func(tx store.Tx) (err error) {
		kept, err = tx.SaveMailboxPosition(ctx, id, owner, pos, s.clock.Now().Add(lease))
		return err
	})
	if err == nil && !kept {
		err = ErrLeaseLost
	}
	return err
}

// ReleaseMailbox ends owner's poll of m, which ended with pollErr (nil on
// success): the mailbox is due again after interval, longer after a
// failure.
func (s *Service) ReleaseMailbox(ctx context.Context, m email.Mailbox, owner string, pollErr error, interval time.Duration) error {
	next := m.AfterPoll(pollErr, interval, s.clock.Now())
	return s.store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.ReleaseMailbox(ctx, next, owner)
		return err
	})
}

// InspectEmail returns an email of the caller's workspace with all that
// was recorded of it: its HTML, threading headers, how it arrived (sender
// checks, problems) or how its sending went. Operators only.
func (s *Service) InspectEmail(ctx context.Context, id string) (email.Email, error) {
	p, err := operator(ctx)
	if err != nil {
		return email.Email{}, err
	}
	var e email.Email
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		e, err = tx.GetEmail(ctx, p.WorkspaceID, strings.TrimSpace(id))
		return notFoundAs(err, "id", "Email")
	})
	return e, err
}
