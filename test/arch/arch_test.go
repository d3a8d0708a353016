// Package arch keeps the layering of STYLE.md true. It reads every
// package's direct imports and transitive dependencies with `go list` and
// checks them against one table: for each package under internal/ and
// cmd/, the packages of ours it may depend on, directly or through others.
package arch

import (
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const mod = "github.com/threadline/threadline/"

// The layers of STYLE.md: core ← domain packages ← store ← store/sqldb ←
// store/sqlite|postgres; domain + store + auth ← service ← graph, web,
// outbox, cmd; everything ← app.
var (
	kernel = []string{"internal/core"}
	// domain packages hold pure rules: types, validation, state machines,
	// typed events. auth (permissions, principals, keys) is as pure.
	domain = []string{"internal/attachment", "internal/auth", "internal/chat", "internal/company", "internal/component",
		"internal/customer", "internal/customercard", "internal/customergroup", "internal/email", "internal/event",
		"internal/field", "internal/label", "internal/note", "internal/tenant", "internal/thread", "internal/tier",
		"internal/timeline", "internal/user", "internal/webhook", "internal/workspace"}
	storage  = []string{"internal/store"}
	sqldb    = []string{"internal/store/sqldb"}
	backends = []string{"internal/store/sqlite", "internal/store/postgres"}
	// Storage workloads shared by the backends' benchmarks and the CLI's
	// load generator.
	workloads = []string{"internal/store/storebench"}
	service   = []string{"internal/service"}
	runner    = []string{"internal/bench"}
	graph     = []string{"internal/graph", "internal/graph/generated", "internal/graph/model", "internal/graph/schema"}
	web       = []string{"internal/web"}
	transport = []string{"internal/outbox", "internal/server", "internal/cardclient"}
	config    = []string{"internal/config"}
	wiring    = []string{"internal/app"}
	// The server's own machinery: outbound address policy, rate limits,
	// metrics.
	netguard  = []string{"internal/netguard"}
	ratelimit = []string{"internal/ratelimit"}
	metrics   = []string{"internal/metrics"}
	// Mail in and out: parsing, SMTP, IMAP, the relay.
	mail = []string{"internal/mail"}
)

// rule is what one package may depend on.
type rule struct {
	// may lists the packages of ours it may depend on, directly or not.
	may []string
	// notDirect lists packages of may it reaches only through others.
	notDirect []string
	// pure forbids I/O transports, SQL and GraphQL anywhere in its
	// dependencies (net/http, database/sql, the drivers, gqlgen).
	pure bool
	// noSQL forbids database/sql and the drivers anywhere in its
	// dependencies.
	noSQL bool
	// testSupport allows testing: the package is imported by tests only.
	testSupport bool
}

func join(groups ...[]string) []string { return slices.Concat(groups...) }

// rules has an entry for every package under internal/ and cmd/
// (TestEveryPackageHasARule), including some that do not exist yet.
func rules() map[string]rule {
	r := map[string]rule{}
	r["internal/core"] = rule{pure: true}
	for _, d := range domain {
		r[d] = rule{may: join(kernel, domain), pure: true}
	}
	r["internal/store"] = rule{may: join(kernel, domain), pure: true}
	r["internal/store/sqldb"] = rule{may: join(kernel, domain, storage)}
	for _, b := range backends {
		r[b] = rule{may: join(kernel, domain, storage, sqldb)}
	}
	// The conformance suite and benchmark support of every backend; the
	// backends' tests pass it their stores.
	r["internal/store/storetest"] = rule{may: join(kernel, domain, storage, runner, workloads), testSupport: true}
	r["internal/store/storebench"] = rule{may: join(kernel, domain, storage), pure: true}
	r["internal/service"] = rule{may: join(kernel, domain, storage), pure: true}
	r["internal/bench"] = rule{may: kernel, pure: true}
	r["internal/config"] = rule{may: kernel, pure: true}
	for _, g := range graph {
		r[g] = rule{may: join(kernel, domain, storage, service, graph), notDirect: storage, noSQL: true}
	}
	r["internal/web"] = rule{may: join(kernel, domain, storage, service, web), notDirect: storage, noSQL: true}
	r["internal/netguard"] = rule{noSQL: true}
	// Not noSQL: enmime's HTML-to-text converter reaches database/sql
	// through a table-rendering library; mail itself imports no SQL (the
	// direct-import rule below holds for it). It hands what it receives to
	// the service, which it reaches the store through only.
	r["internal/mail"] = rule{may: join(kernel, domain, storage, service), notDirect: storage}
	r["internal/metrics"] = rule{noSQL: true}
	r["internal/ratelimit"] = rule{may: join(kernel, domain, storage), noSQL: true}
	r["internal/outbox"] = rule{may: join(kernel, domain, storage, service, netguard), noSQL: true}
	// The customer card client: domain types over HTTP, under the outbound
	// address policy; the service reaches it through an interface.
	r["internal/cardclient"] = rule{may: join(kernel, domain, netguard), noSQL: true}
	r["internal/server"] = rule{may: join(kernel, domain, storage, service, graph, web, ratelimit, metrics), noSQL: true}
	everything := join(kernel, domain, storage, sqldb, backends, workloads, service, runner, graph, web, transport, config,
		netguard, ratelimit, metrics, mail)
	r["internal/app"] = rule{may: everything}
	// The CLI opens stores through app, the only package that knows both
	// backends; its bench scenarios use the runner.
	r["cmd/threadline"] = rule{may: join(everything, wiring), notDirect: join(sqldb, backends)}
	return r
}

// pkg is one package of ours as `go list` describes it, paths of ours
// relative to mod.
type pkg struct {
	path        string
	imports     []string // direct, of the non-test files
	deps        []string // transitive, of the non-test files (go list -deps)
	testImports []string // direct, of the test files
}

func list(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-f",
		`{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`,
		"./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	rel := func(s string) []string {
		f := strings.Fields(s)
		for i := range f {
			f[i] = strings.TrimPrefix(f[i], mod)
		}
		return f
	}
	m := map[string]pkg{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		p := pkg{path: strings.TrimPrefix(f[0], mod), imports: rel(f[1]), deps: rel(f[2]), testImports: rel(f[3])}
		m[p.path] = p
	}
	if len(m) < 20 || len(m["internal/service"].deps) == 0 {
		t.Fatalf("go list found too little (%d packages); the check is not running", len(m))
	}
	return m
}

