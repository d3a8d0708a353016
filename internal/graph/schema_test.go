package graph

import (
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/graph/generated"
	"github.com/threadline/threadline/internal/graph/schema"
)

// TestGeneratedCodeCurrent fails when the schema files changed after the
// last "make generate": the server executes (and guards with) the schema
// embedded in generated code, but publishes the files.
func TestGeneratedCodeCurrent(t *testing.T) {
	embedded := map[string]string{}
	for _, def := range generated.NewExecutableSchema(generated.Config{}).Schema().Types {
		if def.Position != nil && def.Position.Src != nil && !def.Position.Src.BuiltIn {
			name := def.Position.Src.Name[strings.LastIndex(def.Position.Src.Name, "/")+1:]
			embedded[name] = def.Position.Src.Input
		}
	}
	files := schema.Files()
	if len(files) == 0 || len(embedded) == 0 {
		t.Fatalf("%d schema files, %d embedded sources", len(files), len(embedded))
	}
	for name, text := range files {
		if got, ok := embedded[name]; !ok || got != text {
			t.Errorf("%s changed since the last make generate: run make generate", name)
		}
	}
}
