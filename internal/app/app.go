// Package app wires Threadline together: it opens the configured store, runs
// migrations, builds the service and the HTTP server, and shuts them down.
// It is the only package that knows both storage backends.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/cardclient"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/metrics"
	"github.com/threadline/threadline/internal/netguard"
	"github.com/threadline/threadline/internal/outbox"
	"github.com/threadline/threadline/internal/ratelimit"
	"github.com/threadline/threadline/internal/server"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/sqlite"
)

// NewLogger returns the logger the configuration asks for, writing to w.
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// OpenStore opens and migrates the database of the configuration, and
// makes it seal secrets at rest with the configured key.
func OpenStore(ctx context.Context, cfg config.Config, log *slog.Logger) (store.Store, error) {
	db, err := config.ParseDatabaseURL(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	box, err := secretBox(cfg, db)
	if err != nil {
		return nil, err
	}
	var st store.Store
	if db.Backend == "postgres" {
		st, err = postgres.OpenWith(ctx, db.URL, postgres.Options{MaxConns: cfg.PostgresMaxConns,
			Writers: cfg.PostgresWriters, Logger: log})
	} else {
		st, err = sqlite.Open(ctx, db.Path, sqlite.Options{Synchronous: cfg.SQLiteSynchronous, Logger: log})
	}
	if err != nil {
		return nil, err
	}
	if err := st.(store.SecretKeeper).UseSecrets(ctx, box); err != nil {
		st.Close()
		return nil, fmt.Errorf("%w (--secret-key, --secret-key-file)", err)
	}
	return st, nil
}

// App is a running Threadline.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	metrics *metrics.Metrics
	Store   store.Store
	Svc     *service.Service
}

// New opens the store, migrates it and makes sure a default workspace exists.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	svc := service.New(st, nil, log)
	svc.SetURLChecker(netguard.CheckURL(cfg.WebhookAllowPrivate))
	svc.SetAttachmentLimits(attachment.Limits{MaxBytes: cfg.AttachmentMaxBytes, UploadTTL: cfg.AttachmentUploadTTL,
		DownloadTTL: cfg.AttachmentDownloadTTL})
	svc.SetCards(cardclient.New(cardclient.Options{Timeout: cfg.CardTimeout, MaxResponseBytes: cfg.CardMaxResponseBytes,
		AllowPrivate: cfg.CardAllowPrivate}), netguard.CheckURLFor(cfg.CardAllowPrivate, "customer cards", "--card-allow-private"))
	ws, err := svc.EnsureDefaultWorkspace(ctx)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("default workspace: %w", err)
	}
	a := &App{cfg: cfg, log: log, metrics: metrics.New(), Store: st, Svc: svc}
	if _, _, err := Relay(cfg); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.ensureSupportAddresses(ctx, ws); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// Serve listens on the configured address and serves until ctx ends, then
// shuts down gracefully within the configured timeout. ready, if not nil,
// receives the bound address once the server accepts connections.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	opts, err := a.serverOptions()
	if err != nil {
		return err
	}
	if opts.RateLimit != nil {
		defer opts.RateLimit.Close(context.Background())
	}
	defer opts.LoginLimit.Close(context.Background())
	opts.Context = ctx
	h, err := server.New(a.Svc, a.Store, a.log, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	// Email first: its only failures (a bad certificate, a taken port)
	// happen before it starts anything.
	if err := a.serveEmail(g, gctx); err != nil {
		ln.Close()
		return err
	}
	a.serveOn(g, gctx, ln, h)
	if a.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", a.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		a.serveOn(g, gctx, mln, server.Debug(opts.Metrics, isLoopback(mln.Addr())))
		a.log.Info("metrics listening", "addr", mln.Addr().String())
	}
	g.Go(func() error { return a.Svc.RunScheduler(gctx, a.cfg.SchedulerInterval) })
	g.Go(func() error { return a.Svc.RunCacheInvalidation(gctx) })
	schedule, _ := a.cfg.RetrySchedule() // validated in New
	dispatcher := outbox.New(a.Svc, outbox.Options{Timeout: a.cfg.WebhookTimeout, Lease: a.cfg.WebhookLease,
		Schedule: schedule, AllowPrivate: a.cfg.WebhookAllowPrivate, Logger: a.log})
	g.Go(func() error { return dispatcher.Run(gctx) })
	a.log.Info("listening", "addr", ln.Addr().String(), "backend", a.Store.Backend())
	if ready != nil {
		ready(ln.Addr().String())
	}
	return g.Wait()
}

// LoginAttempts is how many sign-ins a minute the web app accepts from one
// client address, and for one email (across replicas on PostgreSQL).
const LoginAttempts = 10

// serverOptions builds the HTTP server's options from the configuration.
func (a *App) serverOptions() (server.Options, error) {
	opts := server.Options{RequestTimeout: a.cfg.RequestTimeout, PublicURL: a.cfg.PublicURL}
	if a.cfg.MetricsAddr != "" {
		opts.Metrics = a.metrics
		if err := instrument(a.metrics, a.Store); err != nil {
			return opts, err
		}
	}
	shared, _ := a.Store.(store.WindowCounter)
	login, err := ratelimit.New(LoginAttempts, time.Minute, shared, core.SystemClock{})
	if err != nil {
		return opts, err
	}
	opts.LoginLimit = login
	if a.cfg.RateLimit > 0 {
		lim, err := ratelimit.New(a.cfg.RateLimit, time.Minute, shared, core.SystemClock{})
		if err != nil {
			return opts, err
		}
		opts.RateLimit = lim
	}
	return opts, nil
}

// serveOn serves h on ln under g until gctx ends, then shuts it down
// gracefully within the configured timeout.
func (a *App) serveOn(g *errgroup.Group, gctx context.Context, ln net.Listener, h http.Handler) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		a.log.Info("shutting down", "addr", ln.Addr().String(), "timeout", a.cfg.ShutdownTimeout)
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	})
}

func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

// Close closes the store (after Serve returned).
func (a *App) Close() error { return a.Store.Close() }
