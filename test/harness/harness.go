// Package harness starts real Threadline server processes for end-to-end
// tests: it builds the binary once per test process, gives each server a
// fresh database (SQLite file, or a fresh PostgreSQL schema), and runs the
// CLI against the same database.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver for schema set-up
)

// SecretKey is the key sealing secrets at rest that every server and CLI
// run of the tests is given (as replicas of one database must share one),
// so that no key file is written beside the tests.
var SecretKey = "dGhyZWFkbGluZS10ZXN0LXNlY3JldC1rZXktMzItYnk="

// PostgresEnv names the variable holding the PostgreSQL URL tests may use.
const PostgresEnv = "THREADLINE_TEST_POSTGRES_URL"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// repoRoot returns the module root (two levels above this file).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Binary builds cmd/threadline once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "threadline-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "threadline")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/threadline")
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Strict reports whether THREADLINE_TEST_STRICT is set (as in CI): tests
// that would skip for a missing tool (PostgreSQL, Node) fail instead.
func Strict() bool { return os.Getenv("THREADLINE_TEST_STRICT") != "" }

// Backend is one database a test can run against.
type Backend struct {
	Name string
	// NewDatabaseURL returns the URL of a fresh, empty database, dropped
	// when the test ends.
	NewDatabaseURL func(t testing.TB) string
}

// Backends returns SQLite, plus PostgreSQL when THREADLINE_TEST_POSTGRES_URL
// is set (the test logs that PostgreSQL is skipped otherwise).
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", NewDatabaseURL: func(t testing.TB) string {
		return "sqlite://" + filepath.Join(t.TempDir(), "threadline.db")
	}}}
	if os.Getenv(PostgresEnv) == "" {
		if Strict() {
			t.Fatalf("PostgreSQL backend required (THREADLINE_TEST_STRICT is set) but %s is not set", PostgresEnv)
		}
		t.Logf("PostgreSQL backend skipped: %s is not set", PostgresEnv)
		return bs
	}
	return append(bs, Backend{Name: "postgres", NewDatabaseURL: FreshPostgresURL})
}

// FreshPostgresURL creates a new schema in the database of
// THREADLINE_TEST_POSTGRES_URL and returns a URL whose connections use it;
// the schema is dropped when the test ends. It skips the test when the
// variable is not set.
func FreshPostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" && Strict() {
		t.Fatalf("PostgreSQL required (THREADLINE_TEST_STRICT is set) but %s is not set", PostgresEnv)
	}
	if base == "" {
		t.Skipf("PostgreSQL tests skipped: %s is not set", PostgresEnv)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "tl_test_" + hex.EncodeToString(b)
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Server is a running threadline serve process.
type Server struct {
	URL         string // http://127.0.0.1:PORT
	DatabaseURL string
	cmd         *exec.Cmd
	logs        *syncBuffer
	done        chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listenRe = regexp.MustCompile(`msg=listening addr=(\S+)`)

// Start runs "threadline serve" on a free loopback port against dbURL, waits
// until /healthz answers, and stops the server when the test ends. Extra
// environment entries ("K=V") are added to the process's environment.
func Start(t testing.TB, dbURL string, env ...string) *Server {
	t.Helper()
	cmd := exec.Command(Binary(t), "serve", "--addr", "127.0.0.1:0", "--database", dbURL, "--log-level", "info")
	cmd.Env = append(append(os.Environ(), "THREADLINE_SECRET_KEY="+SecretKey), env...)
	logs := &syncBuffer{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{DatabaseURL: dbURL, cmd: cmd, logs: logs, done: make(chan struct{})}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			if m := listenRe.FindStringSubmatch(line); m != nil && !sent {
				addrc <- m[1]
				sent = true
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.Stop(t) })
	select {
	case addr := <-addrc:
		s.URL = "http://" + addr
	case <-s.done:
		t.Fatalf("server exited before listening:\n%s", logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start listening:\n%s", logs.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var smtpListenRe = regexp.MustCompile(`msg="smtp listening" addr=(\S+)`)

// SMTPAddr returns the address the server receives mail on (it logs it
// before it serves HTTP); the test fails when it does not receive mail.
func (s *Server) SMTPAddr(t testing.TB) string {
	t.Helper()
	m := smtpListenRe.FindStringSubmatch(s.Logs())
	if m == nil {
		t.Fatalf("the server does not receive mail (no %q in its logs):\n%s", smtpListenRe, s.Logs())
	}
	return m[1]
}

// PID is the server process's id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// GraphQLURL is the server's API endpoint.
func (s *Server) GraphQLURL() string { return s.URL + "/graphql/v1" }

// Logs returns what the server has logged so far.
func (s *Server) Logs() string { return s.logs.String() }

// Stop sends SIGTERM and waits for a graceful exit.
func (s *Server) Stop(t testing.TB) {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("server did not stop on SIGTERM")
	}
}

// Kill stops the server with SIGKILL (a crash).
func (s *Server) Kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// CLI runs a threadline subcommand against dbURL and returns its stdout.
func CLI(t testing.TB, dbURL string, args ...string) string {
	t.Helper()
	return CLIWithStdin(t, dbURL, "", args...)
}

// CLIWithStdin is CLI with stdin (a password for --password-stdin).
func CLIWithStdin(t testing.TB, dbURL, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(t), args...)
	cmd.Env = append(os.Environ(), "THREADLINE_DATABASE_URL="+dbURL, "THREADLINE_SECRET_KEY="+SecretKey)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &stdout, &stderr, strings.NewReader(stdin)
	if err := cmd.Run(); err != nil {
		t.Fatalf("threadline %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// LastLine returns the last non-empty line of s.
func LastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// NewAPIKey creates a key with the given permissions ("all" or a list)
// through the CLI and returns the secret.
func NewAPIKey(t testing.TB, dbURL, workspace, permissions string) string {
	t.Helper()
	args := []string{"apikey", "create", "--name", "test key", "--permissions", permissions}
	if workspace != "" {
		args = append(args, "--workspace", workspace)
	}
	return LastLine(CLI(t, dbURL, args...))
}