// ruled reports whether path is a package the rules cover.
func ruled(path string) bool {
	return strings.HasPrefix(path, "internal/") || strings.HasPrefix(path, "cmd/")
}

// isOurs reports whether the dependency d is a package of this module
// (the standard library has internal/… packages too).
func isOurs(pkgs map[string]pkg, d string) bool {
	_, ok := pkgs[d]
	return ok
}

// isSQL reports whether p is database/sql or a database driver.
func isSQL(p string) bool {
	return p == "database/sql" || strings.HasPrefix(p, "modernc.org/sqlite") || strings.HasPrefix(p, "github.com/jackc/")
}

// isImpure reports whether p does I/O transport, SQL or GraphQL.
func isImpure(p string) bool {
	return isSQL(p) || p == "net/http" || strings.HasPrefix(p, "github.com/99designs/gqlgen") ||
		strings.HasPrefix(p, "github.com/vektah/gqlparser")
}

func TestEveryPackageHasARule(t *testing.T) {
	rs := rules()
	for path := range list(t) {
		if _, ok := rs[path]; ruled(path) && !ok {
			t.Errorf("package %s has no rule in test/arch: add what it may depend on to rules()", path)
		}
	}
}

// TestLayers checks every package's transitive dependencies against its rule.
func TestLayers(t *testing.T) {
	rs := rules()
	pkgs := list(t)
	var paths []string
	for p := range pkgs {
		if ruled(p) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		p, r := pkgs[path], rs[path]
		if _, ok := rs[path]; !ok {
			continue // reported by TestEveryPackageHasARule
		}
		for _, d := range p.deps {
			switch {
			case isOurs(pkgs, d) && !slices.Contains(r.may, d):
				t.Errorf("%s must not depend on %s (through %s)", path, d, via(pkgs, p, d))
			case r.pure && isImpure(d), r.noSQL && isSQL(d):
				t.Errorf("%s must not depend on %s (through %s)", path, d, via(pkgs, p, d))
			case d == "testing" && !r.testSupport:
				t.Errorf("%s is production code and must not depend on testing (through %s)", path, via(pkgs, p, d))
			}
		}
		for _, imp := range p.imports {
			if slices.Contains(r.notDirect, imp) {
				t.Errorf("%s must not import %s itself", path, imp)
			}
			if imp == "database/sql" && !strings.HasPrefix(path, "internal/store/") {
				t.Errorf("%s must not import database/sql: nothing outside internal/store sees the database", path)
			}
		}
	}
}

// TestTestsStayOutOfTheDatabase checks that tests outside internal/store
// reach tables only through store.Store and storetest's helpers.
func TestTestsStayOutOfTheDatabase(t *testing.T) {
	for path, p := range list(t) {
		if !ruled(path) || strings.HasPrefix(path, "internal/store") {
			continue
		}
		for _, imp := range p.testImports {
			if imp == "database/sql" || imp == "internal/store/sqldb" {
				t.Errorf("tests of %s must not import %s", path, imp)
			}
		}
	}
}

// via names the direct import of p through which it depends on d.
func via(pkgs map[string]pkg, p pkg, d string) string {
	for _, imp := range p.imports {
		if imp == d || slices.Contains(pkgs[imp].deps, d) {
			return imp
		}
	}
	return "?"
}
