package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/mail"
	"github.com/threadline/threadline/internal/service"
)

func runEmail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "email", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"address": runEmailAddress,
		"mailbox": runEmailMailbox,
		"test":    emailTest,
		"show":    emailShow,
	})
}

func runEmailAddress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "email address", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"add":    emailAddressAdd,
		"list":   emailAddressList,
		"remove": emailAddressRemove,
	})
}

func emailAddressAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var addr, name string
	fs := newFlagSet("email address add", "email address add [--workspace ID] --address support@example.com [--name 'Example Support']", stderr)
	a.register(fs, true)
	fs.StringVar(&addr, "address", "", "the support address: mail to it (and to its +tagged forms) goes to the workspace")
	fs.StringVar(&name, "name", "", "the name mail from the address is sent with")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "address"); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	s, err := svc.AddSupportAddress(sctx, addr, name)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(stdout, s.Address)
	return err
}

func emailAddressList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withWorkspace(ctx, "email address list", args, stderr, func(svc *service.Service, ctx context.Context) error {
		as, err := svc.SupportAddresses(ctx)
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ADDRESS\tNAME\tADDED")
		for _, s := range as {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Address, s.Name, s.CreatedAt.ISO8601())
		}
		return tw.Flush()
	})
}

func emailAddressRemove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withID(ctx, "email address remove", "the address", args, stderr, func(svc *service.Service, ctx context.Context, addr string) error {
		if err := svc.RemoveSupportAddress(ctx, addr); err != nil {
			return describe(err)
		}
		_, err := fmt.Fprintln(stdout, "removed", addr)
		return err
	})
}

func runEmailMailbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return subcommands(ctx, "email mailbox", args, stdout, stderr, map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"add":    emailMailboxAdd,
		"list":   emailMailboxList,
		"remove": emailMailboxRemove,
	})
}

func emailMailboxAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var in email.MailboxInput
	var passwordFile string
	fs := newFlagSet("email mailbox add", "email mailbox add [--workspace ID] --address A --server HOST:993 --username U "+
		"[--imap-password P | --imap-password-file F] [--security tls|starttls|insecure] [--folder INBOX]", stderr)
	a.register(fs, true)
	fs.StringVar(&in.Address, "address", "", "the workspace's support address the mailbox's mail is for")
	fs.StringVar(&in.Server, "server", "", "the IMAP server, HOST:PORT")
	fs.StringVar(&in.Security, "security", "tls", "tls (port 993), starttls (143), or insecure (a server on loopback only)")
	fs.StringVar(&in.Username, "username", "", "the IMAP login")
	fs.StringVar(&in.Password, "imap-password", "", "the IMAP password (prefer the environment or --imap-password-file: flags show in ps)")
	fs.StringVar(&passwordFile, "imap-password-file", "", "file holding the IMAP password")
	fs.StringVar(&in.Folder, "folder", "INBOX", "the folder to read")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "address", "server", "username"); err != nil {
		return err
	}
	if passwordFile != "" {
		b, err := os.ReadFile(passwordFile)
		if err != nil {
			return err
		}
		in.Password = strings.TrimRight(string(b), "\r\n")
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	m, err := svc.AddMailbox(sctx, in)
	if err != nil {
		return describe(err)
	}
	_, err = fmt.Fprintln(stdout, m.ID)
	return err
}

func emailMailboxList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withWorkspace(ctx, "email mailbox list", args, stderr, func(svc *service.Service, ctx context.Context) error {
		ms, err := svc.Mailboxes(ctx)
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tADDRESS\tMAILBOX\tLAST UID\tLAST POLL\tLAST ERROR")
		for _, m := range ms {
			polled := "-"
			if m.LastPolledAt != nil {
				polled = m.LastPolledAt.ISO8601()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", m.ID, m.Address, m.String(), m.Position.LastUID, polled, m.LastError)
		}
		return tw.Flush()
	})
}

func emailMailboxRemove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withID(ctx, "email mailbox remove", "mbx_…", args, stderr, func(svc *service.Service, ctx context.Context, id string) error {
		if err := svc.RemoveMailbox(ctx, id); err != nil {
			return describe(err)
		}
		_, err := fmt.Fprintln(stdout, "removed", id)
		return err
	})
}

