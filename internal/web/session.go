package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
)

// cookieName is the session cookie. It holds the session's token; the
// database holds only the token's hash.
const cookieName = "threadline_session"

// request is one signed-in request: the principal acts in ctx.
type request struct {
	w   http.ResponseWriter
	r   *http.Request
	ctx context.Context
	p   *auth.Principal
	ses service.Session
}

// view returns a page's view with the signed-in user's parts filled in.
func (q *request) view(title string, data any) *view {
	me := q.ses.User
	return &view{Title: title, Me: &me, Can: canOf(q.p), Data: data}
}

type handlerFunc func(q *request) error

// signedIn runs fn for a signed-in user; other requests are sent to the
// sign-in page (pages) or refused with 401 (everything else).
func (h *Handler) signedIn(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var tok string
		if c, err := r.Cookie(cookieName); err == nil {
			tok = c.Value
		}
		p, ses, err := h.svc.AuthenticateSession(r.Context(), tok)
		if errors.Is(err, service.ErrUnauthenticated) {
			h.unauthenticated(w, r, tok != "")
			return
		}
		if err != nil {
			h.log.ErrorContext(r.Context(), "authenticating a session", "err", err)
			h.refuse(w, r, http.StatusInternalServerError, "Something went wrong. Try again in a moment.")
			return
		}
		q := &request{w: w, r: r, ctx: auth.WithPrincipal(r.Context(), p), p: p, ses: ses}
		if err := fn(q); err != nil {
			h.fail(q, err)
		}
	}
}

// unauthenticated answers a request without a valid session.
func (h *Handler) unauthenticated(w http.ResponseWriter, r *http.Request, hadCookie bool) {
	if hadCookie {
		h.clearCookie(w, r)
	}
	next := r.URL.RequestURI()
	if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" && r.Header.Get("Accept") != "text/event-stream" {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Redirect", "/login")
	}
	http.Error(w, "Sign in first.", http.StatusUnauthorized)
}

// fail answers a request whose use case failed: refusals and bad input
// with what the service said, anything else as an internal error (logged,
// never shown).
func (h *Handler) fail(q *request, err error) {
	status, msg := describe(err)
	if status == http.StatusInternalServerError {
		h.log.ErrorContext(q.r.Context(), "web request failed", "path", q.r.URL.Path, "err", err)
	}
	v := q.view(http.StatusText(status), nil)
	v.Error = msg
	if q.r.Header.Get("HX-Request") != "" && q.r.Method != http.MethodGet {
		http.Error(q.w, msg, status)
		return
	}
	h.render(q.w, q.r, status, "error", v)
}

// describe turns a use case's error into an HTTP status and a message fit
// to show.
func describe(err error) (int, string) {
	if errors.Is(err, errNotFound) || errors.Is(err, core.ErrNotFound) {
		return http.StatusNotFound, "This does not exist, or not in your workspace."
	}
	if errors.Is(err, service.ErrUnauthenticated) {
		return http.StatusUnauthorized, "Sign in first."
	}
	e, ok := core.AsError(err)
	if !ok {
		return http.StatusInternalServerError, "Something went wrong. Try again in a moment."
	}
	switch {
	case e.Kind == core.KindForbidden:
		return http.StatusForbidden, "Your role does not allow this. " + e.Message
	case e.Code == core.CodeNotFound:
		return http.StatusNotFound, e.Message
	case e.Kind == core.KindValidation:
		return http.StatusUnprocessableEntity, validationMessage(e)
	}
	return http.StatusInternalServerError, "Something went wrong. Try again in a moment."
}

// validationMessage words a validation error for a person: its field
// messages, which say what is wrong and with what.
func validationMessage(e *core.Error) string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = fieldName(f.Field) + ": " + f.Message
	}
	return strings.Join(parts, " ")
}

// fieldName is an input field's name as the forms show it.
func fieldName(f string) string {
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		f = f[i+1:]
	}
	switch f {
	case "text", "textContent":
		return "Message"
	case "title":
		return "Title"
	case "fullName":
		return "Name"
	}
	if f == "" {
		return "Input"
	}
	return strings.ToUpper(f[:1]) + f[1:]
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, tok string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok, Path: "/", Expires: expires, HttpOnly: true,
		Secure: h.opts.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.opts.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// loginData is the sign-in page's.
type loginData struct {
	Email, Next string
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "login", &view{Title: "Sign in", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// safeNext keeps a post-sign-in destination only when it is a path of this
// site (no open redirect).
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || strings.ContainsAny(s, "\r\n") {
		return "/"
	}
	return s
}

// login signs a user in: rate limited per client address and per email,
// then the service checks the password.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	data := loginData{Email: email, Next: safeNext(r.PostFormValue("next"))}
	fail := func(status int, msg string) {
		h.render(w, r, status, "login", &view{Title: "Sign in", Error: msg, Data: data})
	}
	if wait, limited := h.loginLimited(r, email); limited {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		fail(http.StatusTooManyRequests, fmt.Sprintf("Too many sign-in attempts. Try again in %d seconds.", int(math.Ceil(wait.Seconds()))))
		return
	}
	in, err := h.svc.SignIn(r.Context(), email, pw)
	if errors.Is(err, service.ErrBadCredentials) {
		fail(http.StatusUnauthorized, "Wrong email or password.")
		return
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "signing in", "err", err)
		fail(http.StatusInternalServerError, "Something went wrong. Try again in a moment.")
		return
	}
	h.setCookie(w, r, in.Token, in.Session.ExpiresAt.Std())
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// loginLimited asks the login limit about the client's address and the
// email; a failing limiter lets the attempt through (and logs).
func (h *Handler) loginLimited(r *http.Request, email string) (time.Duration, bool) {
	if h.opts.LoginLimit == nil {
		return 0, false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	norm, _ := core.NormalizeEmail(email)
	for _, key := range []string{"login-ip:" + host, "login-email:" + norm} {
		ok, wait, err := h.opts.LoginLimit(r.Context(), key)
		if err != nil {
			h.log.WarnContext(r.Context(), "login limiter failed; attempt let through", "err", err)
			continue
		}
		if !ok {
			return wait, true
		}
	}
	return 0, false
}

func (h *Handler) logout(q *request) error {
	if err := h.svc.SignOut(q.ctx, q.ses.Session.ID); err != nil {
		return err
	}
	h.clearCookie(q.w, q.r)
	http.Redirect(q.w, q.r, "/login", http.StatusSeeOther)
	return nil
}

func (h *Handler) account(q *request) error {
	h.render(q.w, q.r, http.StatusOK, "account", q.view("Your account", nil))
	return nil
}

// changePassword changes the user's password: every session of theirs
// ends, and this browser gets a new one.
func (h *Handler) changePassword(q *request) error {
	in, err := h.svc.ChangeMyPassword(q.ctx, q.r.PostFormValue("current"), q.r.PostFormValue("new"))
	if err != nil {
		status, msg := describe(err)
		if status == http.StatusInternalServerError {
			return err
		}
		v := q.view("Your account", nil)
		v.Error = msg
		h.render(q.w, q.r, status, "account", v)
		return nil
	}
	h.setCookie(q.w, q.r, in.Token, in.Session.ExpiresAt.Std())
	v := q.view("Your account", nil)
	v.Notice = "Password changed. You were signed out everywhere else."
	h.render(q.w, q.r, http.StatusOK, "account", v)
	return nil
}
