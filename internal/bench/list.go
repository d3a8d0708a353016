package bench

import (
	"context"
	"errors"
	"fmt"
)

// PageReader reads one page of a keyset-paginated list: first rows after
// the cursor after (nil: from the start). It returns the page's length and
// end cursor, and whether more rows follow.
type PageReader func(ctx context.Context, first int, after *string) (n int, end *string, more bool, err error)

// ListPageSize is the number of rows a measured page of a List asks for.
const ListPageSize = 25

// walkPageSize is the page size used to walk down to the deep cursor.
const walkPageSize = 100

// List measures a paginated list whatever reads its pages (GraphQL over
// HTTP, the service): the first page and a deep page (after Depth rows),
// read over and over, each checked against the length it had at set-up.
type List struct {
	read PageReader
	noun string
	// PageSize is the number of rows a measured page asks for.
	PageSize int
	// Depth is the number of rows the deep page starts after, and
	// DeepCursor the cursor of that row ("" when Depth is 0).
	Depth      int
	DeepCursor string
	// firstLen and deepLen are the page lengths seen while setting up.
	firstLen, deepLen int
}

// NewList walks the list once, walkPageSize rows a page, to the cursor of
// row depth (0: the deep page is the first page), and reads both measured
// pages once. It fails when the list has no more than depth rows; noun
// names one row in its errors (e.g. "thread").
func NewList(ctx context.Context, read PageReader, depth int, noun string) (*List, error) {
	l := &List{read: read, noun: noun, PageSize: ListPageSize, Depth: depth}
	if depth < 0 {
		return nil, errors.New("list scenario: depth must not be negative")
	}
	var after *string
	for seen := 0; seen < depth; {
		n, end, more, err := read(ctx, min(walkPageSize, depth-seen), after)
		if err != nil {
			return nil, fmt.Errorf("walking to row %d: %w", depth, err)
		}
		seen += n
		if (seen < depth && !more) || end == nil {
			return nil, fmt.Errorf("the list has only %d %ss, not more than the depth %d", seen, noun, depth)
		}
		after = end
	}
	if after != nil {
		l.DeepCursor = *after
	}
	var err error
	if l.firstLen, _, _, err = read(ctx, l.PageSize, nil); err != nil {
		return nil, err
	}
	if l.deepLen, _, _, err = read(ctx, l.PageSize, after); err != nil {
		return nil, err
	}
	if l.firstLen == 0 || l.deepLen == 0 {
		return nil, fmt.Errorf("the list has no %s after row %d", noun, depth)
	}
	return l, nil
}

// DeepAfter is the cursor the deep page starts after, nil for the start.
func (l *List) DeepAfter() *string {
	if l.DeepCursor == "" {
		return nil
	}
	return &l.DeepCursor
}

// First reads the first page and checks its length. It is an Op.
func (l *List) First(ctx context.Context, _ int) error {
	return l.measured(ctx, nil, l.firstLen)
}

// Deep reads the page after row Depth and checks its length. It is an Op.
func (l *List) Deep(ctx context.Context, _ int) error {
	return l.measured(ctx, l.DeepAfter(), l.deepLen)
}

func (l *List) measured(ctx context.Context, after *string, want int) error {
	n, _, _, err := l.read(ctx, l.PageSize, after)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("%ss: %d on the page, %d at set-up", l.noun, n, want)
	}
	return nil
}
