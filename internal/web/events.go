package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/service"
)

// Live updates: each replica subscribes once to the announcements of
// changes (service.Changes: in process on SQLite, LISTEN/NOTIFY between
// PostgreSQL replicas) and fans them out to its open pages over
// server-sent events, each page hearing of its own workspace only. Pages
// decide what to reload.
const (
	// ssePing keeps idle connections (and proxies) open.
	ssePing = 25 * time.Second
	// sseLifetime ends a stream now and then: the browser reconnects at
	// once, and the reconnection checks the session again (a signed-out
	// or revoked session hears nothing more).
	sseLifetime = 5 * time.Minute
	// clientBuffer is how many announcements a slow page may lag behind
	// before it misses some (it reloads on the next one anyway).
	clientBuffer = 32
)

// hub fans announcements out to the pages of this replica.
type hub struct {
	svc     *service.Service
	log     *slog.Logger
	mu      sync.Mutex
	clients map[*client]bool
	started bool
	ctx     context.Context
	cancel  context.CancelFunc
}

// client is one open page.
type client struct {
	workspace string
	ch        chan event.Notice
}

func newHub(parent context.Context, svc *service.Service, log *slog.Logger) *hub {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	return &hub{svc: svc, log: log, clients: map[*client]bool{}, ctx: ctx, cancel: cancel}
}

// join adds a page of a workspace, subscribing the replica on first use.
func (hb *hub) join(workspace string) (*client, error) {
	hb.mu.Lock()
	defer hb.mu.Unlock()
	if !hb.started {
		ch, err := hb.svc.Changes(hb.ctx)
		if err != nil {
			return nil, err
		}
		hb.started = true
		go hb.run(ch)
	}
	c := &client{workspace: workspace, ch: make(chan event.Notice, clientBuffer)}
	hb.clients[c] = true
	return c, nil
}

func (hb *hub) leave(c *client) {
	hb.mu.Lock()
	delete(hb.clients, c)
	hb.mu.Unlock()
}

// run delivers each announcement to the pages of its workspace, never
// waiting for a slow one.
func (hb *hub) run(ch <-chan event.Notice) {
	if ch == nil {
		return // the store announces nothing: pages stay as loaded
	}
	for n := range ch {
		hb.mu.Lock()
		for c := range hb.clients {
			if c.workspace != n.WorkspaceID {
				continue
			}
			select {
			case c.ch <- n:
			default:
			}
		}
		hb.mu.Unlock()
	}
}

func (hb *hub) close() { hb.cancel() }

// liveNotice is what a page hears of a change: its kind and what it is
// about (a thread or customer id).
type liveNotice struct {
	Type event.Type `json:"type"`
	Key  string     `json:"key,omitempty"`
}

// events streams the changes of the caller's workspace as server-sent
// events ("change", JSON liveNotice) until the page goes away or
// sseLifetime passes.
func (h *Handler) events(q *request) error {
	c, err := h.live.join(q.p.WorkspaceID)
	if err != nil {
		return err
	}
	defer h.live.leave(c)
	w := q.w
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the server's write timeout is for ordinary answers
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	ping := time.NewTicker(ssePing)
	defer ping.Stop()
	end := time.NewTimer(sseLifetime)
	defer end.Stop()
	for {
		select {
		case <-q.r.Context().Done():
			return nil
		case <-end.C:
			return nil
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case n := <-c.ch:
			b, _ := json.Marshal(liveNotice{Type: n.Type, Key: n.Key})
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", b)
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}
