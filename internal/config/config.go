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

// ServeFlags registers the serve command's flags on fs, writing into c.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "HOST:PORT to listen on (env THREADLINE_ADDR)")
	DatabaseFlag(fs, &c.DatabaseURL)
	c.LogFlags(fs)
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long in-flight requests get on shutdown (env THREADLINE_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.SQLiteSynchronous, "sqlite-synchronous", c.SQLiteSynchronous, "SQLite PRAGMA synchronous: FULL (durable) or NORMAL (env THREADLINE_SQLITE_SYNCHRONOUS)")
	fs.DurationVar(&c.SchedulerInterval, "scheduler-interval", c.SchedulerInterval, "how often to look for snoozed threads to wake (env THREADLINE_SCHEDULER_INTERVAL)")
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
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown-timeout must be positive")
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
