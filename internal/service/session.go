package service

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/user"
)

// ErrBadCredentials means a sign-in named no user with that email and
// password. It says no more (which of the two was wrong), on purpose.
var ErrBadCredentials = errors.New("wrong email or password")

// SignedIn is a session opened by SignIn or ChangeMyPassword: the user,
// their session, and the token that proves it (for the browser's cookie;
// it is stored only as a hash).
type SignedIn struct {
	User    user.User
	Session auth.Session
	Token   string
}

// SignIn checks an email and password and opens a session of the user
// they name. Several workspaces may have a user of that email: the oldest
// whose password matches is signed in. Deleted users and users without a
// password cannot sign in. Any failure is ErrBadCredentials, after as much
// work as a wrong password, so that the answer does not tell which emails
// exist.
func (s *Service) SignIn(ctx context.Context, email, password string) (SignedIn, error) {
	norm, ok := core.NormalizeEmail(email)
	if !ok || utf8.RuneCountInString(password) > auth.MaxPasswordLength {
		auth.BurnPasswordCheck("")
		return SignedIn{}, ErrBadCredentials
	}
	var creds []user.Credential
	if err := s.store.View(ctx, func(tx store.Tx) (err error) { creds, err = tx.Credentials(ctx, norm); return err }); err != nil {
		return SignedIn{}, err
	}
	checked := false
	for _, c := range creds {
		if c.PasswordHash == "" || c.User.DeletedAt != nil {
			continue
		}
		checked = true
		if auth.VerifyPassword(c.PasswordHash, password) {
			return s.openSession(ctx, c.User)
		}
	}
	if !checked {
		auth.BurnPasswordCheck(password)
	}
	return SignedIn{}, ErrBadCredentials
}

// openSession opens a new session of u.
func (s *Service) openSession(ctx context.Context, u user.User) (SignedIn, error) {
	now := s.clock.Now()
	ses, tok := auth.NewSession(u.WorkspaceID, u.ID, now)
	err := s.store.Update(ctx, func(tx store.Tx) error { return tx.CreateSession(ctx, ses) })
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{User: u, Session: ses, Token: tok}, nil
}

// Session is a signed-in request's session and user.
type Session struct {
	Session auth.Session
	User    user.User
}

// Authenticate a session token: the principal the request acts as (the
// user, with their role's permissions, in their workspace) and the
// session. An unknown or expired token, or one of a deleted user, is
// ErrUnauthenticated. A session's use is recorded at most every
// auth.SessionTouch, so that most requests write nothing.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*auth.Principal, Session, error) {
	if token == "" {
		return nil, Session{}, ErrUnauthenticated
	}
	now := s.clock.Now()
	var out Session
	err := s.store.View(ctx, func(tx store.Tx) (err error) {
		if out.Session, err = tx.SessionByTokenHash(ctx, auth.HashKey(token)); err != nil {
			return err
		}
		out.User, err = tx.GetUser(ctx, out.Session.WorkspaceID, out.Session.UserID)
		return err
	})
	switch {
	case errors.Is(err, core.ErrNotFound):
		return nil, Session{}, ErrUnauthenticated
	case err != nil:
		return nil, Session{}, err
	case !out.Session.Live(now) || out.User.DeletedAt != nil:
		return nil, Session{}, ErrUnauthenticated
	}
	if touched, stale := out.Session.Touched(now); stale {
		// Best effort: a failed write shortens the session, nothing more.
		if err := s.store.Update(ctx, func(tx store.Tx) error { return tx.TouchSession(ctx, touched) }); err == nil {
			out.Session = touched
		}
	}
	if _, ok := auth.ParseRole(string(out.User.Role)); !ok {
		return nil, Session{}, ErrUnauthenticated
	}
	return auth.UserPrincipal(out.User.WorkspaceID, out.User.ID, out.User.Role), out, nil
}

// SignOut closes a session of the caller.
func (s *Service) SignOut(ctx context.Context, sessionID string) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error { return tx.DeleteSession(ctx, p.WorkspaceID, sessionID) })
}

// ChangeMyPassword changes the signed-in caller's password, which they
// must confirm with their current one: every session of theirs is closed,
// and the new session returned replaces the caller's.
func (s *Service) ChangeMyPassword(ctx context.Context, current, next string) (SignedIn, error) {
	p, err := principal(ctx)
	if err != nil {
		return SignedIn{}, err
	}
	if p.Actor.Type != core.ActorUser {
		return SignedIn{}, core.Forbidden("a signed-in user")
	}
	if err := auth.CheckPassword("newPassword", next); err != nil {
		return SignedIn{}, err
	}
	var u user.User
	var hash string
	err = s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if u, err = tx.GetUser(ctx, p.WorkspaceID, p.Actor.ID); err != nil {
			return err
		}
		creds, err := tx.Credentials(ctx, u.Email)
		for _, c := range creds {
			if c.User.ID == u.ID {
				hash = c.PasswordHash
			}
		}
		return err
	})
	if err != nil {
		return SignedIn{}, err
	}
	if !auth.VerifyPassword(hash, current) {
		return SignedIn{}, core.InvalidField("currentPassword", "The current password is not right.")
	}
	if err := s.setPassword(ctx, u, next); err != nil {
		return SignedIn{}, err
	}
	return s.openSession(ctx, u)
}

// setPassword stores pw as u's password and closes every session of u.
func (s *Service) setPassword(ctx context.Context, u user.User, pw string) error {
	hash := auth.HashPassword(pw) // outside the transaction: it takes a while
	now := s.clock.Now()
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetPassword(ctx, u.WorkspaceID, u.ID, hash, now); err != nil {
			return notFoundAs(err, "userId", "User")
		}
		_, err := tx.DeleteUserSessions(ctx, u.WorkspaceID, u.ID, "")
		return err
	})
}

// SetUserPassword sets a user's password and closes their sessions. An
// operator (the CLI) may set anyone's; a caller with user:edit the
// password of a user of their workspace whose role they could give
// (only owners set owners' passwords).
func (s *Service) SetUserPassword(ctx context.Context, userID, pw string) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword("password", pw); err != nil {
		return err
	}
	var u user.User
	err = s.store.View(ctx, func(tx store.Tx) (err error) { u, err = tx.GetUser(ctx, p.WorkspaceID, userID); return err })
	if err != nil {
		return notFoundAs(err, "userId", "User")
	}
	if p.Actor.Type != core.ActorSystem {
		if err := mayManage(p, u.Role); err != nil {
			return err
		}
	}
	return s.setPassword(ctx, u, pw)
}

// mayManage checks that p may change a user of role r: it needs user:edit,
// and only owners manage owners.
func mayManage(p *auth.Principal, r auth.Role) error {
	if err := p.Require(auth.UserEdit); err != nil {
		return err
	}
	if r == auth.RoleOwner && p.Actor.Type != core.ActorSystem && p.Role != auth.RoleOwner {
		return &core.Error{Kind: core.KindForbidden, Code: core.CodeForbidden, Message: "Only an owner may change an owner."}
	}
	return nil
}

// sessionSweepLimit bounds the expired sessions one sweep removes.
const sessionSweepLimit = 1000

// SweepSessions removes sessions that expired; it returns how many.
func (s *Service) SweepSessions(ctx context.Context) (int, error) {
	var n int
	err := s.store.Update(ctx, func(tx store.Tx) (err error) {
		n, err = tx.DeleteExpiredSessions(ctx, s.clock.Now(), sessionSweepLimit)
		return err
	})
	return n, err
}
