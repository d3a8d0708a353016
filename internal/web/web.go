// Package web is Threadline's agent web app: server-rendered HTML
// (html/template) made live with htmx (vendored, embedded with the
// templates and one CSS file) and server-sent events. It is served by the
// same binary, on the same port, as the API.
//
// A signed-in user acts as their UserActor with the permissions of their
// role, through the same service use cases and permission checks as an API
// key: the web layer decides nothing about access itself, it only hides
// controls the caller could not use.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options tune the web app; the zero value works.
type Options struct {
	// LoginLimit, when set, is asked before each sign-in attempt, once
	// with a key naming the client's address and once with a key naming
	// the email tried; it says whether the attempt may go on and, if not,
	// when to try again.
	LoginLimit func(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests (HTTPS requests always get it): set it when the public URL
	// is https and TLS ends at a proxy.
	SecureCookies bool
	// AttachmentDownloadPath is the API's download endpoint, which
	// attachment links of the timeline lead to with a signed token.
	AttachmentDownloadPath string
	// Context bounds the live updates' subscription (the server's
	// lifetime); nil means until Close.
	Context context.Context
}

// Handler serves the web app. Close it when the server stops.
type Handler struct {
	svc   *service.Service
	log   *slog.Logger
	opts  Options
	pages map[string]*template.Template
	mux   *http.ServeMux
	live  *hub
	csrf  *http.CrossOriginProtection
}

// pageNames are the templates that are whole pages (each with the layout).
var pageNames = []string{"login", "queue", "thread", "customer", "search", "settings_users", "settings_keys",
	"settings_labels", "settings_fields", "settings_webhooks", "settings_webhook", "settings_email", "account", "error"}

// New returns the web app over svc.
func New(svc *service.Service, log *slog.Logger, opts Options) (*Handler, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: svc, log: log, opts: opts, pages: map[string]*template.Template{}, mux: http.NewServeMux(),
		csrf: http.NewCrossOriginProtection()}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html",
			"templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		h.pages[name] = t
	}
	h.live = newHub(opts.Context, svc, log)
	h.routes()
	return h, nil
}

// Close stops the live updates.
func (h *Handler) Close() { h.live.close() }

// ServeHTTP answers with the app's security headers, refuses cross-origin
// state-changing requests (Go's CrossOriginProtection: Sec-Fetch-Site, then
// Origin against Host), and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	if err := h.csrf.Check(r); err != nil {
		h.refuse(w, r, http.StatusForbidden, "Cross-origin requests are refused: reload the page and try again.")
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) routes() {
	static, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(static)
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(files)))
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.HandleFunc("POST /logout", h.signedIn(h.logout))
	h.mux.HandleFunc("GET /{$}", h.signedIn(h.queue))
	h.mux.HandleFunc("GET /events", h.signedIn(h.events))
	h.mux.HandleFunc("GET /search", h.signedIn(h.search))
	h.mux.HandleFunc("GET /customers/{id}", h.signedIn(h.customer))
	h.mux.HandleFunc("GET /files/{id}", h.signedIn(h.file))
	h.threadRoutes()
	h.settingsRoutes()
	h.mux.HandleFunc("GET /account", h.signedIn(h.account))
	h.mux.HandleFunc("POST /account/password", h.signedIn(h.changePassword))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.refuse(w, r, http.StatusNotFound, "There is nothing here.")
	})
}

// cacheForever serves static files, whose names change with their
// content (htmx's carries its version; the app's are small and revalidated).
func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "htmx-") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a request the app will not serve with a small page (or,
// for htmx and SSE requests, the status alone with a short text).
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if r.Header.Get("HX-Request") != "" || r.Header.Get("Accept") == "text/event-stream" {
		http.Error(w, msg, status)
		return
	}
	h.render(w, r, status, "error", &view{Title: http.StatusText(status), Error: msg})
}

// errNotFound is a page's subject that does not exist (or is another
// workspace's).
var errNotFound = errors.New("not found")
