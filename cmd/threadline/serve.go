package main

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/config"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config.Defaults()
	fs := newFlagSet("serve", "serve [--addr HOST:PORT] [--database URL]", stderr)
	cfg.ServeFlags(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(cfg.GCPercent)
	}
	log := app.NewLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Serve(ctx, nil)
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	fs := newFlagSet("migrate", "migrate [--database URL]", stderr)
	a.register(fs, false)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	_, _, closeFn, err := a.open(ctx, stderr)
	if err != nil {
		return err
	}
	closeFn()
	_, err = io.WriteString(stdout, "database is up to date\n")
	return err
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, err := io.WriteString(stdout, "threadline "+version+"\n")
	return err
}