// emailTest sends a test message through the relay of the configuration,
// from the workspace's first support address (or --from).
func emailTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var to, from string
	fs := newFlagSet("email test", "email test --to ADDRESS [--from ADDRESS] [--smtp-relay URL] [--workspace ID]", stderr)
	a.register(fs, true)
	fs.StringVar(&to, "to", "", "where to send the test message")
	fs.StringVar(&from, "from", "", "the sender; default: the workspace's first support address")
	fs.StringVar(&a.cfg.Email.Relay, "smtp-relay", a.cfg.Email.Relay, "the SMTP relay, as for serve (env THREADLINE_SMTP_RELAY)")
	fs.DurationVar(&a.cfg.Email.RelayTimeout, "smtp-relay-timeout", a.cfg.Email.RelayTimeout, "time limit of the send (env THREADLINE_SMTP_RELAY_TIMEOUT)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "to", "smtp-relay"); err != nil {
		return err
	}
	relay, _, err := app.Relay(a.cfg)
	if err != nil {
		return err
	}
	rcpt, ok := core.NormalizeEmail(to)
	if !ok {
		return fmt.Errorf("--to: %q is not an email address", to)
	}
	sender, err := testSender(ctx, &a, from, stderr)
	if err != nil {
		return err
	}
	id := strings.ToLower(core.NewID("test"))
	d := email.Draft{MessageID: email.NewMessageID(id, sender.Address), From: sender.From(), To: []email.Address{{Email: rcpt}},
		Subject: "Threadline test message", Date: core.SystemClock{}.Now(),
		Text: "This message was sent by `threadline email test` through " + relay.String() + ".\n"}
	if err := (mail.Mailer{Relay: relay}).Send(ctx, d); err != nil {
		return fmt.Errorf("sending through %s: %w", relay, err)
	}
	_, err = fmt.Fprintf(stdout, "sent <%s> from %s to %s through %s\n", d.MessageID, sender.Address, rcpt, relay)
	return err
}

// testSender is the address a test message is sent from.
func testSender(ctx context.Context, a *adminFlags, from string, stderr io.Writer) (email.SupportAddress, error) {
	if from != "" {
		addr, ok := core.NormalizeEmail(from)
		if !ok {
			return email.SupportAddress{}, fmt.Errorf("--from: %q is not an email address", from)
		}
		return email.SupportAddress{Address: addr}, nil
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return email.SupportAddress{}, err
	}
	defer closeFn()
	as, err := svc.SupportAddresses(sctx)
	if err != nil {
		return email.SupportAddress{}, describe(err)
	}
	if len(as) == 0 {
		return email.SupportAddress{}, errors.New("the workspace has no support address: give --from, or add one (threadline email address add)")
	}
	return as[0], nil
}

// emailShow prints all that was recorded of an email.
func emailShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withID(ctx, "email show", "em_…", args, stderr, func(svc *service.Service, ctx context.Context, id string) error {
		e, err := svc.InspectEmail(ctx, id)
		if err != nil {
			return describe(err)
		}
		printEmail(stdout, e)
		return nil
	})
}

func printEmail(w io.Writer, e email.Email) {
	dir := "outbound, " + string(e.SendStatus)
	if e.Inbound {
		dir = "inbound via " + e.Checks.Source
	}
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-14s %s\n", k+":", v)
		}
	}
	line("Email", e.ID+" ("+dir+")")
	line("Thread", e.ThreadID)
	line("Message-ID", "<"+e.MessageID+">")
	line("In-Reply-To", e.InReplyTo)
	line("References", strings.Join(e.References, " "))
	line("From", e.From.String())
	line("To", e.To.String())
	for _, p := range e.Cc {
		line("Cc", p.String())
	}
	for _, p := range e.Bcc {
		line("Bcc", p.String())
	}
	line("Reply-To", e.ReplyTo)
	if e.Subject != nil {
		line("Subject", *e.Subject)
	}
	line("Authenticity", string(e.Authenticity))
	c := e.Checks
	if e.Inbound {
		line("Received", fmt.Sprintf("from %s, TLS %v, envelope sender %q (matches From's domain: %v)", c.RemoteAddr, c.TLS, c.EnvelopeFrom, c.EnvelopeMatches))
	}
	for _, p := range c.Problems {
		line("Problem", p)
	}
	line("Attempts", map[bool]string{true: fmt.Sprint(e.Attempts), false: ""}[e.Attempts > 0])
	line("Last error", e.LastError)
	for _, b := range e.Bounces {
		line("Bounce", fmt.Sprintf("%s %s %s %s", b.At.ISO8601(), b.Recipient, b.Reason, b.Details))
	}
	for _, a := range e.Attachments {
		line("Attachment", a.ID+map[bool]string{true: " (inline, cid:" + a.ContentID + ")", false: ""}[a.Inline])
	}
	if e.Text != nil {
		fmt.Fprintf(w, "\n%s\n", *e.Text)
	}
	if e.HTML != "" {
		fmt.Fprintf(w, "\n--- HTML (sanitised) ---\n%s\n", e.HTML)
	}
}
