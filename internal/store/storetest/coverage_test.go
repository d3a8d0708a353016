package storetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// storeMethods returns every method of every interface declared in package
// store (the directory above this one), as "Interface.Method". Embedded
// interfaces (Tx embeds the per-aggregate ones) count where they are
// declared.
func storeMethods(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "store" {
			t.Fatalf("%s is package %s, not store", name, f.Name.Name)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			if it, ok := ts.Type.(*ast.InterfaceType); ok {
				for _, m := range it.Methods.List {
					if _, isFunc := m.Type.(*ast.FuncType); isFunc {
						for _, id := range m.Names {
							out = append(out, ts.Name.Name+"."+id.Name)
						}
					}
				}
			}
			return false
		})
	}
	if len(out) < 80 || !slices.Contains(out, "WebhookStore.ClaimDeliveries") {
		t.Fatalf("found only %d store methods; is the parser looking at internal/store?", len(out))
	}
	return out
}

// TestSuiteCoversEveryMethod fails when a method of a store interface has
// no conformance test that declares it covers it, and when a test declares
// a method that does not exist.
func TestSuiteCoversEveryMethod(t *testing.T) {
	methods := storeMethods(t)
	covered := map[string]bool{}
	names := map[string]bool{}
	for _, tc := range suite {
		if names[tc.name] {
			t.Errorf("two conformance tests are named %s", tc.name)
		}
		names[tc.name] = true
		if len(tc.covers) == 0 {
			t.Errorf("conformance test %s covers no store method", tc.name)
		}
		for _, m := range tc.covers {
			if !slices.Contains(methods, m) {
				t.Errorf("conformance test %s covers %s, which no store interface declares", tc.name, m)
			}
			covered[m] = true
		}
	}
	for _, m := range methods {
		if !covered[m] {
			t.Errorf("store method %s has no conformance test: add one to suite in storetest.go", m)
		}
	}
}
