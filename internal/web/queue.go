package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/user"
)

// Queue pages: PageSize rows, tabs counted up to CountLimit.
const (
	PageSize   = 25
	CountLimit = 100
)

// queueParams are a queue's URL parameters: which threads, in what order,
// from where.
type queueParams struct {
	Status   thread.Status // TODO, SNOOZED or DONE
	View     string        // "all", "mine" or "unassigned"
	Label    string        // a label type id
	Priority string        // "0".."3" or ""
	Customer string        // a customer id
	Assignee string        // a user id
	Sort     string        // "inbound" (default), "created", "priority"
	After    string
	Before   string
}

var (
	queueStatuses = []thread.Status{thread.StatusTodo, thread.StatusSnoozed, thread.StatusDone}
	queueViews    = []string{"all", "mine", "unassigned"}
	queueSorts    = []string{"inbound", "created", "priority"}
)

func parseQueue(v url.Values) queueParams {
	p := queueParams{Status: thread.Status(v.Get("status")), View: v.Get("view"), Label: v.Get("label"),
		Priority: v.Get("priority"), Customer: v.Get("customer"), Assignee: v.Get("assignee"), Sort: v.Get("sort"),
		After: v.Get("after"), Before: v.Get("before")}
	if !slices.Contains(queueStatuses, p.Status) {
		p.Status = thread.StatusTodo
	}
	if !slices.Contains(queueViews, p.View) {
		p.View = "all"
	}
	if !slices.Contains(queueSorts, p.Sort) {
		p.Sort = "inbound"
	}
	if n, err := strconv.Atoi(p.Priority); err != nil || !thread.ValidPriority(n) {
		p.Priority = ""
	}
	return p
}

