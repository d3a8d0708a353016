package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/ratelimit"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
)

// newTestLimiter is a login limit of n attempts a minute, kept where the
// server would keep it (the database on PostgreSQL).
func newTestLimiter(e *env, n int) (*ratelimit.Limiter, error) {
	shared, _ := e.st.(store.WindowCounter)
	return ratelimit.New(n, time.Minute, shared, core.SystemClock{})
}

// The agent web app through the server's handler: sessions, cross-origin
// protection, roles, and what its pages show and refuse.

const webPassword = "correct horse battery"

// webClient is a browser of the web app: its session cookie.
type webClient struct {
	e      *env
	h      http.Handler
	cookie *http.Cookie
}

// webUser adds a user of role to e's workspace, signs them in and returns
// their browser.
func (e *env) webUser(t *testing.T, email string, role auth.Role) *webClient {
	t.Helper()
	pw := webPassword
	_, err := e.svc.CreateUserWith(service.System(context.Background(), e.ws),
		service.NewUserInput{Email: email, FullName: "Agent " + strings.Split(email, "@")[0], Role: role, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	c := &webClient{e: e, h: e.h}
	rec := c.do(t, "POST", "/login", url.Values{"email": {email}, "password": {pw}, "next": {"/"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "threadline_session" {
			c.cookie = ck
		}
	}
	if c.cookie == nil {
		t.Fatal("no session cookie")
	}
	return c
}

// do sends a request as the browser; form, when set, is the POST body;
// headers are name, value pairs.
func (c *webClient) do(t *testing.T, method, path string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return rec
}

func TestWebSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		anon := &webClient{e: e, h: e.h}
		if rec := anon.do(t, "GET", "/threads/x?y=1", nil); rec.Code != http.StatusSeeOther ||
			rec.Header().Get("Location") != "/login?next=%2Fthreads%2Fx%3Fy%3D1" {
			t.Fatalf("signed out page: %d %v", rec.Code, rec.Header())
		}
		if rec := anon.do(t, "GET", "/events", nil, "Accept", "text/event-stream"); rec.Code != http.StatusUnauthorized {
			t.Errorf("signed out events: %d", rec.Code)
		}
		if rec := anon.do(t, "POST", "/logout", url.Values{}); rec.Code != http.StatusUnauthorized {
			t.Errorf("signed out post: %d", rec.Code)
		}
		c := e.webUser(t, "ann@example.com", auth.RoleSupport)
		if !c.cookie.HttpOnly || c.cookie.SameSite != http.SameSiteLaxMode || c.cookie.Path != "/" || c.cookie.Secure {
			t.Errorf("cookie %+v", c.cookie)
		}
		if rec := c.do(t, "GET", "/", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Todo") {
			t.Fatalf("queue: %d", rec.Code)
		}
		bad := anon.do(t, "POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {"wrong password!"}})
		if bad.Code != http.StatusUnauthorized || !strings.Contains(bad.Body.String(), "Wrong email or password") {
			t.Errorf("wrong password: %d", bad.Code)
		}
		open := anon.do(t, "POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {webPassword}, "next": {"//evil.example/x"}})
		if open.Header().Get("Location") != "/" {
			t.Errorf("open redirect: %v", open.Header())
		}
		if rec := c.do(t, "POST", "/logout", url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("logout: %d", rec.Code)
		}
		if rec := c.do(t, "GET", "/", nil); rec.Code != http.StatusSeeOther {
			t.Errorf("after sign out: %d", rec.Code)
		}
	})
}

// TestWebPasswordChangeClosesSessions: changing a password ends every
// session of the user; the browser that changed it gets a new one.
func TestWebPasswordChangeClosesSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		a := e.webUser(t, "ann@example.com", auth.RoleSupport)
		b := &webClient{e: e, h: e.h}
		rec := b.do(t, "POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {webPassword}})
		b.cookie = rec.Result().Cookies()[0]
		short := a.do(t, "POST", "/account/password", url.Values{"current": {webPassword}, "new": {"short"}})
		if short.Code != http.StatusUnprocessableEntity || !strings.Contains(short.Body.String(), "at least 10 characters") {
			t.Errorf("short password: %d", short.Code)
		}
		rec = a.do(t, "POST", "/account/password", url.Values{"current": {webPassword}, "new": {"a brand new passphrase"}})
		if rec.Code != 200 {
			t.Fatalf("change: %d %s", rec.Code, rec.Body)
		}
		if r := b.do(t, "GET", "/", nil); r.Code != http.StatusSeeOther {
			t.Errorf("the other session still works: %d", r.Code)
		}
		if r := a.do(t, "GET", "/", nil); r.Code != http.StatusSeeOther {
			t.Errorf("the old cookie still works: %d", r.Code)
		}
		a.cookie = rec.Result().Cookies()[0]
		if r := a.do(t, "GET", "/", nil); r.Code != 200 {
			t.Errorf("the new session: %d", r.Code)
		}
	})
}

// TestWebCrossOrigin: state-changing requests from another origin are
// refused before anything runs; reads and same-origin posts are not.
func TestWebCrossOrigin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.webUser(t, "ann@example.com", auth.RoleAdmin)
		form := url.Values{"name": {"Bug"}}
		for _, hd := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"}, {"Origin", "http://evil.example"}} {
			if rec := c.do(t, "POST", "/settings/labels", form, hd...); rec.Code != http.StatusForbidden {
				t.Errorf("%v: %d", hd, rec.Code)
			}
		}
		anon := &webClient{e: e, h: e.h}
		if rec := anon.do(t, "POST", "/login", url.Values{"email": {"ann@example.com"}, "password": {webPassword}},
			"Sec-Fetch-Site", "cross-site"); rec.Code != http.StatusForbidden {
			t.Errorf("cross-site sign-in: %d", rec.Code)
		}
		if rec := c.do(t, "GET", "/settings/labels", nil, "Sec-Fetch-Site", "cross-site"); rec.Code != 200 {
			t.Errorf("cross-site read: %d", rec.Code)
		}
		if rec := c.do(t, "POST", "/settings/labels", form, "Sec-Fetch-Site", "same-origin"); rec.Code != http.StatusSeeOther {
			t.Errorf("same-origin post: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestWebRoles: a viewer reads threads but every change is refused (by
// the service, as for an API key without the permission) and nothing
// changes; support works threads but configures nothing.
func TestWebRoles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		th := e.newThread(t, key, f, `, channel: CHAT`)
		viewer := e.webUser(t, "vic@example.com", auth.RoleViewer)
		support := e.webUser(t, "sam@example.com", auth.RoleSupport)
		page := viewer.do(t, "GET", "/threads/"+th, nil)
		if page.Code != 200 || strings.Contains(page.Body.String(), `id="reply-form"`) || strings.Contains(page.Body.String(), `action="/threads/`+th+`/status"`) {
			t.Errorf("viewer's thread page: %d (controls shown?)", page.Code)
		}
		for path, form := range map[string]url.Values{
			"reply": {"text": {"hi"}}, "note": {"text": {"hi"}}, "status": {"to": {"done"}}, "assign": {"to": {"me"}},
			"snooze": {"seconds": {"3600"}}, "priority": {"priority": {"0"}}, "labels": {"label": {f.labelType.ID}},
		} {
			rec := viewer.do(t, "POST", "/threads/"+th+"/"+path, form)
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Insufficient permissions") {
				t.Errorf("viewer %s: %d", path, rec.Code)
			}
		}
		r := e.post(key, `{ thread(threadId: "`+th+`") { status priority assignedTo { __typename } labels { id } timelineEntries { edges { node { id } } } } }`, nil)
		if path(r.Body, "data", "thread", "status") != "TODO" || path(r.Body, "data", "thread", "assignedTo") != nil ||
			len(path(r.Body, "data", "thread", "timelineEntries", "edges").([]any)) != 1 {
			t.Errorf("the viewer changed something: %s", r.Raw)
		}
		if rec := viewer.do(t, "GET", "/settings/users", nil); rec.Code != 200 {
			t.Errorf("viewer reads users: %d", rec.Code)
		}
		for _, p := range []string{"/settings/api-keys", "/settings/webhooks"} {
			if rec := support.do(t, "GET", p, nil); rec.Code != http.StatusForbidden {
				t.Errorf("support %s: %d", p, rec.Code)
			}
		}
		if rec := support.do(t, "POST", "/settings/users", url.Values{"email": {"x@example.com"}, "name": {"X"}, "role": {"OWNER"}}); rec.Code != http.StatusForbidden {
			t.Errorf("support creates a user: %d", rec.Code)
		}
		for path, form := range map[string]url.Values{"reply": {"text": {"hello"}}, "assign": {"to": {"me"}}, "status": {"to": {"done"}}} {
			if rec := support.do(t, "POST", "/threads/"+th+"/"+path, form); rec.Code != http.StatusSeeOther {
				t.Errorf("support %s: %d %s", path, rec.Code, rec.Body)
			}
		}
		r = e.post(key, `{ thread(threadId: "`+th+`") { status assignedTo { ... on User { email } } } }`, nil)
		if path(r.Body, "data", "thread", "status") != "DONE" || path(r.Body, "data", "thread", "assignedTo", "email") != "sam@example.com" {
			t.Errorf("support's work: %s", r.Raw)
		}
	})
}

