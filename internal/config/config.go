// Package config holds Threadline's configuration: command-line flags, each
// falling back to a THREADLINE_* environment variable, then to a default.
package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// DefaultDatabaseURL is the embedded default: a SQLite file under ./data.
const DefaultDatabaseURL = "sqlite://data/threadline.db"

// Config is the server's configuration, passed by value.
type Config struct {
	Addr              string
	DatabaseURL       string
	LogLevel          string
	LogFormat         string
	ShutdownTimeout   time.Duration
	SQLiteSynchronous string
	PostgresMaxConns  int
	SchedulerInterval time.Duration
	// Webhook delivery.
	WebhookAllowPrivate  bool
	WebhookTimeout       time.Duration
	WebhookLease         time.Duration
	WebhookRetrySchedule string
	// Customer cards: requests to the teams' card APIs.
	CardAllowPrivate     bool
	CardTimeout          time.Duration
	CardMaxResponseBytes int64
	// The API edge.
	RateLimit      int // API-key requests per workspace a minute; 0 turns the limit off
	RequestTimeout time.Duration
	// MetricsAddr, when set, serves Prometheus metrics (and, on loopback,
	// pprof) on a listener of its own.
	MetricsAddr string
	// The key that seals secrets at rest: SecretKey (base64) or the file
	// SecretKeyFile; with neither, secret.key in the data directory,
	// generated on first start.
	SecretKey     string
	SecretKeyFile string
	// PublicURL is the URL clients reach the server at (attachment links
	// start with it); empty means each request's scheme and host.
	PublicURL string
	// Attachments.
	AttachmentMaxBytes    int64
	AttachmentUploadTTL   time.Duration
	AttachmentDownloadTTL time.Duration
}

// Defaults returns the configuration of a server started with no flags.
func Defaults() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DatabaseURL:       DefaultDatabaseURL,
		LogLevel:          "info",
		LogFormat:         "text",
		ShutdownTimeout:   10 * time.Second,
		SQLiteSynchronous: "FULL",
		PostgresMaxConns:  20,
		SchedulerInterval: time.Second,
		WebhookTimeout:    10 * time.Second,
		WebhookLease:      2 * time.Minute,
		RateLimit:         1000,
		RequestTimeout:    30 * time.Second,
		// Plain's limits: 6 MB files, upload links valid for 2 hours.
		AttachmentMaxBytes:    6 << 20,
		AttachmentUploadTTL:   2 * time.Hour,
		AttachmentDownloadTTL: time.Hour,
		CardTimeout:           15 * time.Second,
		CardMaxResponseBytes:  512 << 10,
	}
}

