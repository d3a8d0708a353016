package app

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
)

// TestSecretKeyFile: the default key file is created once, owner-only, and
// processes starting together read the same key.
func TestSecretKeyFile(t *testing.T) {
	dir := t.TempDir()
	db := config.Database{Backend: "sqlite", Path: filepath.Join(dir, "threadline.db")}
	var wg sync.WaitGroup
	boxes := make([]*auth.SecretBox, 8)
	for i := range boxes {
		wg.Go(func() {
			b, err := secretBox(config.Config{}, db)
			if err != nil {
				t.Error(err)
			}
			boxes[i] = b
		})
	}
	wg.Wait()
	sealed := boxes[0].Seal("x")
	for i, b := range boxes {
		if v, err := b.Open(sealed); err != nil || v != "x" {
			t.Fatalf("box %d has another key", i)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	// A given key wins; a given file must exist.
	k := auth.EncodeSecretKey(auth.NewSecretKey())
	b, err := secretBox(config.Config{SecretKey: k}, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(sealed); err == nil {
		t.Fatal("--secret-key did not win over the file")
	}
	if _, err := secretBox(config.Config{SecretKeyFile: filepath.Join(dir, "missing.key")}, db); err == nil {
		t.Fatal("a missing --secret-key-file was created")
	}
	if _, err := secretBox(config.Config{SecretKey: "short"}, db); err == nil {
		t.Fatal("a short key was accepted")
	}
}
