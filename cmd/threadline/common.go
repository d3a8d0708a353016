package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
)

// newFlagSet returns a flag set whose help goes to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: threadline %s\n\nFlags (each also read from THREADLINE_<FLAG>):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// adminFlags are the flags of the administration commands.
type adminFlags struct {
	cfg       config.Config
	workspace string
}

func (a *adminFlags) register(fs *flag.FlagSet, withWorkspace bool) {
	a.cfg = config.Defaults()
	a.cfg.LogLevel = "warn"
	a.cfg.StoreFlags(fs)
	if withWorkspace {
		fs.StringVar(&a.workspace, "workspace", "", "workspace id (w_…); default: the default workspace (env THREADLINE_WORKSPACE)")
	}
}

// open opens the store (migrating it, creating the default workspace) and
// returns a service plus a context acting as System in the chosen workspace.
func (a *adminFlags) open(ctx context.Context, stderr io.Writer) (*service.Service, context.Context, func(), error) {
	st, svc, closeFn, err := a.openStore(ctx, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	wsID, err := svc.EnsureDefaultWorkspace(ctx)
	if err != nil {
		closeFn()
		return nil, nil, nil, err
	}
	if a.workspace != "" {
		wsID = a.workspace
		if err := checkWorkspace(ctx, st, wsID); err != nil {
			closeFn()
			return nil, nil, nil, err
		}
	}
	return svc, service.System(ctx, wsID), closeFn, nil
}

// openStore opens the store (migrating it) and returns it with a service
// over it and what closes it.
func (a *adminFlags) openStore(ctx context.Context, stderr io.Writer) (store.Store, *service.Service, func(), error) {
	log := app.NewLogger(stderr, a.cfg.LogLevel, a.cfg.LogFormat)
	if _, err := config.ParseDatabaseURL(a.cfg.DatabaseURL); err != nil {
		return nil, nil, nil, err
	}
	st, err := app.OpenStore(ctx, a.cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, service.New(st, nil, log), func() { st.Close() }, nil
}

func checkWorkspace(ctx context.Context, st store.Store, id string) error {
	return st.View(ctx, func(tx store.Tx) error {
		if _, err := tx.GetWorkspace(ctx, id); err != nil {
			return fmt.Errorf("workspace %q: %w", id, err)
		}
		return nil
	})
}

// describe renders a use-case error for the terminal.
func describe(err error) error {
	if e, ok := core.AsError(err); ok {
		var b strings.Builder
		b.WriteString(e.Message)
		for _, f := range e.Fields {
			fmt.Fprintf(&b, "\n  --%s: %s", f.Field, f.Message)
		}
		return fmt.Errorf("%s", b.String())
	}
	return err
}

// requireFlags fails when any of the named string flags is empty.
func requireFlags(fs *flag.FlagSet, names ...string) error {
	for _, n := range names {
		if f := fs.Lookup(n); f != nil && f.Value.String() == "" {
			fs.Usage()
			return fmt.Errorf("%w: --%s is required", errUsage, n)
		}
	}
	return nil
}

// subcommands runs the sub-command args[0] of command name.
func subcommands(ctx context.Context, name string, args []string, stdout, stderr io.Writer,
	subs map[string]func(context.Context, []string, io.Writer, io.Writer) error) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		fmt.Fprintf(stderr, "Usage: threadline %s %s [flags]\n", name, strings.Join(names, "|"))
		return errUsage
	}
	run, ok := subs[args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown %s command %q", errUsage, name, args[0])
	}
	return run(ctx, args[1:], stdout, stderr)
}

// withID runs an admin command that takes one positional id: it parses
// flags and the id, opens the store and calls act.
func withID(ctx context.Context, name, what string, args []string, stderr io.Writer,
	act func(svc *service.Service, ctx context.Context, id string) error) error {
	var a adminFlags
	fs := newFlagSet(name, name+" [--workspace ID] ID", stderr)
	a.register(fs, true)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: give the id (%s) to act on", errUsage, what)
	}
	id := fs.Arg(0)
	if err := config.Parse(fs, nil); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	return act(svc, sctx, id)
}

// withWorkspace parses the admin flags of a command that takes nothing else
// (the list commands), opens the store and runs act in the operator's
// context of the workspace.
func withWorkspace(ctx context.Context, name string, args []string, stderr io.Writer,
	act func(svc *service.Service, ctx context.Context) error) error {
	var a adminFlags
	fs := newFlagSet(name, name+" [--workspace ID]", stderr)
	a.register(fs, true)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	svc, sctx, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	return act(svc, sctx)
}
