package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SecretKeySize is the size of a secret key: AES-256.
const SecretKeySize = 32

// sealedPrefix marks a sealed value; its version names the scheme.
const sealedPrefix = "tlsec1:"

// SecretBox seals secrets that must be read back (webhook signing secrets,
// mail passwords) before they are stored, with AES-256-GCM under a key from
// the server's configuration: a copy of the database alone does not reveal
// them. (Secrets that need only be checked, such as API keys, are hashed.)
type SecretBox struct{ aead cipher.AEAD }

// NewSecretBox returns a box sealing with key, which must be SecretKeySize
// bytes.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("secret key: %d bytes, want %d", len(key), SecretKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

// NewSecretKey returns a random secret key.
func NewSecretKey() []byte {
	k := make([]byte, SecretKeySize)
	_, _ = rand.Read(k)
	return k
}

// EncodeSecretKey writes a key in standard base64, as ParseSecretKey reads it.
func EncodeSecretKey(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// ParseSecretKey reads a key written in standard or URL-safe base64.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == SecretKeySize {
			return k, nil
		}
	}
	return nil, fmt.Errorf("secret key must be %d bytes in base64", SecretKeySize)
}

// Seal returns plain sealed: the prefix, then the nonce and ciphertext in
// base64. Sealing the same value twice gives different results.
func (b *SecretBox) Seal(plain string) string {
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := b.aead.Seal(nonce, nonce, []byte(plain), nil)
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(out)
}

// ErrWrongSecretKey means a sealed value does not open with this key: it
// was sealed with another one, or changed.
var ErrWrongSecretKey = errors.New("a stored secret does not open with this secret key")

// Open returns the plain value of sealed. A value that is not sealed (one
// stored before secrets were sealed) is returned as it is.
func (b *SecretBox) Open(v string) (string, error) {
	if !IsSealed(v) {
		return v, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(v, sealedPrefix))
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrWrongSecretKey
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", ErrWrongSecretKey
	}
	return string(plain), nil
}

// IsSealed reports whether v is a sealed value.
func IsSealed(v string) bool { return strings.HasPrefix(v, sealedPrefix) }
