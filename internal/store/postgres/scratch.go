package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// CreateScratchDatabase creates a new, empty PostgreSQL database named
// prefix_<12 random hex digits> on the server of adminURL (a postgres://
// URL of any database there, whose role may CREATE DATABASE) and returns
// the URL of the new database and what drops it (FORCE: connections still
// open are ended). The benchmarks run each server on such a database.
func CreateScratchDatabase(ctx context.Context, adminURL, prefix string) (dbURL string, drop func(context.Context) error, err error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("PostgreSQL URL %q: want postgres://…", adminURL)
	}
	if strings.Trim(prefix, "abcdefghijklmnopqrstuvwxyz_0123456789") != "" || prefix == "" {
		return "", nil, fmt.Errorf("scratch database prefix %q: want lower-case letters, digits and _", prefix)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop = func(ctx context.Context) error {
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}
