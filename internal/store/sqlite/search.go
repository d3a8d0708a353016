package sqlite

import (
	"strings"

	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store/sqldb"
)

// ftsPrefixes renders terms as an FTS5 query holding each as a word
// prefix: "prin"* AND "fire"*. Terms are letters and digits only
// (core.SearchTerms), so quoting them is enough.
func ftsPrefixes(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " AND ")
}

// ThreadTextMatch matches documents through the FTS5 index thread_search_fts.
func (dialect) ThreadTextMatch(terms []string) (string, []any) {
	return `d.id IN (SELECT rowid FROM thread_search_fts WHERE thread_search_fts MATCH ?)`, []any{ftsPrefixes(terms)}
}

// CustomerTextMatch matches documents through the FTS5 index
// customer_search_fts, each condition restricted to its column:
// {email} : ("c"* AND "perez"*) OR {full_name} : ("carl"*).
func (dialect) CustomerTextMatch(conds []customer.SearchCondition) (string, []any) {
	var parts []string
	for _, c := range conds {
		col, _, err := sqldb.SearchColumn(c.Field)
		if err != nil || len(c.Terms) == 0 {
			continue
		}
		parts = append(parts, "{"+col+"} : ("+ftsPrefixes(c.Terms)+")")
	}
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return `d.id IN (SELECT rowid FROM customer_search_fts WHERE customer_search_fts MATCH ?)`, []any{strings.Join(parts, " OR ")}
}
