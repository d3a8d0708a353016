// Package web tests the agent web app in a real browser: for each database
// backend it starts a server, creates users and a key through the CLI and
// runs the node:test suites in tests/, which drive headless Chromium with
// Playwright (playwright-core, the system's Chromium) and check pages with
// axe-core. Screenshots land in artifacts/ (git-ignored). It is skipped
// when node, npm or Chromium is missing, and fails then under
// THREADLINE_TEST_STRICT.
package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// nodeTimeout bounds one run of the browser suites.
const nodeTimeout = 5 * time.Minute

// password is every test user's.
const password = "correct horse battery staple"

// serverErrorRe matches a server log line of a request answered 5xx.
var serverErrorRe = regexp.MustCompile(`(?m)^.*\bmsg=request\b.*\bstatus=5\d\d\b.*$`)

func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if harness.Strict() {
		t.Fatal(msg + " (THREADLINE_TEST_STRICT is set)")
	}
	t.Skip(msg)
}

// chromium finds the browser: THREADLINE_CHROMIUM, else Debian's.
func chromium() string {
	if p := os.Getenv("THREADLINE_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func TestBrowser(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node not found: browser tests skipped")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		skipOrFail(t, "npm not found: browser tests skipped")
	}
	browser := chromium()
	if browser == "" {
		skipOrFail(t, "Chromium not found (apt-get install chromium, or set THREADLINE_CHROMIUM): browser tests skipped")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	harness.InstallNodeModules(t, dir)
	files, err := filepath.Glob(filepath.Join("tests", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tests/*.test.mjs in %s (%v)", dir, err)
	}
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { runBrowser(t, b, dir, node, browser, files) })
	}
}

// runBrowser seeds a fresh database (users of each role, an API key),
// starts a server on it and runs the suites against it.
func runBrowser(t *testing.T, b harness.Backend, dir, node, browser string, files []string) {
	db := b.NewDatabaseURL(t)
	user := func(email, name, role string) {
		harness.CLIWithStdin(t, db, password+"\n", "user", "create", "--email", email, "--name", name, "--role", role, "--password-stdin")
	}
	user("olivia.owner@example.com", "Olivia Owner", "owner")
	user("sam.support@example.com", "Sam Support", "support")
	user("vera.viewer@example.com", "Vera Viewer", "viewer")
	key := harness.NewAPIKey(t, db, "", "all")
	srv := harness.Start(t, db)

	artifacts := filepath.Join(dir, "artifacts", b.Name)
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec", "--test-concurrency=1"}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"TL_URL="+srv.URL,
		"TL_API_KEY="+key,
		"TL_PASSWORD="+password,
		"TL_OWNER=olivia.owner@example.com",
		"TL_SUPPORT=sam.support@example.com",
		"TL_VIEWER=vera.viewer@example.com",
		"TL_CHROMIUM="+browser,
		"TL_ARTIFACTS="+artifacts,
		"TL_BACKEND="+b.Name,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("browser suites (%s):\n%s", b.Name, out)
	if err != nil {
		t.Fatalf("browser suites failed: %v\nserver log:\n%s", err, srv.Logs())
	}
	if bad := serverErrorRe.FindAllString(srv.Logs(), -1); len(bad) > 0 {
		t.Errorf("the server answered 5xx:\n%s", bad)
	}
	for _, shot := range []string{"queue.png", "thread.png", "queue-phone.png", "thread-phone.png"} {
		if fi, err := os.Stat(filepath.Join(artifacts, shot)); err != nil || fi.Size() == 0 {
			t.Errorf("screenshot %s missing: %v", shot, err)
		}
	}
}