// TestWebOwnersAndAdmins: admins manage users but not owners, and a
// workspace keeps an owner.
func TestWebOwnersAndAdmins(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		owner := e.webUser(t, "olga@example.com", auth.RoleOwner)
		admin := e.webUser(t, "adam@example.com", auth.RoleAdmin)
		ids := regexp.MustCompile(`/settings/users/(u_[0-9A-Z]+)/role`).FindAllStringSubmatch(owner.do(t, "GET", "/settings/users", nil).Body.String(), -1)
		if len(ids) != 2 {
			t.Fatalf("users page lists %d users", len(ids))
		}
		olga := ids[0][1]
		if rec := admin.do(t, "POST", "/settings/users/"+olga+"/role", url.Values{"role": {"SUPPORT"}}); rec.Code != http.StatusForbidden {
			t.Errorf("admin demotes the owner: %d", rec.Code)
		}
		if rec := admin.do(t, "POST", "/settings/users", url.Values{"email": {"new@example.com"}, "name": {"New"}, "role": {"VIEWER"},
			"password": {webPassword}}); rec.Code != http.StatusSeeOther {
			t.Errorf("admin adds a viewer: %d %s", rec.Code, rec.Body)
		}
		if rec := owner.do(t, "POST", "/settings/users/"+olga+"/role", url.Values{"role": {"ADMIN"}}); rec.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(rec.Body.String(), "at least one owner") {
			t.Errorf("the last owner steps down: %d", rec.Code)
		}
	})
}

