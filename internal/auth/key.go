package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// KeyPrefix starts every API key, as Plain's keys do.
const KeyPrefix = "plainApiKey_"

// NewKey mints a new secret API key: KeyPrefix + 256 random bits.
func NewKey() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashKey returns the hex SHA-256 of a key: what is stored and looked up.
// Keys carry 256 random bits, so a fast hash is safe (no dictionary to try).
func HashKey(key string) string {
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:])
}

// Hint returns the part of a key safe to show in listings: its prefix and
// first four random characters.
func Hint(key string) string {
	if !strings.HasPrefix(key, KeyPrefix) || len(key) < len(KeyPrefix)+4 {
		return ""
	}
	return key[:len(KeyPrefix)+4] + "…"
}

// NewSecret returns a random 256-bit hex secret (webhook HMAC secrets).
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}
