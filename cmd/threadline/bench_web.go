package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/bench"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/server"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// countingStore counts the transactions a page costs: its reads (View)
// and writes (Update).
type countingStore struct {
	store.Store
	views, updates atomic.Int64
}

func (c *countingStore) View(ctx context.Context, fn func(store.Tx) error) error {
	c.views.Add(1)
	return c.Store.View(ctx, fn)
}

func (c *countingStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	c.updates.Add(1)
	return c.Store.Update(ctx, fn)
}

// webPage is one page the scenario loads, and what it costs once.
type webPage struct {
	name, path     string
	views, updates int64
}

// benchWebPages measures the server time of the web app's queue and
// thread pages on a database (a `bench seed-threads` one): the requests go
// through the server's whole handler in process — session, service,
// storage, templates — with no network, as a signed-in owner of the
// workspace.
func benchWebPages(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var l loadFlags
	fs := newFlagSet("bench web-pages", "bench web-pages --database URL --workspace w_… [--requests N] [--concurrency C]", stderr)
	a.register(fs, true)
	a.cfg.DatabaseURL = "" // no default: this adds a user to the database it measures
	l.register(fs)
	l.cfg.Concurrency, l.cfg.Duration, l.cfg.Requests = 1, 0, 1000
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "database", "workspace"); err != nil {
		return err
	}
	if err := l.validate(); err != nil {
		return err
	}
	st, _, closeFn, err := a.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	if err := checkWorkspace(ctx, st, a.workspace); err != nil {
		return err
	}
	cs := &countingStore{Store: st}
	svc := service.New(cs, nil, nil)
	h, err := server.New(svc, cs, slog.New(slog.DiscardHandler), server.Options{})
	if err != nil {
		return err
	}
	cookie, threadID, labelTypeID, err := webBenchSetUp(ctx, svc, a.workspace)
	if err != nil {
		return err
	}
	pages := []*webPage{{name: "queue (Todo, all, newest customer message first)", path: "/"},
		{name: "filtered queue (Todo, unassigned, one label, urgent first)", path: "/?view=unassigned&sort=priority&label=" + labelTypeID},
		{name: "thread", path: "/threads/" + threadID}}
	fmt.Fprintf(stdout, "bench web-pages %s (workspace %s, %d requests a page, concurrency %d)\n",
		st.Backend(), a.workspace, l.cfg.Requests, l.cfg.Concurrency)
	var errs []error
	for _, p := range pages {
		get := func(ctx context.Context, _ int) error { return getPage(ctx, h, p.path, cookie) }
		v0, u0 := cs.views.Load(), cs.updates.Load()
		if err := get(ctx, 0); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		p.views, p.updates = cs.views.Load()-v0, cs.updates.Load()-u0
		res, err := bench.Run(ctx, l.cfg, get)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "# %s page: %d reads (read transactions), %d writes per page\n", p.name, p.views, p.updates)
		if err := report(res, "pages/s", stdout, stderr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}

// webBenchSetUp signs a new owner of the workspace in and picks the thread
// the thread page shows (the queue's first) and the label type the
// filtered queue shows (the first).
func webBenchSetUp(ctx context.Context, svc *service.Service, workspaceID string) (cookie *http.Cookie, threadID, labelTypeID string, err error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	pw := hex.EncodeToString(b)
	email := "bench-" + runSuffix() + "@example.com"
	sys := service.System(ctx, workspaceID)
	if _, err := svc.CreateUserWith(sys, service.NewUserInput{Email: email, FullName: "Bench Agent", Role: auth.RoleOwner,
		Password: &pw}); err != nil {
		return nil, "", "", describe(err)
	}
	in, err := svc.SignIn(ctx, email, pw)
	if err != nil {
		return nil, "", "", err
	}
	types, err := svc.LabelTypes(sys, core.Ptr(false), core.PageArgs{First: core.Ptr(1)})
	if err != nil {
		return nil, "", "", err
	}
	if len(types.Edges) > 0 {
		labelTypeID = types.Edges[0].Node.ID
	}
	list, err := svc.Threads(sys, thread.Filter{Statuses: []thread.Status{thread.StatusTodo}},
		thread.Sort{Field: thread.SortLastInboundMessageAt, Descending: true}, core.PageArgs{First: core.Ptr(1)}, false)
	if err != nil {
		return nil, "", "", err
	}
	if len(list.Edges) == 0 {
		return nil, "", "", errors.New("the workspace has no thread in Todo")
	}
	return &http.Cookie{Name: "threadline_session", Value: in.Token}, list.Edges[0].Node.ID, labelTypeID, nil
}

// getPage loads a page through the handler and checks it rendered.
func getPage(ctx context.Context, h http.Handler, path string, cookie *http.Cookie) error {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("GET %s: %d", path, rec.Code)
	}
	return nil
}