// TestWebLoginRateLimit: sign-in attempts are limited per address (and
// per email), with Retry-After.
func TestWebLoginRateLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		lim, err := newTestLimiter(e, 3)
		if err != nil {
			t.Fatal(err)
		}
		h := mustNewWith(t, e, Options{LoginLimit: lim})
		c := &webClient{e: e, h: h}
		var last *httptest.ResponseRecorder
		for range 4 {
			last = c.do(t, "POST", "/login", url.Values{"email": {"who@example.com"}, "password": {"not the password"}})
		}
		if last.Code != http.StatusTooManyRequests || last.Header().Get("Retry-After") == "" ||
			!strings.Contains(last.Body.String(), "Too many sign-in attempts") {
			t.Errorf("4th attempt: %d %v", last.Code, last.Header())
		}
	})
}

// TestWebBadInput: markup in what customers and API clients write renders
// as text; an over-long note gets a message saying so, and the draft stays.
func TestWebBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		th := e.newThread(t, key, f, `, channel: CHAT, title: "<script>alert('title')</script>"`)
		c := e.webUser(t, "ann@example.com", auth.RoleSupport)
		if rec := c.do(t, "POST", "/threads/"+th+"/note", url.Values{"text": {`<img src=x onerror="alert('note')">**b**`}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("note: %d", rec.Code)
		}
		body := c.do(t, "GET", "/threads/"+th, nil).Body.String()
		for _, bad := range []string{"<script>alert", "<img src=x", "onerror=\""} {
			if strings.Contains(body, bad) {
				t.Errorf("%q rendered as markup", bad)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "<strong>b</strong>") {
			t.Error("escaped text or markdown missing")
		}
		long := strings.Repeat("x", 10_001)
		rec := c.do(t, "POST", "/threads/"+th+"/note", url.Values{"text": {long}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "at most 10000") || !strings.Contains(rec.Body.String(), long) {
			t.Errorf("over-long note: %d", rec.Code)
		}
	})
}