// EnvName is the environment variable a flag falls back to.
func EnvName(flagName string) string {
	if flagName == "database" {
		return "THREADLINE_DATABASE_URL"
	}
	return "THREADLINE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// DatabaseFlag registers --database on fs.
func DatabaseFlag(fs *flag.FlagSet, v *string) {
	fs.StringVar(v, "database", *v, "database URL: sqlite://PATH or postgres://… (env THREADLINE_DATABASE_URL)")
}

// StoreFlags registers what opening the store needs: --database and the
// secret key that seals secrets at rest.
func (c *Config) StoreFlags(fs *flag.FlagSet) {
	DatabaseFlag(fs, &c.DatabaseURL)
	fs.StringVar(&c.SecretKey, "secret-key", c.SecretKey, "base64 of the 32-byte key sealing secrets at rest; every replica and CLI run on one database needs the same (env THREADLINE_SECRET_KEY)")
	fs.StringVar(&c.SecretKeyFile, "secret-key-file", c.SecretKeyFile, "file holding that key; default secret.key in the data directory, created on first start (env THREADLINE_SECRET_KEY_FILE)")
}

// ServeFlags registers the serve command's flags on fs, writing into c.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "HOST:PORT to listen on (env THREADLINE_ADDR)")
	c.StoreFlags(fs)
	c.LogFlags(fs)
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long in-flight requests get on shutdown (env THREADLINE_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.SQLiteSynchronous, "sqlite-synchronous", c.SQLiteSynchronous, "SQLite PRAGMA synchronous: FULL (durable) or NORMAL (env THREADLINE_SQLITE_SYNCHRONOUS)")
	fs.DurationVar(&c.SchedulerInterval, "scheduler-interval", c.SchedulerInterval, "how often to look for snoozed threads to wake (env THREADLINE_SCHEDULER_INTERVAL)")
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", c.WebhookAllowPrivate, "let webhooks reach loopback, private and link-local addresses (env THREADLINE_WEBHOOK_ALLOW_PRIVATE)")
	fs.BoolVar(&c.CardAllowPrivate, "card-allow-private", c.CardAllowPrivate, "let customer card requests reach loopback, private and link-local addresses (env THREADLINE_CARD_ALLOW_PRIVATE)")
	fs.DurationVar(&c.CardTimeout, "card-timeout", c.CardTimeout, "time limit of one customer card request; Plain's is 15s (env THREADLINE_CARD_TIMEOUT)")
	fs.Int64Var(&c.CardMaxResponseBytes, "card-max-response-bytes", c.CardMaxResponseBytes, "largest customer card answer read; a larger one fails its cards with CARD_TOO_BIG (env THREADLINE_CARD_MAX_RESPONSE_BYTES)")
	fs.DurationVar(&c.WebhookTimeout, "webhook-timeout", c.WebhookTimeout, "time limit of one webhook delivery attempt (env THREADLINE_WEBHOOK_TIMEOUT)")
	fs.DurationVar(&c.WebhookLease, "webhook-lease", c.WebhookLease, "how long a replica holds a delivery it is sending; a crashed replica's deliveries are retried after it (env THREADLINE_WEBHOOK_LEASE)")
	fs.StringVar(&c.WebhookRetrySchedule, "webhook-retry-schedule", c.WebhookRetrySchedule, "comma-separated waits between webhook attempts; default Plain's 10s,30s,5m,30m,1h,3h,6h,12h,1d×4 (env THREADLINE_WEBHOOK_RETRY_SCHEDULE)")
	fs.IntVar(&c.RateLimit, "rate-limit", c.RateLimit, "API-key requests each workspace may make a minute, as Plain's highest plan; 0 turns the limit off (env THREADLINE_RATE_LIMIT)")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", c.RequestTimeout, "time limit of one API request (env THREADLINE_REQUEST_TIMEOUT)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "HOST:PORT to serve Prometheus /metrics on (and /debug/pprof/ when on loopback); off when empty (env THREADLINE_METRICS_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "URL clients reach this server at, e.g. https://support.example.com; attachment links start with it (default: each request's scheme and host) (env THREADLINE_PUBLIC_URL)")
	fs.Int64Var(&c.AttachmentMaxBytes, "attachment-max-bytes", c.AttachmentMaxBytes, "largest attachment accepted, in bytes (env THREADLINE_ATTACHMENT_MAX_BYTES)")
	fs.DurationVar(&c.AttachmentUploadTTL, "attachment-upload-ttl", c.AttachmentUploadTTL, "how long an attachment upload link is valid (env THREADLINE_ATTACHMENT_UPLOAD_TTL)")
	fs.DurationVar(&c.AttachmentDownloadTTL, "attachment-download-ttl", c.AttachmentDownloadTTL, "how long an attachment download link is valid (env THREADLINE_ATTACHMENT_DOWNLOAD_TTL)")
	fs.IntVar(&c.PostgresMaxConns, "postgres-max-conns", c.PostgresMaxConns, "PostgreSQL connection pool size (env THREADLINE_POSTGRES_MAX_CONNS)")
}

// LogFlags registers the logging flags.
func (c *Config) LogFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env THREADLINE_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (env THREADLINE_LOG_FORMAT)")
}

