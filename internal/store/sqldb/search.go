package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// Search documents are written here, by the methods that write what they
// show; each backend indexes them its own way (Dialect.ThreadTextMatch,
// Dialect.CustomerTextMatch).

// searchDocCols are the columns written of a thread search document.
const searchDocCols = `workspace_id, thread_id, source_id, body`

// putThreadDoc writes the document of a thread's own text.
func (t *Tx) putThreadDoc(ctx context.Context, th thread.Thread) error {
	return t.later(ctx, `INSERT INTO thread_search_docs (`+searchDocCols+`) VALUES (?, ?, ?, ?)`,
		th.WorkspaceID, th.ID, th.ID, th.SearchText())
}

// updateThreadDoc rewrites the document of a thread's own text when the
// text changed (most changes of a thread do not touch it).
func (t *Tx) updateThreadDoc(ctx context.Context, th thread.Thread) error {
	body := th.SearchText()
	_, err := t.exec(ctx, `UPDATE thread_search_docs SET body = ? WHERE source_id = ? AND body <> ?`, body, th.ID, body)
	return err
}

// entryText is the searchable text of an entry, "" when it has none (or
// its payload does not decode: search is not worth failing a write for).
func entryText(e timeline.Entry) string {
	p, err := timeline.DecodeEntry(e)
	if err != nil {
		return ""
	}
	return timeline.SearchText(p)
}

// putEntryDoc writes the document of an entry's text, if it has one.
func (t *Tx) putEntryDoc(ctx context.Context, e timeline.Entry) error {
	body := entryText(e)
	if body == "" {
		return nil
	}
	return t.later(ctx, `INSERT INTO thread_search_docs (`+searchDocCols+`) VALUES (?, ?, ?, ?)`,
		e.WorkspaceID, e.ThreadID, e.ID, body)
}

// updateEntryDoc replaces the document of an entry whose payload changed.
func (t *Tx) updateEntryDoc(ctx context.Context, e timeline.Entry) error {
	if _, err := t.exec(ctx, `DELETE FROM thread_search_docs WHERE source_id = ?`, e.ID); err != nil {
		return err
	}
	return t.putEntryDoc(ctx, e)
}

// customerDocValues are a customer document's columns after its key.
func customerDocValues(c customer.Customer) []any {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return []any{c.FullName, str(c.ShortName), c.Email, str(c.ExternalID)}
}

// putCustomerDoc writes the document of a new customer.
func (t *Tx) putCustomerDoc(ctx context.Context, c customer.Customer) error {
	_, err := t.exec(ctx, `INSERT INTO customer_search_docs (workspace_id, customer_id, full_name, short_name, email, external_id)
		VALUES (?, ?, ?, ?, ?, ?)`, append([]any{c.WorkspaceID, c.ID}, customerDocValues(c)...)...)
	return err
}

// updateCustomerDoc rewrites a customer's document when its text changed.
func (t *Tx) updateCustomerDoc(ctx context.Context, c customer.Customer) error {
	v := customerDocValues(c)
	_, err := t.exec(ctx, `UPDATE customer_search_docs SET full_name = ?, short_name = ?, email = ?, external_id = ?
		WHERE customer_id = ? AND NOT (full_name = ? AND short_name = ? AND email = ? AND external_id = ?)`,
		append(append(append([]any{}, v...), c.ID), v...)...)
	return err
}

// threadTextCond is the condition on threads t that their text matches
// terms.
func (t *Tx) threadTextCond(workspaceID string, terms []string) (string, []any) {
	match, args := t.dialect.ThreadTextMatch(terms)
	return `t.id IN (SELECT d.thread_id FROM thread_search_docs d WHERE d.workspace_id = ? AND ` + match + `)`,
		append([]any{workspaceID}, args...)
}

// SearchThreads reads one page of the threads f selects whose text
// matches terms, newest first.
func (t *Tx) SearchThreads(ctx context.Context, workspaceID string, terms []string, f thread.Filter, p core.Page) ([]store.ThreadRow, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	text, targs := t.threadTextCond(workspaceID, terms)
	q, args, err := listThreadsQueryWith(workspaceID, f, thread.DefaultSort, p, text, targs)
	if err != nil {
		return nil, err
	}
	return t.threadRows(ctx, q, args)
}

// SearchCustomers reads one page of the customers f selects that match one
// of conds, in full-name order.
func (t *Tx) SearchCustomers(ctx context.Context, workspaceID string, conds []customer.SearchCondition, f customer.Filter,
	s customer.Sort, p core.Page) ([]customer.Customer, error) {
	var fields []customer.SearchCondition
	var ors []string
	var args []any
	for _, c := range conds {
		if len(c.Terms) == 0 {
			continue
		}
		if c.Field == customer.SearchTimelineText {
			text, targs := t.threadTextCond(workspaceID, c.Terms)
			ors, args = append(ors, `id IN (SELECT t.customer_id FROM threads t WHERE t.workspace_id = ? AND `+text+`)`),
				append(append(args, workspaceID), targs...)
			continue
		}
		fields = append(fields, c)
	}
	if len(fields) > 0 {
		match, margs := t.dialect.CustomerTextMatch(fields)
		ors = append(ors, `id IN (SELECT d.customer_id FROM customer_search_docs d WHERE d.workspace_id = ? AND `+match+`)`)
		args = append(append(args, workspaceID), margs...)
	}
	if len(ors) == 0 {
		return nil, nil
	}
	fconds, fargs := customerFilter(workspaceID, f)
	cond, kargs, tail, err := keyset([]string{"full_name", "id"}, s.Descending, p, stringCursor)
	if err != nil {
		return nil, err
	}
	match := "(" + strings.Join(ors, " OR ") + ")"
	all := append(append(append([]any{}, fargs...), args...), kargs...)
	return t.customers(ctx, `SELECT `+customerCols+` FROM customers`+where(append(append(fconds, match), cond)...)+tail, all...)
}

// SearchFields are the columns of customer documents, by search field, in
// the order of the documents' columns.
var SearchFields = []struct {
	Field  customer.SearchField
	Column string
	// Weight is the field's tsvector weight on PostgreSQL.
	Weight string
}{
	{customer.SearchFullName, "full_name", "A"},
	{customer.SearchShortName, "short_name", "B"},
	{customer.SearchEmail, "email", "C"},
	{customer.SearchExternalID, "external_id", "D"},
}

// SearchColumn returns the document column and weight of a field.
func SearchColumn(f customer.SearchField) (column, weight string, err error) {
	for _, s := range SearchFields {
		if s.Field == f {
			return s.Column, s.Weight, nil
		}
	}
	return "", "", fmt.Errorf("search: no customer field %q", f)
}