// URL is the queue's address with p's parameters (defaults left out).
func (p queueParams) URL() string {
	v := url.Values{}
	set := func(k, val, def string) {
		if val != "" && val != def {
			v.Set(k, val)
		}
	}
	set("status", string(p.Status), string(thread.StatusTodo))
	set("view", p.View, "all")
	set("label", p.Label, "")
	set("priority", p.Priority, "")
	set("customer", p.Customer, "")
	set("assignee", p.Assignee, "")
	set("sort", p.Sort, "inbound")
	set("after", p.After, "")
	set("before", p.Before, "")
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// With returns p showing another status, view or sort, from its first page.
func (p queueParams) With(key, value string) queueParams {
	p.After, p.Before = "", ""
	switch key {
	case "status":
		p.Status = thread.Status(value)
	case "view":
		p.View = value
	case "sort":
		p.Sort = value
	case "customer":
		p.Customer = value
	}
	return p
}

// filter is what p selects, with status and view given.
func (p queueParams) filter(me string, status thread.Status, view string) thread.Filter {
	f := thread.Filter{Statuses: []thread.Status{status}}
	switch view {
	case "mine":
		f.AssignedToUser = []string{me}
	case "unassigned":
		f.IsAssigned = core.Ptr(false)
	}
	if p.Label != "" {
		f.LabelTypeIDs = []string{p.Label}
	}
	if n, err := strconv.Atoi(p.Priority); err == nil {
		f.Priorities = []int{n}
	}
	if p.Customer != "" {
		f.CustomerIDs = []string{p.Customer}
	}
	if p.Assignee != "" && view != "unassigned" {
		f.AssignedToUser = append(f.AssignedToUser, p.Assignee)
		if view == "mine" {
			f.AssignedToUser = []string{me}
			f.And = []thread.Filter{{AssignedToUser: []string{p.Assignee}}}
		}
	}
	return f
}

// sort is Plain's order of p's sort: newest customer message first by
// default.
func (p queueParams) sort() thread.Sort {
	switch p.Sort {
	case "created":
		return thread.Sort{Field: thread.SortCreatedAt, Descending: true}
	case "priority":
		return thread.Sort{Field: thread.SortPriority}
	}
	return thread.Sort{Field: thread.SortLastInboundMessageAt, Descending: true}
}

// tab is a link to a status or view of the queue, with its count.
type tab struct {
	Name, URL string
	Count     int
	Current   bool
}

// queueRow is one thread as a queue row shows it.
type queueRow struct {
	Thread   thread.Thread
	Customer string
	Labels   []service.TypedLabel
	Assignee string
	// At is when the thread last heard from its customer (or was
	// created): what its age counts from.
	At core.Time
}

// queueData is the queue page's.
type queueData struct {
	P          queueParams
	Rows       []queueRow
	Statuses   []tab
	Views      []tab
	LabelTypes []label.Type
	Users      []user.User
	Customer   string // the name of the customer filtered by
	Next, Prev string
	CountLimit int
	Priorities []string
	Sorts      []string
}

func (h *Handler) queue(q *request) error {
	p := parseQueue(q.r.URL.Query())
	d, err := h.queueData(q.ctx, q.ses.User.ID, p)
	if err != nil {
		return err
	}
	v := q.view(statusName(p.Status)+" · Threadline", d)
	v.Page = "queue"
	if q.r.Header.Get("HX-Target") == "queue" {
		h.renderTemplate(q.w, http.StatusOK, "queue", "queue-list", v)
		return nil
	}
	h.render(q.w, q.r, http.StatusOK, "queue", v)
	return nil
}

// queueData reads one page of the queue with its counts and what its rows
// and filters show.
func (h *Handler) queueData(ctx context.Context, me string, p queueParams) (*queueData, error) {
	args := core.PageArgs{First: core.Ptr(PageSize)}
	if p.After != "" {
		args.After = &p.After
	} else if p.Before != "" {
		args = core.PageArgs{Last: core.Ptr(PageSize), Before: &p.Before}
	}
	list, err := h.svc.Threads(ctx, p.filter(me, p.Status, p.View), p.sort(), args, false)
	if err != nil {
		return nil, err
	}
	d := &queueData{P: p, CountLimit: CountLimit, Priorities: priorityNames, Sorts: queueSorts}
	if err := h.counts(ctx, me, p, d); err != nil {
		return nil, err
	}
	if list.PageInfo.HasNextPage && list.PageInfo.EndCursor != nil {
		next := p
		next.After, next.Before = *list.PageInfo.EndCursor, ""
		d.Next = next.URL()
	}
	if list.PageInfo.HasPreviousPage && list.PageInfo.StartCursor != nil {
		prev := p
		prev.After, prev.Before = "", *list.PageInfo.StartCursor
		d.Prev = prev.URL()
	}
	threads := make([]thread.Thread, len(list.Edges))
	for i, e := range list.Edges {
		threads[i] = e.Node
	}
	if err := h.fillRows(ctx, d, threads); err != nil {
		return nil, err
	}
	return d, nil
}

// counts reads the tabs' counts in one snapshot: each status in the
// current view, each view in the current status.
func (h *Handler) counts(ctx context.Context, me string, p queueParams, d *queueData) error {
	var fs []thread.Filter
	for _, s := range queueStatuses {
		fs = append(fs, p.filter(me, s, p.View))
	}
	for _, v := range queueViews {
		fs = append(fs, p.filter(me, p.Status, v))
	}
	ns, err := h.svc.CountThreadsUpTo(ctx, fs, CountLimit)
	if err != nil {
		return err
	}
	for i, s := range queueStatuses {
		d.Statuses = append(d.Statuses, tab{Name: statusName(s), URL: p.With("status", string(s)).URL(), Count: ns[i], Current: s == p.Status})
	}
	names := map[string]string{"all": "All", "mine": "Mine", "unassigned": "Unassigned"}
	for i, v := range queueViews {
		d.Views = append(d.Views, tab{Name: names[v], URL: p.With("view", v).URL(), Count: ns[len(queueStatuses)+i], Current: v == p.View})
	}
	return nil
}

// fillRows reads what the rows show — customers, labels, assignees — and
// the filters' choices, a batch each (never one read per row).
func (h *Handler) fillRows(ctx context.Context, d *queueData, threads []thread.Thread) error {
	ids, custIDs := make([]string, len(threads)), []string{}
	for i, th := range threads {
		ids[i] = th.ID
		custIDs = append(custIDs, th.CustomerID)
	}
	if d.P.Customer != "" {
		custIDs = append(custIDs, d.P.Customer)
	}
	customers, err := h.svc.CustomersByIDs(ctx, custIDs)
	if err != nil {
		return err
	}
	labels, err := h.svc.LabelsOfThreads(ctx, ids)
	if err != nil {
		return err
	}
	if d.LabelTypes, err = h.labelTypes(ctx); err != nil {
		return err
	}
	if d.Users, err = h.users(ctx); err != nil {
		return err
	}
	names, err := h.actorNames(ctx, d.Users, threads)
	if err != nil {
		return err
	}
	if c, ok := customers[d.P.Customer]; ok {
		d.Customer = c.FullName
	}
	for _, th := range threads {
		row := queueRow{Thread: th, Customer: customerName(customers, th.CustomerID), Labels: labels[th.ID], At: th.CreatedAt}
		if th.Assignee != nil {
			row.Assignee = names[*th.Assignee]
		}
		if m := th.Messages.LastInbound; m != nil {
			row.At = m.At
		}
		d.Rows = append(d.Rows, row)
	}
	return nil
}

func customerName(cs map[string]customer.Customer, id string) string {
	if c, ok := cs[id]; ok {
		return c.FullName
	}
	return "Unknown customer"
}

// labelTypes are the workspace's active label types (the first 100).
func (h *Handler) labelTypes(ctx context.Context) ([]label.Type, error) {
	conn, err := h.svc.LabelTypes(ctx, core.Ptr(false), core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return nil, err
	}
	out := make([]label.Type, len(conn.Edges))
	for i, e := range conn.Edges {
		out[i] = e.Node
	}
	return out, nil
}

// users are the workspace's active users (the first 100).
func (h *Handler) users(ctx context.Context) ([]user.User, error) {
	conn, err := h.svc.Users(ctx, user.Filter{Deleted: core.Ptr(false)}, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return nil, err
	}
	out := make([]user.User, len(conn.Edges))
	for i, e := range conn.Edges {
		out[i] = e.Node
	}
	return out, nil
}

// actorNames names the assignees of threads: users from users (read
// already), the others (deleted users, machine users) read in one batch
// each.
func (h *Handler) actorNames(ctx context.Context, users []user.User, threads []thread.Thread) (map[core.Actor]string, error) {
	out := map[core.Actor]string{}
	for _, u := range users {
		out[core.Actor{Type: core.ActorUser, ID: u.ID}] = u.FullName
	}
	var missingUsers, machines []string
	for _, th := range threads {
		a := th.Assignee
		if a == nil {
			continue
		}
		if _, ok := out[*a]; ok {
			continue
		}
		if a.Type == core.ActorUser {
			missingUsers = append(missingUsers, a.ID)
		} else if a.Type == core.ActorMachineUser {
			machines = append(machines, a.ID)
		}
	}
	return out, h.nameActors(ctx, out, missingUsers, machines)
}

// nameActors adds the names of users and machine users to out.
func (h *Handler) nameActors(ctx context.Context, out map[core.Actor]string, users, machines []string) error {
	if len(users) > 0 {
		us, err := h.svc.UsersByIDs(ctx, users)
		if err != nil {
			return err
		}
		for id, u := range us {
			out[core.Actor{Type: core.ActorUser, ID: id}] = u.FullName
		}
	}
	if len(machines) > 0 {
		ms, err := h.svc.MachineUsersByIDs(ctx, machines)
		if err != nil {
			return err
		}
		for id, m := range ms {
			out[core.Actor{Type: core.ActorMachineUser, ID: id}] = m.FullName
		}
	}
	return nil
}
