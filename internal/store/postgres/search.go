package postgres

import (
	"strings"

	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store/sqldb"
)

// tsWords is the tsvector of a text column as the migrations index it:
// punctuation read as a word break, words lower-cased, not stemmed.
func tsWords(col string) string {
	return `to_tsvector('simple', regexp_replace(` + col + `, '[[:punct:]]+', ' ', 'g'))`
}

// tsPrefixes renders terms as a tsquery holding each as a word prefix,
// restricted to weights when weights is not "": prin:* & fire:*. Terms are
// letters and digits only (core.SearchTerms): nothing in them is tsquery
// syntax.
func tsPrefixes(terms []string, weights string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t + ":*" + weights
	}
	return strings.Join(parts, " & ")
}

// ThreadTextMatch matches documents through the GIN index
// thread_search_docs_fts.
func (dialect) ThreadTextMatch(terms []string) (string, []any) {
	return tsWords("d.body") + ` @@ to_tsquery('simple', ?)`, []any{tsPrefixes(terms, "")}
}

// customerVector is the expression the GIN index customer_search_docs_fts
// holds: each field's words under the field's weight.
var customerVector = func() string {
	var parts []string
	for _, f := range sqldb.SearchFields {
		parts = append(parts, `setweight(`+tsWords("d."+f.Column)+`, '`+f.Weight+`')`)
	}
	return "(" + strings.Join(parts, " || ") + ")"
}()

// CustomerTextMatch matches documents through the GIN index
// customer_search_docs_fts, each condition restricted to its field's
// weight: (c:*C & perez:*C) | (carl:*A).
func (dialect) CustomerTextMatch(conds []customer.SearchCondition) (string, []any) {
	var parts []string
	for _, c := range conds {
		_, weight, err := sqldb.SearchColumn(c.Field)
		if err != nil || len(c.Terms) == 0 {
			continue
		}
		parts = append(parts, "("+tsPrefixes(c.Terms, weight)+")")
	}
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return customerVector + ` @@ to_tsquery('simple', ?)`, []any{strings.Join(parts, " | ")}
}
