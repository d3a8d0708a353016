package graph

import (
	"encoding/json"
	"testing"

	"github.com/threadline/threadline/internal/graph/model"
)

// FuzzParseBounded: any document is parsed and measured without a panic,
// and an accepted one is within every limit.
func FuzzParseBounded(f *testing.F) {
	for _, s := range []string{
		`{ myWorkspace { id } }`, `query Q($a: Int = 1) { a: x(y: $a) { ...F ... on T { z } } } fragment F on T { w }`,
		`{ a { ...F } } fragment F on A { ...G ...G } fragment G on A { b c }`, `fragment F on A { ...F } { a { ...F } }`,
		`{ a(x: {y: [1, 2, {z: "s"}]}) @include(if: true) }`, `subscription { s }`, `{`, `"`, `{ a b a b a: b }`,
	} {
		f.Add(s)
	}
	small := Limits{Tokens: 200, Operations: 2, Fragments: 3, Aliases: 3, Depth: 4, Selections: 5, MergedFields: 5, Complexity: 30}
	f.Fuzz(func(t *testing.T, q string) {
		doc, err := ParseBounded(q, small)
		if err != nil {
			return
		}
		c, merr := Measure(doc, small.MergedFields)
		if merr != nil || c.within(small) != nil {
			t.Fatalf("accepted %q with cost %+v", q, c)
		}
	})
}

// FuzzThreadFilter: any ThreadsFilter converts and checks without a panic.
func FuzzThreadFilter(f *testing.F) {
	for _, s := range []string{
		`{"statuses":["TODO"],"priorities":[0,3],"and":[{"labelTypeIds":["lt_1"]}],"not":{"refs":["T-1","x"]}}`,
		`{"or":[{"createdAt":{"after":"2026-01-01T00:00:00Z"}},{"threadFields":[{"key":"k","numberValue":{"gte":1}}]}]}`,
		`{"priorities":[9]}`, `{"createdAt":{"after":"nope"}}`, `{}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var in model.ThreadsFilter
		if json.Unmarshal([]byte(s), &in) != nil {
			return
		}
		out, err := threadFilter(&in)
		if err == nil {
			_ = out.Check()
		}
	})
}
