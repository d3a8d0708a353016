package auth

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/threadline/threadline/internal/core"
)

// Session lifetimes: a session ends SessionIdle after it was last used,
// and SessionMax after sign-in whatever its use.
const (
	SessionIdle = 7 * 24 * time.Hour
	SessionMax  = 30 * 24 * time.Hour
	// SessionTouch is how stale a session's last use may be before a
	// request records it again (so that not every request writes).
	SessionTouch = 10 * time.Minute
)

// Session is a signed-in user's session. The token the browser holds is
// never stored: only its hash (HashKey), as for API keys.
type Session struct {
	ID          string
	WorkspaceID string
	UserID      string
	TokenHash   string
	CreatedAt   core.Time
	LastSeenAt  core.Time
	ExpiresAt   core.Time
}

// NewSessionToken mints a session token: 256 random bits.
func NewSessionToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewSession returns a session of a user signed in at now, and the token
// that proves it.
func NewSession(workspaceID, userID string, now core.Time) (Session, string) {
	tok := NewSessionToken()
	return Session{ID: core.NewID(core.PrefixSession), WorkspaceID: workspaceID, UserID: userID, TokenHash: HashKey(tok),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: expiry(now, now)}, tok
}

// expiry is when a session created at created and last used at seen ends.
func expiry(created, seen core.Time) core.Time {
	end := seen.Add(SessionIdle)
	if limit := created.Add(SessionMax); end.Millis() > limit.Millis() {
		end = limit
	}
	return end
}

// Live reports whether s is still valid at now.
func (s Session) Live(now core.Time) bool { return now.Millis() < s.ExpiresAt.Millis() }

// Touched returns s used at now, and whether its last use is stale enough
// to be recorded.
func (s Session) Touched(now core.Time) (Session, bool) {
	if now.Millis()-s.LastSeenAt.Millis() < SessionTouch.Milliseconds() {
		return s, false
	}
	s.LastSeenAt, s.ExpiresAt = now, expiry(s.CreatedAt, now)
	return s, true
}
