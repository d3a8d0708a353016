package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), err
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

var (
	keyRe = regexp.MustCompile(`^plainApiKey_[A-Za-z0-9_-]{43}$`)
	wsRe  = regexp.MustCompile(`^w_[0-9A-HJKMNP-TV-Z]{26}$`)
	uRe   = regexp.MustCompile(`^u_[0-9A-HJKMNP-TV-Z]{26}$`)
)

func TestCLIContract(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	out, err := runCLI(t, "apikey", "create", "--database", db, "--name", "x", "--permissions", "all")
	if err != nil || !keyRe.MatchString(lastLine(out)) {
		t.Fatalf("apikey create: %q, %v", out, err)
	}
	secret := lastLine(out)

	out, err = runCLI(t, "workspace", "create", "--database", db, "--name", "Acme")
	if err != nil || !wsRe.MatchString(strings.TrimSpace(out)) {
		t.Fatalf("workspace create: %q, %v", out, err)
	}
	ws := strings.TrimSpace(out)

	out, err = runCLI(t, "user", "create", "--database", db, "--workspace", ws, "--email", "Ann@Example.com", "--name", "Ann")
	if err != nil || !uRe.MatchString(strings.TrimSpace(out)) {
		t.Fatalf("user create: %q, %v", out, err)
	}
	if _, err := runCLI(t, "user", "create", "--database", db, "--workspace", ws, "--email", "ann@example.com", "--name", "Ann"); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate user: %v", err)
	}

	out, err = runCLI(t, "apikey", "list", "--database", db)
	if err != nil || strings.Contains(out, secret) || !strings.Contains(out, secret[:16]+"…") {
		t.Fatalf("apikey list must show the hint only: %q, %v", out, err)
	}
	id := regexp.MustCompile(`ak_[0-9A-Z]{26}`).FindString(out)
	if out, err := runCLI(t, "apikey", "revoke", "--database", db, id); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if out, _ := runCLI(t, "apikey", "list", "--database", db); !regexp.MustCompile(`Z\s+\d{4}-`).MatchString(out) {
		t.Fatalf("revoked key shows no revocation time: %q", out)
	}
}

func TestCLIEnvironmentFallback(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("THREADLINE_DATABASE_URL", "sqlite://"+filepath.Join(dir, "env.db"))
	out, err := runCLI(t, "workspace", "create", "--name", "FromEnv")
	if err != nil || !wsRe.MatchString(strings.TrimSpace(out)) {
		t.Fatalf("workspace create from env: %q %v", out, err)
	}
	t.Setenv("THREADLINE_NAME", "EnvName")
	out, err = runCLI(t, "workspace", "create")
	if err != nil || !wsRe.MatchString(strings.TrimSpace(out)) {
		t.Fatalf("--name from THREADLINE_NAME: %q %v", out, err)
	}
	t.Setenv("THREADLINE_DATABASE_URL", "mysql://nope")
	if _, err := runCLI(t, "workspace", "create", "--name", "x"); err == nil || !strings.Contains(err.Error(), "sqlite://") {
		t.Fatalf("bad database URL from env: %v", err)
	}
	// A flag wins over the environment.
	if _, err := runCLI(t, "workspace", "create", "--name", "x", "--database", "sqlite://"+filepath.Join(dir, "flag.db")); err != nil {
		t.Fatalf("flag over env: %v", err)
	}
}

func TestCLIErrors(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"apikey", "create", "--database", db, "--name", "x", "--permissions", "thread:fly"}, "unknown permission thread:fly"},
		{[]string{"apikey", "create", "--database", db, "--name", "x"}, "--permissions is required"},
		{[]string{"user", "create", "--database", db, "--email", "not-an-email", "--name", "N"}, "Invalid email"},
		{[]string{"user", "create", "--database", db, "--workspace", "w_01H14DFQ4PDYBH398J1E99TWSS", "--email", "a@b.co", "--name", "N"}, "not found"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, c := range cases {
		_, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want error containing %q", c.args, err, c.want)
		}
	}
	if _, err := runCLI(t, "serve", "--help"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("serve --help: %v", err)
	}
	if out, err := runCLI(t, "version"); err != nil || !strings.HasPrefix(out, "threadline ") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestCLIFieldSchema(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	out, err := runCLI(t, "field-schema", "create", "--database", db, "--key", "product_area", "--label", "Product area",
		"--type", "enum", "--enum-values", "billing, login ,api", "--required")
	if err != nil || !regexp.MustCompile(`^tfs_[0-9A-Z]{26}$`).MatchString(strings.TrimSpace(out)) {
		t.Fatalf("field-schema create: %q %v", out, err)
	}
	if _, err := runCLI(t, "field-schema", "create", "--database", db, "--key", "product_area", "--label", "Again", "--type", "STRING"); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate key: %v", err)
	}
	if _, err := runCLI(t, "field-schema", "create", "--database", db, "--key", "e", "--label", "E", "--type", "ENUM"); err == nil ||
		!strings.Contains(err.Error(), "--enum-values") {
		t.Fatalf("enum without values: %v", err)
	}
	out, err = runCLI(t, "field-schema", "list", "--database", db)
	if err != nil || !strings.Contains(out, "product_area") || !strings.Contains(out, "billing,login,api") || !strings.Contains(out, "true") {
		t.Fatalf("list: %q %v", out, err)
	}
	id := regexp.MustCompile(`tfs_[0-9A-Z]{26}`).FindString(out)
	if out, err := runCLI(t, "field-schema", "delete", "--database", db, id); err != nil || !strings.Contains(out, "deleted") {
		t.Fatalf("delete: %q %v", out, err)
	}
	if out, _ := runCLI(t, "field-schema", "list", "--database", db); strings.Contains(out, "product_area") {
		t.Fatalf("deleted schema still listed: %q", out)
	}
}
