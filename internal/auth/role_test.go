package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
)

func TestRolePermissions(t *testing.T) {
	for _, tc := range []struct {
		role      Role
		may, nots []Permission
	}{
		{RoleOwner, []Permission{ThreadReply, WebhookTargetCreate, UserEdit}, nil},
		{RoleAdmin, []Permission{APIKeyCreate, LabelTypeCreate}, nil},
		{RoleSupport, []Permission{ThreadRead, ThreadReply, ThreadEdit, ThreadAssign, LabelCreate, NoteCreate, ThreadFieldUpdate},
			[]Permission{LabelTypeCreate, WebhookTargetRead, APIKeyCreate, UserEdit, ThreadFieldSchemaCreate, CustomerDelete}},
		{RoleViewer, []Permission{ThreadRead, CustomerRead, TimelineRead, NoteRead, ThreadSearch},
			[]Permission{ThreadReply, ThreadEdit, ThreadAssign, LabelCreate, NoteCreate, ChatCreate, APIKeyRead, WebhookTargetRead}},
	} {
		p := UserPrincipal("w_1", "u_1", tc.role)
		if p.Actor.Type != core.ActorUser || p.Actor.ID != "u_1" || p.Role != tc.role {
			t.Errorf("%s: principal %+v", tc.role, p)
		}
		for _, perm := range tc.may {
			if !p.Has(perm) {
				t.Errorf("%s lacks %s", tc.role, perm)
			}
		}
		for _, perm := range tc.nots {
			if p.Has(perm) {
				t.Errorf("%s holds %s", tc.role, perm)
			}
		}
		for _, perm := range tc.role.Permissions() {
			if perm != All && !known[perm] {
				t.Errorf("%s: unknown permission %s", tc.role, perm)
			}
		}
	}
	if r, ok := ParseRole(" viewer "); !ok || r != RoleViewer {
		t.Fatalf("ParseRole = %q %v", r, ok)
	}
	if _, ok := ParseRole("NONE"); ok {
		t.Fatal("NONE parsed as a role")
	}
}

func TestPasswords(t *testing.T) {
	h := HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	if h == HashPassword("correct horse battery") {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !VerifyPassword(h, "correct horse battery") || VerifyPassword(h, "correct horse batterz") {
		t.Fatal("verify")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$x$y", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", h[:len(h)-3] + "!!!"} {
		if VerifyPassword(bad, "correct horse battery") {
			t.Errorf("%q verified", bad)
		}
	}
	if err := CheckPassword("password", "short"); err == nil || !strings.Contains(err.Error(), "at least 10") {
		t.Errorf("short: %v", err)
	}
	if err := CheckPassword("password", strings.Repeat("x", MaxPasswordLength+1)); err == nil || !strings.Contains(err.Error(), "at most 256") {
		t.Errorf("long: %v", err)
	}
	if err := CheckPassword("password", "long enough password"); err != nil {
		t.Error(err)
	}
}

func TestSessionExpiry(t *testing.T) {
	t0 := core.At(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, tok := NewSession("w_1", "u_1", t0)
	if s.TokenHash != HashKey(tok) || strings.Contains(s.TokenHash, tok) || !strings.HasPrefix(s.ID, "ses_") {
		t.Fatalf("session %+v", s)
	}
	if !s.Live(t0.Add(SessionIdle-time.Minute)) || s.Live(t0.Add(SessionIdle)) {
		t.Fatal("idle expiry")
	}
	if _, touched := s.Touched(t0.Add(time.Minute)); touched {
		t.Fatal("touched within SessionTouch")
	}
	// Used every few days, a session still ends SessionMax after sign-in.
	for at := t0; ; at = at.Add(6 * 24 * time.Hour) {
		next, _ := s.Touched(at)
		if !next.Live(at) {
			if at.Millis()-t0.Millis() < SessionMax.Milliseconds() {
				t.Fatalf("ended early at %v", at.ISO8601())
			}
			break
		}
		s = next
		if at.Millis()-t0.Millis() > 2*SessionMax.Milliseconds() {
			t.Fatal("never ends")
		}
	}
}
