package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// CustomerEvents is how many of a customer's latest events their page shows.
const CustomerEvents = 50

// customerData is the customer page's.
type customerData struct {
	Customer customer.Customer
	Threads  []thread.Thread
	More     string // the queue of all their threads, when there are more
	Events   []timeline.Event
}

func (h *Handler) customer(q *request) error {
	cs, err := h.svc.CustomersByIDs(q.ctx, []string{q.r.PathValue("id")})
	if err != nil {
		return err
	}
	c, ok := cs[q.r.PathValue("id")]
	if !ok {
		return errNotFound
	}
	d := customerData{Customer: c}
	list, err := h.svc.Threads(q.ctx, thread.Filter{CustomerIDs: []string{c.ID}}, thread.DefaultSort,
		core.PageArgs{First: core.Ptr(PageSize)}, false)
	if err != nil {
		return err
	}
	for _, e := range list.Edges {
		d.Threads = append(d.Threads, e.Node)
	}
	if list.PageInfo.HasNextPage {
		d.More = queueParams{Status: thread.StatusTodo, View: "all", Customer: c.ID}.URL()
	}
	if d.Events, err = h.svc.CustomerEvents(q.ctx, c.ID, CustomerEvents); err != nil {
		return err
	}
	h.render(q.w, q.r, http.StatusOK, "customer", q.view(c.FullName+" · Customer", d))
	return nil
}

// searchData is the search page's.
type searchData struct {
	Query     string
	Threads   []thread.Thread
	Customers []customer.Customer
	// Names are the threads' customers' names.
	Names map[string]string
	// Ref is the thread a "T-123" query names, when it exists.
	Ref *thread.Thread
}

// search finds threads (title, description, preview, messages) and
// customers (name, email, external id) by the words of q.
func (h *Handler) search(q *request) error {
	term := strings.TrimSpace(q.r.URL.Query().Get("q"))
	d := searchData{Query: term, Names: map[string]string{}}
	if term != "" {
		if err := h.searchAll(q, &d); err != nil {
			return err
		}
	}
	title := "Search"
	if term != "" {
		title = term + " · Search"
	}
	h.render(q.w, q.r, http.StatusOK, "search", q.view(title, d))
	return nil
}

func (h *Handler) searchAll(q *request, d *searchData) error {
	if _, ok := thread.ParseRef(d.Query); ok {
		th, err := h.svc.Thread(q.ctx, service.ThreadLookup{Ref: d.Query})
		if err != nil {
			return err
		}
		d.Ref = th
	}
	threads, err := h.svc.SearchThreads(q.ctx, d.Query, thread.Filter{}, core.PageArgs{First: core.Ptr(PageSize)})
	if err != nil {
		return err
	}
	var ids []string
	for _, e := range threads.Edges {
		d.Threads = append(d.Threads, e.Node)
		ids = append(ids, e.Node.CustomerID)
	}
	terms := core.SearchTerms(d.Query)
	var conds []customer.SearchCondition
	for _, f := range []customer.SearchField{customer.SearchFullName, customer.SearchShortName, customer.SearchEmail, customer.SearchExternalID} {
		conds = append(conds, customer.SearchCondition{Field: f, Terms: terms})
	}
	custs, err := h.svc.SearchCustomers(q.ctx, conds, customer.Filter{}, core.PageArgs{First: core.Ptr(PageSize)})
	if err != nil {
		return err
	}
	for _, e := range custs.Edges {
		d.Customers = append(d.Customers, e.Node)
	}
	names, err := h.svc.CustomersByIDs(q.ctx, ids)
	if err != nil {
		return err
	}
	for id, c := range names {
		d.Names[id] = c.FullName
	}
	return nil
}

// file sends the caller to a signed download link of an attachment
// (attachment:download decides).
func (h *Handler) file(q *request) error {
	tok, err := h.svc.CreateAttachmentDownloadURL(q.ctx, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(q.w, q.r, h.opts.AttachmentDownloadPath+url.PathEscape(tok.Attachment.ID)+"?token="+url.QueryEscape(tok.Token),
		http.StatusSeeOther)
	return nil
}
