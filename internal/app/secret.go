package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
)

// secretBox returns the box sealing secrets at rest, with the key of
// --secret-key, else of --secret-key-file, else of secret.key in the data
// directory (the SQLite database's directory, or ./data), created with a
// new random key on first start. Several replicas of one PostgreSQL
// database, and the CLI run against it, must be given the same key.
func secretBox(cfg config.Config, db config.Database) (*auth.SecretBox, error) {
	if cfg.SecretKey != "" {
		key, err := auth.ParseSecretKey(cfg.SecretKey)
		if err != nil {
			return nil, fmt.Errorf("--secret-key: %w", err)
		}
		return auth.NewSecretBox(key)
	}
	path := cfg.SecretKeyFile
	if path == "" {
		dir := "data"
		if db.Backend == "sqlite" {
			dir = filepath.Dir(db.Path)
		}
		path = filepath.Join(dir, "secret.key")
	}
	key, err := readOrCreateKey(path, cfg.SecretKeyFile == "")
	if err != nil {
		return nil, err
	}
	return auth.NewSecretBox(key)
}

// readOrCreateKey reads the key file at path; a missing default file is
// created (only readable by its owner) with a new key. Two processes
// starting together agree on one key: the file is written aside, then
// linked into place, which fails if another process linked it first.
func readOrCreateKey(path string, create bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := writeNewKey(path); err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key, err := auth.ParseSecretKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return key, nil
}

func writeNewKey(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret.key.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(auth.EncodeSecretKey(auth.NewSecretKey()) + "\n")
	if err := errors.Join(werr, tmp.Chmod(0o600), tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
