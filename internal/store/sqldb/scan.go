package sqldb

import (
	"database/sql"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

var (
	errNotFound  = core.ErrNotFound
	errDuplicate = core.ErrDuplicate
)

type scanner interface{ Scan(dest ...any) error }

// nullTime converts an optional instant for storage.
func nullTime(t *core.Time) any {
	if t == nil {
		return nil
	}
	return t.Millis()
}

// timePtr converts a nullable column back.
func timePtr(v sql.NullInt64) *core.Time {
	if !v.Valid {
		return nil
	}
	t := core.FromMillis(v.Int64)
	return &t
}

func strPtr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	s := v.String
	return &s
}

func nullStr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// placeholders returns "?, ?, …" n times.
func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// columnPlaceholders returns a placeholder for each column of a
// comma-separated column list, so that an INSERT's values follow its
// column list when a column is added.
func columnPlaceholders(cols string) string {
	return placeholders(strings.Count(cols, ",") + 1)
}

func nowMillis() int64 { return core.SystemClock{}.Now().Millis() }

// actorOf decodes a nullable actor column.
func actorOf(v sql.NullString) *core.Actor {
	if !v.Valid {
		return nil
	}
	a := core.ParseActor(v.String)
	return &a
}
