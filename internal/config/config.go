// Package config holds Threadline's configuration: command-line flags, each
// falling back to a THREADLINE_* environment variable, then to a default.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
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
	PostgresWriters   int
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
	// GCPercent is the Go garbage collector's target (GOGC) of a server:
	// how much the heap may grow past what is live before a collection.
	GCPercent int
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
	// Email.
	Email Email
}

// Email is the email configuration: the SMTP receiver (off unless
// SMTPAddr is set), the relay mail is sent through (none: outgoing email
// waits), the default workspace's support addresses and IMAP polling.
type Email struct {
	SupportAddresses      string // comma-separated, of the default workspace
	SMTPAddr              string
	SMTPDomain            string
	SMTPMaxBytes          int64
	SMTPTLSCert           string
	SMTPTLSKey            string
	SMTPTrustedAuthServID string
	Relay                 string // smtp://, smtps:// or smtp+insecure:// URL, with credentials
	RelayTimeout          time.Duration
	RetrySchedule         string // comma-separated waits between send attempts
	IMAPInterval          time.Duration
	IMAPLease             time.Duration
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
		PostgresWriters:   2,
		SchedulerInterval: time.Second,
		WebhookTimeout:    10 * time.Second,
		WebhookLease:      2 * time.Minute,
		RateLimit:         1000,
		RequestTimeout:    30 * time.Second,
		// A server's live heap is small and its garbage many short-lived
		// request objects: collecting at 5× the live heap rather than Go's
		// 2× spends a third less CPU on an API page (issue 14).
		GCPercent: 400,
		// Plain's limits: 6 MB files, upload links valid for 2 hours.
		AttachmentMaxBytes:    6 << 20,
		AttachmentUploadTTL:   2 * time.Hour,
		AttachmentDownloadTTL: time.Hour,
		CardTimeout:           15 * time.Second,
		CardMaxResponseBytes:  512 << 10,
		Email: Email{SMTPDomain: "localhost", SMTPMaxBytes: 25 << 20, RelayTimeout: time.Minute,
			IMAPInterval: time.Minute, IMAPLease: 2 * time.Minute},
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
	fs.IntVar(&c.GCPercent, "gc-percent", c.GCPercent, "Go garbage collector target (GOGC): larger trades memory for CPU; GOGC in the environment wins (env THREADLINE_GC_PERCENT)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "HOST:PORT to serve Prometheus /metrics on (and /debug/pprof/ when on loopback); off when empty (env THREADLINE_METRICS_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "URL clients reach this server at, e.g. https://support.example.com; attachment links start with it (default: each request's scheme and host) (env THREADLINE_PUBLIC_URL)")
	fs.Int64Var(&c.AttachmentMaxBytes, "attachment-max-bytes", c.AttachmentMaxBytes, "largest attachment accepted, in bytes (env THREADLINE_ATTACHMENT_MAX_BYTES)")
	fs.DurationVar(&c.AttachmentUploadTTL, "attachment-upload-ttl", c.AttachmentUploadTTL, "how long an attachment upload link is valid (env THREADLINE_ATTACHMENT_UPLOAD_TTL)")
	fs.DurationVar(&c.AttachmentDownloadTTL, "attachment-download-ttl", c.AttachmentDownloadTTL, "how long an attachment download link is valid (env THREADLINE_ATTACHMENT_DOWNLOAD_TTL)")
	fs.IntVar(&c.PostgresMaxConns, "postgres-max-conns", c.PostgresMaxConns, "PostgreSQL connection pool size (env THREADLINE_POSTGRES_MAX_CONNS)")
	fs.IntVar(&c.PostgresWriters, "postgres-writers", c.PostgresWriters, "PostgreSQL group-commit batches in flight at once, one connection each, beside the pool (env THREADLINE_POSTGRES_WRITERS)")
	c.Email.flags(fs)
}

// flags registers the email flags.
func (e *Email) flags(fs *flag.FlagSet) {
	fs.StringVar(&e.SupportAddresses, "support-address", e.SupportAddresses, "comma-separated support addresses of the default workspace, added at start (env THREADLINE_SUPPORT_ADDRESS)")
	fs.StringVar(&e.SMTPAddr, "smtp-addr", e.SMTPAddr, "HOST:PORT to receive mail on over SMTP (e.g. 0.0.0.0:25); off when empty (env THREADLINE_SMTP_ADDR)")
	fs.StringVar(&e.SMTPDomain, "smtp-domain", e.SMTPDomain, "the host name the SMTP receiver greets with (env THREADLINE_SMTP_DOMAIN)")
	fs.Int64Var(&e.SMTPMaxBytes, "smtp-max-bytes", e.SMTPMaxBytes, "largest message received, in bytes; larger ones are refused with 552 (env THREADLINE_SMTP_MAX_BYTES)")
	fs.StringVar(&e.SMTPTLSCert, "smtp-tls-cert", e.SMTPTLSCert, "PEM certificate file: the SMTP receiver offers STARTTLS with it (env THREADLINE_SMTP_TLS_CERT)")
	fs.StringVar(&e.SMTPTLSKey, "smtp-tls-key", e.SMTPTLSKey, "PEM key file of --smtp-tls-cert (env THREADLINE_SMTP_TLS_KEY)")
	fs.StringVar(&e.SMTPTrustedAuthServID, "smtp-trusted-authserv-id", e.SMTPTrustedAuthServID, "the mail server (authserv-id) whose Authentication-Results headers are believed: your MX in front of Threadline (env THREADLINE_SMTP_TRUSTED_AUTHSERV_ID)")
	fs.StringVar(&e.Relay, "smtp-relay", e.Relay, "SMTP relay to send mail through: smtp://user:pass@host:587 (STARTTLS required), smtps://…:465, or smtp+insecure://host:25 (no TLS); none: outgoing emails wait (env THREADLINE_SMTP_RELAY)")
	fs.DurationVar(&e.RelayTimeout, "smtp-relay-timeout", e.RelayTimeout, "time limit of one send through the relay; a crashed sender's emails are sent again after twice it (env THREADLINE_SMTP_RELAY_TIMEOUT)")
	fs.StringVar(&e.RetrySchedule, "smtp-retry-schedule", e.RetrySchedule, "comma-separated waits between attempts of an email the relay did not take; default 30s,1m,5m,15m,30m,1h,2h,4h,8h,12h,1d×3 (env THREADLINE_SMTP_RETRY_SCHEDULE)")
	fs.DurationVar(&e.IMAPInterval, "imap-interval", e.IMAPInterval, "how often each IMAP mailbox is read (env THREADLINE_IMAP_INTERVAL)")
	fs.DurationVar(&e.IMAPLease, "imap-lease", e.IMAPLease, "how long a replica holds a mailbox without progress; a crashed replica's mailbox is read again after it (env THREADLINE_IMAP_LEASE)")
}

// Validate checks the email configuration.
func (e Email) Validate() error {
	if e.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(e.SMTPAddr); err != nil {
			return fmt.Errorf("--smtp-addr must be HOST:PORT")
		}
	}
	if e.SMTPMaxBytes < 1<<10 || e.SMTPMaxBytes > 1<<30 {
		return fmt.Errorf("--smtp-max-bytes must be between 1 KiB and 1 GiB")
	}
	if (e.SMTPTLSCert == "") != (e.SMTPTLSKey == "") {
		return fmt.Errorf("--smtp-tls-cert and --smtp-tls-key go together")
	}
	if e.Relay != "" {
		u, err := url.Parse(e.Relay)
		if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps" && u.Scheme != "smtp+insecure") {
			return fmt.Errorf("--smtp-relay must be smtp://host:port, smtps://host:port or smtp+insecure://host:port")
		}
	}
	if e.RelayTimeout <= 0 || e.IMAPInterval <= 0 || e.IMAPLease < time.Second {
		return fmt.Errorf("--smtp-relay-timeout and --imap-interval must be positive, --imap-lease at least 1s")
	}
	if _, err := Durations("--smtp-retry-schedule", e.RetrySchedule); err != nil {
		return err
	}
	for _, a := range e.Addresses() {
		if !strings.Contains(a, "@") {
			return fmt.Errorf("--support-address: %q is not an email address", a)
		}
	}
	return nil
}

// Addresses returns the support addresses of --support-address.
func (e Email) Addresses() []string {
	var out []string
	for _, a := range strings.Split(e.SupportAddresses, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
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
	if c.GCPercent < 25 {
		return fmt.Errorf("--gc-percent must be at least 25")
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
	return c.Email.Validate()
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
	return Durations("--webhook-retry-schedule", c.WebhookRetrySchedule)
}

// Durations parses a comma-separated list of positive durations ("10s,
// 5m, 1d"; d is a day) given to flag; "" is nil.
func Durations(flag, list string) ([]time.Duration, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var out []time.Duration
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		d, err := time.ParseDuration(part)
		if strings.HasSuffix(part, "d") {
			var n time.Duration
			if n, err = time.ParseDuration(strings.TrimSuffix(part, "d") + "h"); err == nil {
				d = 24 * n
			}
		}
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%s: %q is not a positive duration", flag, part)
		}
		out = append(out, d)
	}
	return out, nil
}
