package core

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// KindBadInput marks an error in query arguments (not a mutation input):
// the transport reports it as a GraphQL error with code BAD_USER_INPUT.
const KindBadInput Kind = "BAD_USER_INPUT"

// BadInput returns an argument error reported as BAD_USER_INPUT.
func BadInput(format string, args ...any) *Error {
	return &Error{Kind: KindBadInput, Code: "bad_user_input", Message: fmt.Sprintf(format, args...)}
}

// Page sizes of Relay connections.
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// PageArgs are a connection's raw Relay arguments.
type PageArgs struct {
	First  *int
	After  *string
	Last   *int
	Before *string
}

// Page is a validated page request. Backward pages (last/before) are read in
// reverse order and flipped back by the caller via Connection.
type Page struct {
	Limit    int
	After    Cursor // keyset to start after (forward) or nil
	Before   Cursor // keyset to end before (backward) or nil
	Backward bool
}

// Cursor is a decoded keyset: the sort values of one row, last one its id.
type Cursor []string

// EncodeCursor makes the opaque cursor of a row's sort values.
func EncodeCursor(values ...string) string {
	b, _ := json.Marshal(values)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(arg string, s string, n int) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c []string
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || (n >= 0 && len(c) != n) {
		return nil, BadInput("Invalid cursor given for %q.", arg)
	}
	for _, v := range c {
		if strings.ContainsRune(v, 0) {
			return nil, BadInput("Invalid cursor given for %q.", arg)
		}
	}
	return c, nil
}

// Resolve validates args for a connection whose cursors hold keyLen values.
func (a PageArgs) Resolve(keyLen int) (Page, error) {
	if a.First != nil && (a.Last != nil || a.Before != nil) {
		return Page{}, BadInput("Cannot combine \"first\" with \"last\" or \"before\".")
	}
	if a.Last != nil && a.After != nil {
		return Page{}, BadInput("Cannot combine \"last\" with \"after\".")
	}
	p := Page{Limit: DefaultPageSize}
	check := func(name string, v *int) error {
		if v == nil {
			return nil
		}
		if *v < 1 || *v > MaxPageSize {
			return BadInput("%q must be between 1 and %d.", name, MaxPageSize)
		}
		p.Limit = *v
		return nil
	}
	if err := check("first", a.First); err != nil {
		return Page{}, err
	}
	if err := check("last", a.Last); err != nil {
		return Page{}, err
	}
	var err error
	if a.After != nil {
		if p.After, err = decodeCursor("after", *a.After, keyLen); err != nil {
			return Page{}, err
		}
	}
	if a.Before != nil {
		if p.Before, err = decodeCursor("before", *a.Before, keyLen); err != nil {
			return Page{}, err
		}
	}
	p.Backward = a.Last != nil || (a.Before != nil && a.First == nil)
	return p, nil
}

// PageInfo is the Relay page information of a connection.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Edge is one node of a page with its cursor.
type Edge[T any] struct {
	Cursor string
	Node   T
}

// Connection is one page of T.
type Connection[T any] struct {
	Edges      []Edge[T]
	PageInfo   PageInfo
	TotalCount int
}

// NewConnection builds a page from rows fetched with Limit+1 rows in page
// order (reversed for backward pages), computing hasNext/hasPrevious.
func NewConnection[T any](p Page, rows []T, cursor func(T) string) Connection[T] {
	more := len(rows) > p.Limit
	if more {
		rows = rows[:p.Limit]
	}
	if p.Backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	c := Connection[T]{Edges: make([]Edge[T], len(rows))}
	for i, r := range rows {
		c.Edges[i] = Edge[T]{Cursor: cursor(r), Node: r}
	}
	if p.Backward {
		c.PageInfo.HasPreviousPage = more
		c.PageInfo.HasNextPage = p.Before != nil
	} else {
		c.PageInfo.HasNextPage = more
		c.PageInfo.HasPreviousPage = p.After != nil
	}
	if n := len(c.Edges); n > 0 {
		s, e := c.Edges[0].Cursor, c.Edges[n-1].Cursor
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &s, &e
	}
	return c
}

// PageSlice cuts page p out of all (already in order), comparing cursors as
// strings: cursor must sort like the order of all.
func PageSlice[T any](p Page, all []T, cursor func(T) string) Connection[T] {
	key := func(t T) []string {
		b, _ := decodeCursor("", cursor(t), -1)
		return b
	}
	compare := func(a []string, b Cursor) int {
		for i := range a {
			if i >= len(b) {
				return 1
			}
			if a[i] != b[i] {
				if a[i] < b[i] {
					return -1
				}
				return 1
			}
		}
		return 0
	}
	var rows []T
	if p.Backward {
		for i := len(all) - 1; i >= 0 && len(rows) <= p.Limit; i-- {
			if p.Before == nil || compare(key(all[i]), p.Before) < 0 {
				rows = append(rows, all[i])
			}
		}
	} else {
		for _, t := range all {
			if len(rows) > p.Limit {
				break
			}
			if p.After == nil || compare(key(t), p.After) > 0 {
				rows = append(rows, t)
			}
		}
	}
	return NewConnection(p, rows, cursor)
}
