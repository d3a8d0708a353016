package loadgen

import (
	"context"
	"errors"
	"fmt"
)

// pageReader reads one page of a list: first rows after the cursor after
// (nil: from the start). It returns the page's length and end cursor, and
// whether more rows follow.
type pageReader func(ctx context.Context, first int, after *string) (n int, end *string, more bool, err error)

// walkPageSize is the page size used to walk down to the deep cursor.
const walkPageSize = 100

// listScenario is the thread-list scenario, whatever reads the pages: the
// first page and a deep page (after Depth rows) of one list, read over and
// over, each checked against the length it had at set-up.
type listScenario struct {
	read pageReader
	// PageSize is the number of threads a measured page asks for (25).
	PageSize int
	// Depth is the number of rows the deep page starts after, and
	// DeepCursor the cursor of that row.
	Depth      int
	DeepCursor string
	// firstLen and deepLen are the page lengths seen while setting up.
	firstLen, deepLen int
}

// newListScenario walks the list once, walkPageSize rows a page, to the
// cursor of row depth (0: the deep page is the first page), and reads both
// measured pages once. It fails when the list has no more than depth rows.
func newListScenario(ctx context.Context, read pageReader, depth int) (listScenario, error) {
	l := listScenario{read: read, PageSize: 25, Depth: depth}
	if depth < 0 {
		return l, errors.New("list scenario: depth must not be negative")
	}
	var after *string
	for seen := 0; seen < depth; {
		n, end, more, err := read(ctx, min(walkPageSize, depth-seen), after)
		if err != nil {
			return l, fmt.Errorf("walking to row %d: %w", depth, err)
		}
		seen += n
		if (seen < depth && !more) || end == nil {
			return l, fmt.Errorf("the list has only %d threads, not more than the depth %d", seen, depth)
		}
		after = end
	}
	if after != nil {
		l.DeepCursor = *after
	}
	var err error
	if l.firstLen, _, _, err = read(ctx, l.PageSize, nil); err != nil {
		return l, err
	}
	if l.deepLen, _, _, err = read(ctx, l.PageSize, after); err != nil {
		return l, err
	}
	if l.firstLen == 0 || l.deepLen == 0 {
		return l, fmt.Errorf("the list has no thread after row %d", depth)
	}
	return l, nil
}

func (l *listScenario) deepAfter() *string {
	if l.DeepCursor == "" {
		return nil
	}
	return &l.DeepCursor
}

// First reads the first page and checks its length. It is an Op.
func (l *listScenario) First(ctx context.Context, _ int) error {
	return l.measured(ctx, nil, l.firstLen)
}

// Deep reads the page after row Depth and checks its length. It is an Op.
func (l *listScenario) Deep(ctx context.Context, _ int) error {
	return l.measured(ctx, l.deepAfter(), l.deepLen)
}

func (l *listScenario) measured(ctx context.Context, after *string, want int) error {
	n, _, _, err := l.read(ctx, l.PageSize, after)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("threads: %d on the page, %d at set-up", n, want)
	}
	return nil
}
