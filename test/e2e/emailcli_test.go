package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// cliErr runs a threadline subcommand that should fail and returns its
// stderr.
func cliErr(t *testing.T, db string, args ...string) string {
	t.Helper()
	cmd := exec.Command(harness.Binary(t), args...)
	cmd.Env = append(os.Environ(), "THREADLINE_DATABASE_URL="+db, "THREADLINE_SECRET_KEY="+harness.SecretKey)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("threadline %s succeeded", strings.Join(args, " "))
	}
	return stderr.String()
}

// TestEmailCLI: support addresses are added, listed and removed, and
// belong to one workspace; `email test` sends a message through the relay
// from the workspace's first address; a relay URL's password never shows.
func TestEmailCLI(t *testing.T) {
	relay := startRelay(t)
	db := "sqlite://" + t.TempDir() + "/cli.db"
	if out := harness.CLI(t, db, "email", "address", "add", "--address", "Help@Acme.test", "--name", "Acme Support"); harness.LastLine(out) != "help@acme.test" {
		t.Fatalf("address add printed %q", out)
	}
	harness.CLI(t, db, "email", "address", "add", "--address", "sales@acme.test")
	other := harness.LastLine(harness.CLI(t, db, "workspace", "create", "--name", "Other"))
	if msg := cliErr(t, db, "email", "address", "add", "--workspace", other, "--address", "help@acme.test"); !strings.Contains(msg, "support address already") {
		t.Errorf("the same address in another workspace: %s", msg)
	}
	if msg := cliErr(t, db, "email", "address", "add", "--address", "help+x@acme.test"); !strings.Contains(msg, "+tag") {
		t.Errorf("a +tagged address: %s", msg)
	}
	list := harness.CLI(t, db, "email", "address", "list")
	if !regexp.MustCompile(`(?s)help@acme\.test\s+Acme Support.*sales@acme\.test`).MatchString(list) {
		t.Errorf("address list:\n%s", list)
	}
	out := harness.CLI(t, db, "email", "test", "--to", "ops@example.com", "--smtp-relay", "smtp+insecure://"+relay.addr)
	got := relay.waitFor(t, 1, 10*time.Second)[0]
	if !strings.Contains(out, "sent <") || got.from != "help@acme.test" || got.msg.From.Name != "Acme Support" ||
		got.msg.Subject != "Threadline test message" || !strings.Contains(out, got.msg.MessageID) {
		t.Errorf("email test printed %q; the relay got %+v", out, got.msg)
	}
	msg := cliErr(t, db, "email", "test", "--to", "ops@example.com", "--smtp-relay", "smtp://bot:s3cret-pass@127.0.0.1:1")
	if strings.Contains(msg, "s3cret-pass") || !strings.Contains(msg, "bot@127.0.0.1:1") {
		t.Errorf("a failed send shows the relay's password, or not the relay: %s", msg)
	}
	harness.CLI(t, db, "email", "address", "remove", "sales@acme.test")
	if list := harness.CLI(t, db, "email", "address", "list"); strings.Contains(list, "sales@") {
		t.Errorf("a removed address is listed:\n%s", list)
	}
	if msg := cliErr(t, db, "email", "address", "remove", "sales@acme.test"); !strings.Contains(msg, "not found") {
		t.Errorf("removing it again: %s", msg)
	}
}
