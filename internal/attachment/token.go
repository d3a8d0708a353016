package attachment

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Purpose is what a token allows.
type Purpose string

// The token purposes: a token of one is never accepted for the other.
const (
	PurposeUpload   Purpose = "upload"
	PurposeDownload Purpose = "download"
)

// Claims are what a token says: which attachment of which workspace it
// allows what for, until when.
type Claims struct {
	Purpose      Purpose
	WorkspaceID  string
	AttachmentID string
	ExpiresAt    core.Time
}

// Token errors. Both mean the token must be refused.
var (
	// ErrTokenInvalid: malformed, signed with another key, or for another
	// purpose.
	ErrTokenInvalid = errors.New("attachment token invalid")
	// ErrTokenExpired: genuine, but past its expiry.
	ErrTokenExpired = errors.New("attachment token expired")
)

// Sign returns the token of c, signed with key (HMAC-SHA256). The token
// is URL-safe; its claims are readable, not secret.
func Sign(key []byte, c Claims) string {
	msg := strings.Join([]string{string(c.Purpose), c.WorkspaceID, c.AttachmentID, strconv.FormatInt(c.ExpiresAt.Millis(), 10)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(msg)) + "." + base64.RawURLEncoding.EncodeToString(mac(key, msg))
}

// Verify returns the claims of token when it was signed with key for
// purpose and has not expired at now.
func Verify(key []byte, purpose Purpose, token string, now core.Time) (Claims, error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 512 {
		return Claims{}, ErrTokenInvalid
	}
	msg, err1 := base64.RawURLEncoding.DecodeString(enc)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, mac(key, string(msg))) {
		return Claims{}, ErrTokenInvalid
	}
	parts := strings.Split(string(msg), "|")
	if len(parts) != 4 || Purpose(parts[0]) != purpose {
		return Claims{}, ErrTokenInvalid
	}
	ms, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return Claims{}, ErrTokenInvalid
	}
	c := Claims{Purpose: purpose, WorkspaceID: parts[1], AttachmentID: parts[2], ExpiresAt: core.FromMillis(ms)}
	if now.Millis() >= ms {
		return c, ErrTokenExpired
	}
	return c, nil
}

func mac(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
