// Command threadline is the Threadline server and its administration CLI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "threadline:", err)
		}
		os.Exit(exitCode(err))
	}
}

// command is one subcommand: it parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the server", runServe},
		{"apikey", "create, list or revoke API keys", runAPIKey},
		{"user", "create users (support agents)", runUser},
		{"workspace", "create workspaces", runWorkspace},
		{"field-schema", "create, list or delete thread field schemas", runFieldSchema},
		{"webhook", "list webhook deliveries, replay one", runWebhook},
		{"email", "support addresses, IMAP mailboxes, a test message through the relay", runEmail},
		{"bench", "load generators: create-threads, bare-insert, seed-threads, list-threads, web-pages, compare", runBench},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"version", "print the version", runVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: threadline <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'threadline <command> --help' for a command's flags.")
}
