package sdk

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/graph"
	"github.com/threadline/threadline/internal/graph/schema"
	"github.com/threadline/threadline/test/harness"
)

// clientDocument is one operation of @team-plain/graphql as schema-compat.mjs
// writes it: the text the client sends.
type clientDocument struct {
	Name   string   `json:"name"`
	Roots  []string `json:"roots"`
	Served bool     `json:"served"`
	Query  string   `json:"query"`
}

// TestPlainGraphQLClientCompat keeps the served schema in step with Plain's
// current client, @team-plain/graphql 1.3.0: schema-compat.mjs fails on any
// type, field, argument, nullability, enum value or union member of the
// served schema that differs from Plain's (testdata/plain-core-1.3.0.graphql)
// and on any document of the client whose root fields Threadline serves
// that does not validate; it prints the counts. Then every one of the
// client's documents must pass the server's document limits with half of
// each limit, so that the limits stay well above what the client sends.
func TestPlainGraphQLClientCompat(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node not found: the client compatibility test is skipped")
	}
	harness.InstallSDK(t)
	dir := t.TempDir()
	servedFile, docsFile := filepath.Join(dir, "served.graphql"), filepath.Join(dir, "documents.json")
	if err := os.WriteFile(servedFile, []byte(schema.SDL()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "schema-compat.mjs", "--served", servedFile,
		"--reference", filepath.Join("testdata", "plain-core-1.3.0.graphql"), "--documents-out", docsFile)
	out, err := cmd.CombinedOutput()
	t.Logf("schema-compat.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the served schema or the client's documents disagree (%v)", err)
	}

	var docs []clientDocument
	b, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &docs); err != nil || len(docs) < 500 {
		t.Fatalf("documents: %d, %v; want the client's 506", len(docs), err)
	}
	half := graph.DefaultLimits
	half.Tokens, half.Operations, half.Fragments, half.Aliases = half.Tokens/2, half.Operations/2, half.Fragments/2, half.Aliases/2
	half.Depth, half.Selections, half.MergedFields, half.Complexity = half.Depth/2, half.Selections/2, half.MergedFields/2, half.Complexity/2
	var most graph.Cost
	var longest clientDocument
	for _, d := range docs {
		doc, gerr := graph.ParseBounded(d.Query, half)
		if gerr != nil {
			t.Errorf("%s: refused with half of DefaultLimits: %s", d.Name, gerr.Message)
			continue
		}
		c, _ := graph.Measure(doc, graph.DefaultLimits.MergedFields)
		most = graph.Cost{Operations: max(most.Operations, c.Operations), Fragments: max(most.Fragments, c.Fragments),
			Aliases: max(most.Aliases, c.Aliases), Depth: max(most.Depth, c.Depth), Selections: max(most.Selections, c.Selections),
			MergedFields: max(most.MergedFields, c.MergedFields), Complexity: max(most.Complexity, c.Complexity)}
		if len(d.Query) > len(longest.Query) {
			longest = d
		}
	}
	t.Logf("the largest of %d documents: %d bytes (%s); most %+v; limits %+v",
		len(docs), len(longest.Query), longest.Name, most, graph.DefaultLimits)
	if !strings.Contains(string(out), "operations whose root fields Threadline serves") {
		t.Error("schema-compat.mjs printed no counts")
	}
}
