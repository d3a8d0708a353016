// Package arch keeps the layering of STYLE.md true: it reads every
// package's imports with `go list` and checks the allowed directions.
package arch

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/threadline/threadline/"

// domain packages hold pure rules: no I/O, storage, transport or drivers.
var domain = []string{"core", "auth", "workspace", "user", "customer", "label", "field", "thread", "timeline", "component", "event"}

func imports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[strings.TrimPrefix(f[0], mod)] = f[1:]
	}
	return m
}

func TestLayers(t *testing.T) {
	all := imports(t)
	forbidden := func(pkg string, bad func(imp string) bool) {
		for _, imp := range all[pkg] {
			if bad(imp) {
				t.Errorf("%s must not import %s", pkg, imp)
			}
		}
	}
	ours := func(imp string) bool { return strings.HasPrefix(imp, mod) }
	rel := func(imp string) string { return strings.TrimPrefix(imp, mod) }
	forbidden("internal/core", ours)
	for _, d := range domain[1:] {
		forbidden("internal/"+d, func(imp string) bool {
			if ours(imp) {
				r := rel(imp)
				return !strings.HasPrefix(r, "internal/") || !isDomain(strings.TrimPrefix(r, "internal/"))
			}
			return imp == "net/http" || imp == "database/sql" || strings.Contains(imp, "sqlite") ||
				strings.Contains(imp, "pgx") || strings.Contains(imp, "gqlgen")
		})
	}
	for pkg := range all {
		if strings.HasPrefix(pkg, "internal/graph") {
			forbidden(pkg, func(imp string) bool { return strings.HasPrefix(rel(imp), "internal/store") })
		}
		if strings.HasPrefix(pkg, "internal/store") {
			forbidden(pkg, func(imp string) bool {
				r := rel(imp)
				return strings.HasPrefix(r, "internal/service") || strings.HasPrefix(r, "internal/graph") || strings.HasPrefix(r, "internal/server")
			})
		}
	}
	forbidden("internal/service", func(imp string) bool {
		r := rel(imp)
		return strings.HasPrefix(r, "internal/graph") || strings.HasPrefix(r, "internal/server") || imp == "net/http" ||
			strings.HasPrefix(r, "internal/store/")
	})
	if len(all["internal/core"]) == 0 && len(all) < 10 {
		t.Fatal("go list found too little; the check is not running")
	}
}

func isDomain(p string) bool {
	for _, d := range domain {
		if p == d {
			return true
		}
	}
	return false
}
