package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/user"
)

// TimelineWindow is how many of its latest timeline entries a thread page
// shows; older ones are a link away.
const TimelineWindow = 100

// threadData is the thread page's.
type threadData struct {
	Thread     thread.Thread
	Customer   *customer.Customer
	Labels     []service.TypedLabel
	LabelTypes []labelChoice
	Fields     []fieldView
	Assignee   string
	Users      []user.User
	Entries    []entryView
	// Earlier links to the entries before the window, "" when none.
	Earlier string
	// Older is set when the window is not the latest: the page shows a
	// link back to it instead of the composer.
	Older bool
	// Seen is the cursor of the newest entry shown: a reply sent from
	// this page is checked against what was added after it.
	Seen string
	// Draft is the composer's content, kept when a send is refused.
	Draft draft
	// Conflict holds what others wrote after Seen, when a send was held
	// back for it.
	Conflict []entryView
	// Replyable says whether the thread's channel can be answered here.
	Replyable bool
	Snoozes   []snooze
	Me        string
}

// draft is what the composer holds.
type draft struct {
	Kind string // "reply" or "note"
	Text string
}

// labelChoice is a label type in the label picker.
type labelChoice struct {
	Type    label.Type
	Checked bool
}

// fieldView is a thread field with its value, as its form shows it.
type fieldView struct {
	Schema field.Schema
	Value  string
	IsSet  bool
}

// snooze is a choice of the snooze picker: seconds, or until the customer
// replies (0).
type snooze struct {
	Label   string
	Seconds int
}

var snoozes = []snooze{{"1 hour", 3600}, {"4 hours", 4 * 3600}, {"1 day", 24 * 3600}, {"3 days", 3 * 24 * 3600},
	{"1 week", 7 * 24 * 3600}, {"Until the customer replies", 0}}

func (h *Handler) threadRoutes() {
	h.mux.HandleFunc("GET /threads/{id}", h.signedIn(h.threadPage))
	h.mux.HandleFunc("POST /threads/{id}/reply", h.signedIn(h.reply))
	h.mux.HandleFunc("POST /threads/{id}/note", h.signedIn(h.note))
	h.mux.HandleFunc("POST /threads/{id}/status", h.signedIn(h.setStatus))
	h.mux.HandleFunc("POST /threads/{id}/snooze", h.signedIn(h.snooze))
	h.mux.HandleFunc("POST /threads/{id}/assign", h.signedIn(h.assign))
	h.mux.HandleFunc("POST /threads/{id}/labels", h.signedIn(h.setLabels))
	h.mux.HandleFunc("POST /threads/{id}/priority", h.signedIn(h.setPriority))
	h.mux.HandleFunc("POST /threads/{id}/fields", h.signedIn(h.setField))
}

func (h *Handler) threadPage(q *request) error {
	d, err := h.threadData(q.ctx, q.r.PathValue("id"), q.r.URL.Query().Get("before"))
	if err != nil {
		return err
	}
	d.Me = q.ses.User.ID
	h.showThread(q, http.StatusOK, d, "", "")
	return nil
}

// showThread renders a thread page, or the part of it htmx asked for
// (its live part: header and timeline, never the composer).
func (h *Handler) showThread(q *request, status int, d *threadData, errMsg, notice string) {
	v := q.view(d.Thread.Title+" · "+d.Thread.RefString(), d)
	v.Page, v.Error, v.Notice = "thread", errMsg, notice
	if q.r.Method == http.MethodGet && q.r.Header.Get("HX-Target") == "thread-live" {
		h.renderTemplate(q.w, status, "thread", "thread-live", v)
		return
	}
	h.render(q.w, q.r, status, "thread", v)
}

// threadData reads everything a thread page shows: the thread, its
// customer, labels, fields, assignee and the latest window of its
// timeline (before the cursor before, when set), a batch per kind.
func (h *Handler) threadData(ctx context.Context, id, before string) (*threadData, error) {
	th, err := h.svc.Thread(ctx, service.ThreadLookup{ID: id})
	if err != nil {
		return nil, err
	}
	if th == nil {
		return nil, errNotFound
	}
	d := &threadData{Thread: *th, Replyable: th.Channel.CanReply(), Snoozes: snoozes, Draft: draft{Kind: "reply"}}
	customers, err := h.svc.CustomersByIDs(ctx, []string{th.CustomerID})
	if err != nil {
		return nil, err
	}
	if c, ok := customers[th.CustomerID]; ok {
		d.Customer = &c
	}
	if err := h.threadTags(ctx, d); err != nil {
		return nil, err
	}
	if d.Users, err = h.users(ctx); err != nil {
		return nil, err
	}
	names, err := h.actorNames(ctx, d.Users, []thread.Thread{*th})
	if err != nil {
		return nil, err
	}
	if th.Assignee != nil {
		d.Assignee = names[*th.Assignee]
	}
	return d, h.threadTimeline(ctx, d, before)
}

// threadTags reads a thread's labels and fields with the choices of their
// pickers.
func (h *Handler) threadTags(ctx context.Context, d *threadData) error {
	labels, err := h.svc.LabelsOfThreads(ctx, []string{d.Thread.ID})
	if err != nil {
		return err
	}
	d.Labels = labels[d.Thread.ID]
	types, err := h.labelTypes(ctx)
	if err != nil {
		return err
	}
	for _, t := range types {
		on := slices.ContainsFunc(d.Labels, func(l service.TypedLabel) bool { return l.Type.ID == t.ID })
		d.LabelTypes = append(d.LabelTypes, labelChoice{Type: t, Checked: on})
	}
	schemas, err := h.svc.ThreadFieldSchemas(ctx, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return err
	}
	values, err := h.svc.FieldValuesOfThreads(ctx, []string{d.Thread.ID})
	if err != nil {
		return err
	}
	for _, e := range schemas.Edges {
		fv := fieldView{Schema: e.Node}
		for _, v := range values[d.Thread.ID] {
			if v.Key == e.Node.Key {
				fv.Value, fv.IsSet = fieldText(v), true
			}
		}
		d.Fields = append(d.Fields, fv)
	}
	return nil
}

// fieldText is a field value as its form shows it.
func fieldText(v field.Value) string {
	switch {
	case v.String != nil:
		return *v.String
	case v.Bool != nil:
		return strconv.FormatBool(*v.Bool)
	case v.Number != nil:
		return strconv.FormatFloat(*v.Number, 'f', -1, 64)
	case v.Date != nil:
		return *v.Date
	}
	return ""
}

// threadTimeline reads the latest TimelineWindow entries (before before).
func (h *Handler) threadTimeline(ctx context.Context, d *threadData, before string) error {
	args := core.PageArgs{Last: core.Ptr(TimelineWindow)}
	if before != "" {
		args.Before = &before
	}
	page, err := h.svc.ThreadTimeline(ctx, d.Thread.ID, service.TimelineFilter{}, args)
	if err != nil {
		return err
	}
	items := make([]service.TimelineItem, len(page.Edges))
	for i, e := range page.Edges {
		items[i] = e.Node
	}
	name := "Customer"
	if d.Customer != nil {
		name = d.Customer.FullName
	}
	if d.Entries, err = h.entryViews(ctx, items, name); err != nil {
		return err
	}
	d.Older = before != ""
	if n := len(page.Edges); n > 0 && !d.Older {
		d.Seen = page.Edges[n-1].Cursor
	}
	if n := len(page.Edges); n > 0 {
		if page.PageInfo.HasPreviousPage {
			d.Earlier = "/threads/" + d.Thread.ID + "?before=" + url.QueryEscape(page.Edges[0].Cursor)
		}
	}
	return nil
}
