package graph

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bound the work one GraphQL document may ask for. They are checked
// on the document's syntax alone, in time linear in its size, before it is
// validated or run: validation itself is quadratic in repeated fields, and
// expanding fragments is exponential in their nesting.
type Limits struct {
	Tokens        int // lexical tokens in the document
	Operations    int // operation definitions
	Fragments     int // fragment definitions
	Aliases       int // aliased fields, over the whole document
	Depth         int // nesting of fields, through fragments
	Selections    int // selections written in one selection set, duplicates included
	MergedFields  int // distinct response keys of one selection set once its fragments are merged in
	Complexity    int // fields the document selects with every fragment expanded
	ErrorsPerResp int // errors one response may carry
}

// DefaultLimits are several times what the largest document of Plain's
// clients needs.
// Measured on the 577 documents of @team-plain/typescript-sdk 5.12.1 and
// @team-plain/graphql 1.3.0, the largest needs 7,738 tokens, 1 operation, 20
// fragments, 17 aliases, depth 10, 36 selections and 92 merged fields in a
// selection set, and complexity 3,278.
var DefaultLimits = Limits{Tokens: 30000, Operations: 10, Fragments: 100, Aliases: 100, Depth: 20,
	Selections: 300, MergedFields: 300, Complexity: 20000, ErrorsPerResp: 50}

// CodeLimit is the extensions.code of a document refused for its cost.
const CodeLimit = "QUERY_TOO_COMPLEX"

// Cost is what a document would make the server do, measured on its syntax.
type Cost struct {
	Operations, Fragments, Aliases, Depth, Selections, MergedFields, Complexity int
}

// ParseBounded parses query with at most l.Tokens tokens and checks its cost
// against l. The error, if any, is a parse failure or a limit refusal.
func ParseBounded(query string, l Limits) (*ast.QueryDocument, *gqlerror.Error) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, l.Tokens)
	if err != nil {
		e, ok := err.(*gqlerror.Error)
		if !ok {
			e = gqlerror.Wrap(err)
		}
		if strings.HasPrefix(e.Message, "exceeded token limit") {
			return nil, tooLarge("tokens", l.Tokens+1, l.Tokens)
		}
		return nil, e
	}
	c, cerr := Measure(doc, l.MergedFields)
	if cerr != nil {
		return nil, cerr
	}
	if e := c.within(l); e != nil {
		return nil, e
	}
	return doc, nil
}

func (c Cost) within(l Limits) *gqlerror.Error {
	for _, x := range []struct {
		what     string
		got, max int
	}{
		{"operations", c.Operations, l.Operations}, {"fragments", c.Fragments, l.Fragments},
		{"aliases", c.Aliases, l.Aliases}, {"depth", c.Depth, l.Depth},
		{"selections in one selection set", c.Selections, l.Selections},
		{"fields in one selection set", c.MergedFields, l.MergedFields},
		{"complexity", c.Complexity, l.Complexity},
	} {
		if x.got > x.max {
			return tooLarge(x.what, x.got, x.max)
		}
	}
	return nil
}

func tooLarge(what string, got, limit int) *gqlerror.Error {
	msg := fmt.Sprintf("The query is too large: %s %d exceeds the limit of %d.", what, got, limit)
	if what == "tokens" {
		msg = fmt.Sprintf("The query is too large: it has more than %d tokens.", limit)
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeLimit}}
}

// saturate bounds sums so that an exponential document cannot overflow.
const saturate = 1 << 40

func add(a, b int) int { return min(a+b, saturate) }

// fragInfo is a fragment's cost, computed once however often it is spread.
type fragInfo struct {
	state      int // 0 new, 1 in progress, 2 done
	depth      int
	complexity int
	keys       map[string]bool
}

type meter struct {
	capKeys int
	frags   map[string]*ast.FragmentDefinition
	info    map[string]*fragInfo
	cost    Cost
	err     *gqlerror.Error
}

// Measure returns the cost of doc in time linear in its size, counting
// merged fields only up to capKeys+1. It refuses a fragment that spreads
// itself, which validation would refuse later.
func Measure(doc *ast.QueryDocument, capKeys int) (Cost, *gqlerror.Error) {
	m := &meter{capKeys: capKeys, frags: map[string]*ast.FragmentDefinition{}, info: map[string]*fragInfo{}}
	m.cost.Operations, m.cost.Fragments = len(doc.Operations), len(doc.Fragments)
	for _, f := range doc.Fragments {
		m.frags[f.Name] = f
	}
	for _, op := range doc.Operations {
		d, c, _ := m.set(op.SelectionSet)
		m.cost.Depth = max(m.cost.Depth, d)
		m.cost.Complexity = add(m.cost.Complexity, c)
	}
	for _, f := range doc.Fragments { // unused fragments are measured too
		m.fragment(f.Name)
	}
	return m.cost, m.err
}

// set measures a selection set: its depth, its complexity (fields with
// fragments expanded) and its response keys with fragments merged in.
func (m *meter) set(sel ast.SelectionSet) (depth, complexity int, keys map[string]bool) {
	keys = map[string]bool{}
	m.cost.Selections = max(m.cost.Selections, len(sel))
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				m.cost.Aliases++
			}
			d, c, _ := m.set(s.SelectionSet)
			depth, complexity = max(depth, d+1), add(complexity, add(c, 1))
			keys[responseKey(s)] = true
		case *ast.InlineFragment:
			d, c, k := m.set(s.SelectionSet)
			depth, complexity = max(depth, d), add(complexity, c)
			m.merge(keys, k)
		case *ast.FragmentSpread:
			fi := m.fragment(s.Name)
			depth, complexity = max(depth, fi.depth), add(complexity, fi.complexity)
			m.merge(keys, fi.keys)
		}
	}
	m.cost.MergedFields = max(m.cost.MergedFields, len(keys))
	return depth, complexity, keys
}

func (m *meter) fragment(name string) *fragInfo {
	fi := m.info[name]
	if fi == nil {
		fi = &fragInfo{}
		m.info[name] = fi
	}
	switch fi.state {
	case 1:
		if m.err == nil {
			m.err = &gqlerror.Error{Message: fmt.Sprintf("Cannot spread fragment %q within itself.", name),
				Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}
		}
		return fi
	case 2:
		return fi
	}
	def := m.frags[name]
	if def == nil { // an unknown fragment: validation names it
		fi.state = 2
		return fi
	}
	fi.state = 1
	fi.depth, fi.complexity, fi.keys = m.set(def.SelectionSet)
	fi.state = 2
	return fi
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// merge adds src's keys to dst, stopping once dst is past the cap: the
// count only has to show that it is too many.
func (m *meter) merge(dst, src map[string]bool) {
	for k := range src {
		if len(dst) > m.capKeys {
			return
		}
		dst[k] = true
	}
}
