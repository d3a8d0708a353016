package graph

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/thread"
)

// pageArgs bundles Relay arguments.
func pageArgs(first *int, after *string, last *int, before *string) core.PageArgs {
	return core.PageArgs{First: first, After: after, Last: last, Before: before}
}

func pageInfo(p core.PageInfo) model.PageInfo {
	return model.PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage,
		StartCursor: p.StartCursor, EndCursor: p.EndCursor}
}

func timeRange(field string, f *model.DatetimeFilter) (*thread.TimeRange, error) {
	if f == nil {
		return nil, nil
	}
	var r thread.TimeRange
	for _, b := range []struct {
		name string
		src  *string
		dst  **core.Time
	}{{"after", f.After, &r.After}, {"before", f.Before, &r.Before}} {
		if b.src == nil {
			continue
		}
		t, err := core.ParseISO8601(*b.src)
		if err != nil {
			return nil, core.BadInput("filters.%s.%s must be an ISO 8601 date-time.", field, b.name)
		}
		*b.dst = &t
	}
	return &r, nil
}

// stringValue unwraps a StringInput: nil when the client left it out.
func stringValue(s *model.StringInput) *string {
	if s == nil {
		return nil
	}
	return &s.Value
}
