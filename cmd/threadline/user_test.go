package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/app"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/service"
)

// withStdin runs fn with in as the CLI's stdin.
func withStdin(t *testing.T, in string, fn func()) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	defer func() { stdin = old }()
	fn()
}

// TestUserPasswordAndRole: user create takes a role and reads a password
// from stdin, printing only the user id; the password signs in; set-password
// replaces it and closes sessions; set-role changes the role.
func TestUserPasswordAndRole(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	var out string
	var err error
	withStdin(t, "correct horse battery\n", func() {
		out, err = runCLI(t, "user", "create", "--database", db, "--email", "ann@example.com", "--name", "Ann",
			"--role", "Owner", "--password-stdin")
	})
	if err != nil || !uRe.MatchString(strings.TrimSpace(out)) || strings.Contains(out, "horse") {
		t.Fatalf("user create: %q %v", out, err)
	}
	for _, bad := range [][]string{{"--role", "god"}, {"--password-stdin"}} {
		withStdin(t, "short\n", func() {
			_, err = runCLI(t, append([]string{"user", "create", "--database", db, "--email", "bob@example.com", "--name", "Bob"}, bad...)...)
		})
		if err == nil {
			t.Errorf("user create %v: no error", bad)
		}
	}
	if _, err := runCLI(t, "user", "set-password", "--database", db, "--email", "ann@example.com"); err == nil {
		t.Error("set-password without --password-stdin: no error")
	}

	cfg := config.Defaults()
	cfg.DatabaseURL = db // the CLI runs made its secret key beside the database
	ctx := context.Background()
	signIn := func(pw string) (service.SignedIn, error) {
		t.Helper()
		st, err := app.OpenStore(ctx, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		return service.New(st, nil, nil).SignIn(ctx, "ann@example.com", pw)
	}
	first, err := signIn("correct horse battery")
	if err != nil || first.User.Role != auth.RoleOwner {
		t.Fatalf("sign in: %+v %v", first, err)
	}
	withStdin(t, "a new passphrase\r\n", func() {
		out, err = runCLI(t, "user", "set-password", "--database", db, "--email", "ann@example.com", "--password-stdin")
	})
	if err != nil || !strings.Contains(out, "sessions are closed") {
		t.Fatalf("set-password: %q %v", out, err)
	}
	if _, err := signIn("correct horse battery"); err == nil {
		t.Error("the old password still signs in")
	}
	if _, err := signIn("a new passphrase"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if out, err := runCLI(t, "user", "set-role", "--database", db, "--email", "ann@example.com", "--role", "admin"); err == nil {
		t.Errorf("the only owner made admin: %q", out)
	}
}