// Parse parses args into fs, then fills every flag not given on the command
// line from its environment variable. Flags win over the environment.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(EnvName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", EnvName(f.Name), e)
			}
		}
	})
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return err
}

// Validate checks a server configuration.
func (c Config) Validate() error {
	if c.Addr == "" {
		return fmt.Errorf("--addr is required")
	}
	if _, err := ParseDatabaseURL(c.DatabaseURL); err != nil {
		return err
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("--log-format must be text or json")
	}
	if c.SchedulerInterval <= 0 {
		return fmt.Errorf("--scheduler-interval must be positive")
	}
	if _, err := c.RetrySchedule(); err != nil {
		return err
	}
	if c.WebhookTimeout <= 0 || c.WebhookLease <= c.WebhookTimeout {
		return fmt.Errorf("--webhook-timeout must be positive and shorter than --webhook-lease")
	}
	if c.CardTimeout <= 0 || c.CardTimeout >= c.RequestTimeout {
		return fmt.Errorf("--card-timeout must be positive and shorter than --request-timeout")
	}
	if c.CardMaxResponseBytes < 1024 {
		return fmt.Errorf("--card-max-response-bytes must be at least 1024")
	}
	if c.RateLimit < 0 {
		return fmt.Errorf("--rate-limit must not be negative")
	}
	if c.RequestTimeout <= 0 {
		return fmt.Errorf("--request-timeout must be positive")
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown-timeout must be positive")
	}
	if c.AttachmentMaxBytes < 1 || c.AttachmentMaxBytes > 1<<30 {
		return fmt.Errorf("--attachment-max-bytes must be between 1 and 1 GiB")
	}
	if c.AttachmentUploadTTL <= 0 || c.AttachmentDownloadTTL <= 0 {
		return fmt.Errorf("--attachment-upload-ttl and --attachment-download-ttl must be positive")
	}
	if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		return fmt.Errorf("--public-url must be an http(s) URL")
	}
	return nil
}

// Database is a parsed database URL.
type Database struct {
	Backend string // "sqlite" or "postgres"
	Path    string // SQLite file path
	URL     string // PostgreSQL connection URL
}

// ParseDatabaseURL accepts sqlite://PATH (sqlite:///abs/path for an
// absolute path) and postgres:// or postgresql:// URLs.
func ParseDatabaseURL(u string) (Database, error) {
	switch {
	case strings.HasPrefix(u, "sqlite://"):
		p := strings.TrimPrefix(u, "sqlite://")
		if p == "" {
			return Database{}, fmt.Errorf("database URL %q names no file", u)
		}
		return Database{Backend: "sqlite", Path: p}, nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return Database{Backend: "postgres", URL: u}, nil
	}
	return Database{}, fmt.Errorf("database URL must start with sqlite:// or postgres:// (got %q)", redact(u))
}

// redact hides a URL's password for messages.
func redact(u string) string {
	if at := strings.LastIndex(u, "@"); at > 0 {
		if i := strings.Index(u, "://"); i >= 0 && i < at {
			return u[:i+3] + "…" + u[at:]
		}
	}
	return u
}

// RetrySchedule parses --webhook-retry-schedule; nil means the default.
func (c Config) RetrySchedule() ([]time.Duration, error) {
	if strings.TrimSpace(c.WebhookRetrySchedule) == "" {
		return nil, nil
	}
	var out []time.Duration
	for _, part := range strings.Split(c.WebhookRetrySchedule, ",") {
		part = strings.TrimSpace(part)
		d, err := time.ParseDuration(part)
		if strings.HasSuffix(part, "d") {
			var n time.Duration
			if n, err = time.ParseDuration(strings.TrimSuffix(part, "d") + "h"); err == nil {
				d = 24 * n
			}
		}
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("--webhook-retry-schedule: %q is not a positive duration", part)
		}
		out = append(out, d)
	}
	return out, nil
}
