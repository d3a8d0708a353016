package harness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// nodeTimeout bounds npm ci.
const nodeTimeout = 5 * time.Minute

// sdkPackage is the npm package the SDK tests use.
const sdkPackage = "@team-plain/typescript-sdk"

// SDKDir is the node project of the SDK tests (test/sdk).
func SDKDir() string { return filepath.Join(repoRoot(), "test", "sdk") }

// InstallSDK makes sure test/sdk/node_modules holds the pinned SDK (running
// "npm ci" once per test process, under a lock shared by concurrent test
// processes) and returns the SDK package's directory. Without npm it skips
// the test, or fails it under THREADLINE_TEST_STRICT.
func InstallSDK(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		if Strict() {
			t.Fatal("npm not found (THREADLINE_TEST_STRICT is set)")
		}
		t.Skip("npm not found: tests through the official SDK skipped")
	}
	dir := SDKDir()
	InstallNodeModules(t, dir)
	return filepath.Join(dir, "node_modules", filepath.FromSlash(sdkPackage))
}

// install is one node project's "npm ci", run once per test process.
type install struct {
	once sync.Once
	err  error
}

var (
	installsMu sync.Mutex
	installs   = map[string]*install{}
)

// InstallNodeModules runs "npm ci" in dir, once per test process, when a
// direct dependency of package-lock.json is missing from node_modules or
// differs from it. A lock file keeps concurrent test processes from
// installing at the same time.
func InstallNodeModules(t testing.TB, dir string) {
	t.Helper()
	installsMu.Lock()
	in := installs[dir]
	if in == nil {
		in = &install{}
		installs[dir] = in
	}
	installsMu.Unlock()
	in.once.Do(func() {
		if installed(dir) {
			return
		}
		unlock, err := lock(dir)
		if err != nil {
			in.err = err
			return
		}
		defer unlock()
		if installed(dir) { // another process installed meanwhile
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			in.err = fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
		}
	})
	if in.err != nil {
		t.Fatal(in.err)
	}
}

// installed reports whether node_modules holds every direct dependency at
// the version package-lock.json pins.
func installed(dir string) bool {
	var lockFile struct {
		Packages map[string]struct {
			Version      string            `json:"version"`
			Dependencies map[string]string `json:"dependencies"`
		} `json:"packages"`
	}
	if readJSON(filepath.Join(dir, "package-lock.json"), &lockFile) != nil {
		return false
	}
	deps := lockFile.Packages[""].Dependencies
	if len(deps) == 0 {
		return false
	}
	for name := range deps {
		var pkg struct {
			Version string `json:"version"`
		}
		key := "node_modules/" + name
		if readJSON(filepath.Join(dir, key, "package.json"), &pkg) != nil {
			return false
		}
		if want := lockFile.Packages[key].Version; want == "" || pkg.Version != want {
			return false
		}
	}
	return true
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// lock takes an exclusive lock file in the temporary directory, named after
// dir, and returns its release. A lock older than nodeTimeout is stale.
func lock(dir string) (unlock func(), err error) {
	sum := sha256.Sum256([]byte(dir))
	path := filepath.Join(os.TempDir(), "threadline-sdk-npm-"+hex.EncodeToString(sum[:8])+".lock")
	deadline := time.Now().Add(nodeTimeout + time.Minute)
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > nodeTimeout {
			os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("timed out waiting for %s", path)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