// TestWebCollision: a reply written while someone else replied is held
// back, with what they wrote, until sent again.
func TestWebCollision(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		th := e.newThread(t, key, f, `, channel: CHAT`)
		a := e.webUser(t, "ann@example.com", auth.RoleSupport)
		b := e.webUser(t, "bob@example.com", auth.RoleSupport)
		seen := regexp.MustCompile(`name="seen" value="([^"]+)"`).FindStringSubmatch(a.do(t, "GET", "/threads/"+th, nil).Body.String())
		if seen == nil {
			t.Fatal("no seen cursor on the page")
		}
		if rec := b.do(t, "POST", "/threads/"+th+"/reply", url.Values{"text": {"Bob was first"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("bob: %d", rec.Code)
		}
		rec := a.do(t, "POST", "/threads/"+th+"/reply", url.Values{"text": {"Ann's answer"}, "seen": {seen[1]}})
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "while you were writing") ||
			!strings.Contains(rec.Body.String(), "Bob was first") || !strings.Contains(rec.Body.String(), `name="confirm" value="1"`) {
			t.Fatalf("collision: %d", rec.Code)
		}
		if rec := a.do(t, "POST", "/threads/"+th+"/reply", url.Values{"text": {"Ann's answer"}, "seen": {seen[1]}, "confirm": {"1"}}); rec.Code != http.StatusSeeOther {
			t.Errorf("send anyway: %d", rec.Code)
		}
	})
}

// TestWebQueue: pages of 25 in Plain's order, tabs counted, filters.
func TestWebQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		for range 27 {
			e.newThread(t, key, f, "")
		}
		labeled := e.newThread(t, key, f, `, labelTypeIds: ["`+f.labelType.ID+`"]`)
		c := e.webUser(t, "ann@example.com", auth.RoleSupport)
		rows := regexp.MustCompile(`<li class="row" data-thread="(th_[0-9A-Z]+)"`)
		first := c.do(t, "GET", "/", nil).Body.String()
		got := rows.FindAllStringSubmatch(first, -1)
		if len(got) != 25 || got[0][1] != labeled || !strings.Contains(first, `Todo <span class="count">28</span>`) ||
			!strings.Contains(first, `Unassigned <span class="count">28</span>`) || !strings.Contains(first, `Mine <span class="count">0</span>`) {
			t.Fatalf("first page: %d rows, first %v", len(got), got[0])
		}
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(first)
		if next == nil {
			t.Fatal("no next page link")
		}
		second := c.do(t, "GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil).Body.String()
		if n := len(rows.FindAllStringSubmatch(second, -1)); n != 3 || !strings.Contains(second, `rel="prev"`) {
			t.Errorf("second page: %d rows", n)
		}
		only := rows.FindAllStringSubmatch(c.do(t, "GET", "/?label="+f.labelType.ID, nil).Body.String(), -1)
		if len(only) != 1 || only[0][1] != labeled {
			t.Errorf("label filter: %v", only)
		}
		part := c.do(t, "GET", "/?view=unassigned", nil, "HX-Request", "true", "HX-Target", "queue")
		if b := part.Body.String(); !strings.HasPrefix(strings.TrimSpace(b), `<section id="queue"`) {
			t.Errorf("the live part is not the list alone: %.80s", b)
		}
		if rec := c.do(t, "GET", "/search?q=hi", nil); rec.Code != 200 || len(rows.FindAllStringSubmatch(rec.Body.String(), -1)) != 25 {
			t.Errorf("search: %d", rec.Code)
		}
	})
}

// TestWebEvents: an open page hears of a change of its workspace within a
// second, over server-sent events, and of no other workspace's.
func TestWebEvents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.webUser(t, "ann@example.com", auth.RoleViewer)
		srv := httptest.NewServer(e.h)
		defer srv.Close()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/events", nil)
		req.AddCookie(c.cookie)
		req.Header.Set("Accept", "text/event-stream")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("events: %d %v", res.StatusCode, res.Header)
		}
		lines := make(chan string, 100)
		go func() {
			buf := make([]byte, 4096)
			for {
				n, err := res.Body.Read(buf)
				for _, l := range strings.Split(string(buf[:n]), "\n") {
					lines <- l
				}
				if err != nil {
					close(lines)
					return
				}
			}
		}()
		other, _ := e.svc.CreateWorkspace(context.Background(), "Other")
		otherKey := e.key(other.ID, auth.All)
		r := e.post(otherKey, `mutation { upsertCustomer(input: {identifier: {emailAddress: "o@example.com"}, onCreate: {fullName: "O", email: {email: "o@example.com", isVerified: true}}, onUpdate: {}}) { customer { id } } }`, nil)
		otherCustomer, _ := path(r.Body, "data", "upsertCustomer", "customer", "id").(string)
		if otherCustomer == "" {
			t.Fatalf("upsertCustomer: %s", r.Raw)
		}
		key := e.key(e.ws, auth.All)
		f := e.fixture(t)
		start := time.Now()
		th := e.newThread(t, key, f, "")
		deadline := time.After(time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("the stream ended")
				}
				if strings.Contains(l, otherCustomer) {
					t.Fatalf("another workspace's change: %s", l)
				}
				if strings.HasPrefix(l, "data: ") && strings.Contains(l, th) && strings.Contains(l, "thread.thread_created") {
					t.Logf("heard of the new thread after %v", time.Since(start))
					return
				}
			case <-deadline:
				t.Fatal("no announcement of the new thread within a second")
			}
		}
	})
}

// TestWebReadsPerPage: a page costs the same few reads however many rows
// and entries it shows (a batch per kind of thing, never one per row).
func TestWebReadsPerPage(t *testing.T) {
	st, err := openStore("sqlite://" + t.TempDir() + "/reads.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &countingStore{Store: st}
	svc := service.New(cs, nil, nil)
	ws, _ := svc.EnsureDefaultWorkspace(context.Background())
	e := &env{t: t, st: st, svc: svc, ws: ws}
	e.h = mustNew(t, svc, cs, slog.New(slog.DiscardHandler))
	key := e.key(e.ws, auth.All)
	f := e.fixture(t)
	c := e.webUser(t, "ann@example.com", auth.RoleOwner)
	var agents []*webClient
	for i := range 3 {
		agents = append(agents, e.webUser(t, fmt.Sprintf("agent%d@example.com", i), auth.RoleSupport))
	}
	reads := func(path string) int32 {
		before := cs.views.Load()
		if rec := c.do(t, "GET", path, nil); rec.Code != 200 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return cs.views.Load() - before
	}
	var threads []string
	grow := func(n int) {
		for range n {
			th := e.newThread(t, key, f, `, channel: CHAT, labelTypeIds: ["`+f.labelType.ID+`"]`)
			threads = append(threads, th)
			a := agents[len(threads)%len(agents)]
			a.do(t, "POST", "/threads/"+th+"/assign", url.Values{"to": {"me"}})
			a.do(t, "POST", "/threads/"+threads[0]+"/reply", url.Values{"text": {"hello"}})
			a.do(t, "POST", "/threads/"+threads[0]+"/note", url.Values{"text": {"noted"}})
		}
	}
	grow(2)
	queueFew, threadFew := reads("/"), reads("/threads/"+threads[0])
	grow(23)
	queueMany, threadMany := reads("/"), reads("/threads/"+threads[0])
	t.Logf("reads per page: queue %d (2 rows) / %d (25 rows); thread %d (few entries) / %d (%d+ entries)",
		queueFew, queueMany, threadFew, threadMany, 3*len(threads))
	if queueMany != queueFew || threadMany != threadFew || queueMany > 10 || threadMany > 12 {
		t.Errorf("reads grow with the rows: queue %d → %d, thread %d → %d", queueFew, queueMany, threadFew, threadMany)
	}
}

// TestWebEmailSettings: the email settings page lists the workspace's
// support addresses (and only its own) to anyone who may read the
// workspace; adding them stays with the operator.
func TestWebEmailSettings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.svc.AddSupportAddress(service.System(ctx, e.ws), "help@acme.test", "Acme Support"); err != nil {
			t.Fatal(err)
		}
		other, err := e.svc.CreateWorkspace(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddSupportAddress(service.System(ctx, other.ID), "help@other.test", "Other"); err != nil {
			t.Fatal(err)
		}
		viewer := e.webUser(t, "vic@example.com", auth.RoleViewer)
		rec := viewer.do(t, "GET", "/settings/email", nil)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "help@acme.test") || !strings.Contains(body, "Acme Support") ||
			strings.Contains(body, "help@other.test") {
			t.Errorf("email settings: %d\n%s", rec.Code, body)
		}
		if _, err := e.svc.AddSupportAddress(auth.WithPrincipal(ctx, auth.UserPrincipal(e.ws, "u_x", auth.RoleOwner)), "b@acme.test", "B"); err == nil {
			t.Error("a signed-in owner added a support address; only the operator may")
		}
	})
}

// TestWebEmailEntry: a customer's email shows on its thread page with its
// subject and new text (the quoted history left out, markup inert), and
// the thread can be answered.
func TestWebEmailEntry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sys := service.System(ctx, e.ws)
		if _, err := e.svc.AddSupportAddress(sys, "help@acme.test", "Acme Support"); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.ReceiveEmail(sys, service.InboundEmail{Recipients: []string{"help@acme.test"},
			Message: email.Message{MessageID: "web1@example.com", From: email.Address{Name: "Grace", Email: "grace@example.com"},
				To: []email.Address{{Email: "help@acme.test"}}, Subject: "Printer <b>on fire</b>",
				Text: "It burns <script>alert(1)</script>\n\n> quoted zeppelin", NewText: "It burns <script>alert(1)</script>"},
			Checks: email.Checks{Source: "smtp", EnvelopeFrom: "grace@example.com"}})
		if err != nil || len(got) != 1 || got[0].ThreadID == "" {
			t.Fatalf("ReceiveEmail: %+v, %v", got, err)
		}
		support := e.webUser(t, "sam@example.com", auth.RoleSupport)
		rec := support.do(t, "GET", "/threads/"+got[0].ThreadID, nil)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "Customer email") || !strings.Contains(body, "Printer &lt;b&gt;on fire&lt;/b&gt;") ||
			!strings.Contains(body, "It burns &lt;script&gt;") || strings.Contains(body, "<script>alert") ||
			strings.Contains(body, "zeppelin") || !strings.Contains(body, `id="reply-form"`) {
			t.Errorf("thread page of an email: %d\n%s", rec.Code, body)
		}
	})
}

// TestWorkspaceEmailSettings: a workspace's email is enabled once it has
// a support address.
func TestWorkspaceEmailSettings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.WorkspaceRead)
		read := func() any {
			r := e.post(key, `{ myWorkspace { workspaceEmailSettings { isEnabled bccEmailAddresses } } }`, nil)
			if r.Status != 200 || r.Body["errors"] != nil {
				t.Fatalf("myWorkspace: %s", r.Raw)
			}
			return path(r.Body, "data", "myWorkspace", "workspaceEmailSettings", "isEnabled")
		}
		if read() != false {
			t.Error("email enabled without a support address")
		}
		if _, err := e.svc.AddSupportAddress(service.System(context.Background(), e.ws), "help@acme.test", "Acme"); err != nil {
			t.Fatal(err)
		}
		if read() != true {
			t.Error("email not enabled with a support address")
		}
	})
}
