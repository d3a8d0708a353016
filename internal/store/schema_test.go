package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/store/postgres"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/test/harness"
)

// The migrations of the two backends are twins: the same numbered files,
// defining the same tables, columns and indexes in each dialect. These
// tests apply both to real databases and compare their catalogs.

// sqliteTypes maps a declared SQLite column type to the PostgreSQL type the
// twin migration declares: the migrations use the same words.
var sqliteTypes = map[string]string{
	"TEXT":             "text",
	"BIGINT":           "bigint",
	"INTEGER":          "integer",
	"BOOLEAN":          "boolean",
	"DOUBLE PRECISION": "double precision",
	"BLOB":             "bytea",
}

// rowidColumns are the legitimate dialect differences of column types:
// SQLite's auto-incrementing key must be declared exactly "INTEGER PRIMARY
// KEY" to be the table's 64-bit rowid, which PostgreSQL spells "BIGINT
// GENERATED ALWAYS AS IDENTITY".
var rowidColumns = map[string]string{
	"outbox.seq":              "bigint",
	"webhook_deliveries.seq":  "bigint",
	"thread_search_docs.id":   "bigint",
	"customer_search_docs.id": "bigint",
}

// fullTextIndexes are the other legitimate difference: each backend indexes
// the search documents its own way, SQLite in FTS5 virtual tables (with
// their shadow tables, thread_search_fts_data …), PostgreSQL in GIN indexes
// of tsvectors (thread_search_docs_fts). They are left out of the
// comparison, by these name prefixes.
var fullTextIndexes = []string{"thread_search_fts", "customer_search_fts", "thread_search_docs_fts", "customer_search_docs_fts"}

func isFullTextIndex(name string) bool {
	for _, p := range fullTextIndexes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// column is one column as both catalogs describe it, in PostgreSQL's terms.
type column struct {
	typ     string
	notNull bool
}

// index is one index: its table, columns in order, uniqueness and the
// normalised WHERE clause of a partial index.
type index struct {
	table   string
	columns string
	unique  bool
	where   string
}

// catalog is a database's schema. Indexes that back PRIMARY KEY and UNIQUE
// constraints are compared by table and columns (primaryKeys,
// uniqueConstraints), not by name: SQLite names them
// sqlite_autoindex_<table>_<n> whatever the constraint is called. Indexes
// made by CREATE INDEX are compared by name.
type catalog struct {
	columns           map[string]map[string]column // table → column → column
	primaryKeys       map[string]string            // table → columns
	uniqueConstraints []string                     // "table(columns)", sorted
	indexes           map[string]index             // name → index
}

func TestMigrationNumbersMatch(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(filepath.Join(dir, "migrations"))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	lite, pg := names("sqlite"), names("postgres")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("the migration directories differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}

func TestMigrationsDefineTheSameSchema(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "schema.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	// Skips without THREADLINE_TEST_POSTGRES_URL, fails instead under THREADLINE_TEST_STRICT.
	pg, err := postgres.Open(ctx, harness.FreshPostgresURL(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	a, b := sqliteCatalog(t, lite.DB()), postgresCatalog(t, pg.DB())
	if ta, tb := slices.Sorted(maps.Keys(a.columns)), slices.Sorted(maps.Keys(b.columns)); !slices.Equal(ta, tb) {
		t.Fatalf("tables differ:\nsqlite:   %v\npostgres: %v", ta, tb)
	}
	for table, cols := range a.columns {
		for name, ca := range cols {
			if cb, ok := b.columns[table][name]; !ok {
				t.Errorf("%s.%s: only in SQLite", table, name)
			} else if ca != cb {
				t.Errorf("%s.%s: SQLite %+v, PostgreSQL %+v", table, name, ca, cb)
			}
		}
		for name := range b.columns[table] {
			if _, ok := cols[name]; !ok {
				t.Errorf("%s.%s: only in PostgreSQL", table, name)
			}
		}
	}
	if !maps.Equal(a.primaryKeys, b.primaryKeys) {
		t.Errorf("primary keys differ:\nsqlite:   %v\npostgres: %v", a.primaryKeys, b.primaryKeys)
	}
	if !slices.Equal(a.uniqueConstraints, b.uniqueConstraints) {
		t.Errorf("unique constraints differ:\nsqlite:   %v\npostgres: %v", a.uniqueConstraints, b.uniqueConstraints)
	}
	for _, name := range slices.Sorted(maps.Keys(a.indexes)) {
		if ib, ok := b.indexes[name]; !ok {
			t.Errorf("index %s: only in SQLite", name)
		} else if ia := a.indexes[name]; ia != ib {
			t.Errorf("index %s: SQLite %+v, PostgreSQL %+v", name, ia, ib)
		}
	}
	for name := range b.indexes {
		if _, ok := a.indexes[name]; !ok {
			t.Errorf("index %s: only in PostgreSQL", name)
		}
	}
	if len(a.columns) < 15 || len(a.indexes) < 15 {
		t.Fatalf("the catalogs hold only %d tables and %d indexes: is the query right?", len(a.columns), len(a.indexes))
	}
}

// normalizeWhere renders a partial index's predicate comparably: PostgreSQL
// writes "(status = 'PENDING'::text)" for SQLite's "status = 'PENDING'".
func normalizeWhere(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "::text", "")
	return strings.NewReplacer("(", "", ")", "", " ", "", "\n", "", "\t", "").Replace(s)
}

// rows runs q and returns its rows as text.
func rows(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rs, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out [][]string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rs.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sqliteCatalog(t *testing.T, db *sql.DB) catalog {
	t.Helper()
	c := catalog{columns: map[string]map[string]column{}, primaryKeys: map[string]string{}, indexes: map[string]index{}}
	for _, tr := range rows(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`) {
		table := tr[0]
		if isFullTextIndex(table) {
			continue
		}
		c.columns[table] = map[string]column{}
		pk := map[string]string{}
		for _, r := range rows(t, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, table) {
			typ, ok := sqliteTypes[strings.ToUpper(r[1])]
			if want, rowid := rowidColumns[table+"."+r[0]]; rowid {
				typ, ok = want, true
			}
			if !ok {
				t.Errorf("%s.%s: SQLite type %q has no PostgreSQL twin in sqliteTypes", table, r[0], r[1])
			}
			// A primary key column is NOT NULL: PostgreSQL makes it so, and
			// SQLite would accept NULL in a non-INTEGER key only through a
			// documented legacy quirk that no insert of ours relies on.
			c.columns[table][r[0]] = column{typ: typ, notNull: r[2] == "1" || r[3] != "0"}
			if r[3] != "0" {
				pk[r[3]] = r[0]
			}
		}
		for i := 1; i <= len(pk); i++ {
			c.primaryKeys[table] = strings.TrimPrefix(c.primaryKeys[table]+","+pk[fmt.Sprint(i)], ",")
		}
		for _, r := range rows(t, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, table) {
			var cols []string
			for _, ic := range rows(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, r[0]) {
				cols = append(cols, ic[0])
			}
			switch r[2] {
			case "pk":
			case "u":
				c.uniqueConstraints = append(c.uniqueConstraints, table+"("+strings.Join(cols, ",")+")")
			default:
				var where string
				if def := rows(t, db, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, r[0]); len(def) == 1 {
					if _, w, ok := strings.Cut(def[0][0], " WHERE "); ok {
						where = normalizeWhere(w)
					}
				}
				c.indexes[r[0]] = index{table: table, columns: strings.Join(cols, ","), unique: r[1] == "1", where: where}
			}
		}
	}
	slices.Sort(c.uniqueConstraints)
	return c
}

func postgresCatalog(t *testing.T, db *sql.DB) catalog {
	t.Helper()
	c := catalog{columns: map[string]map[string]column{}, primaryKeys: map[string]string{}, indexes: map[string]index{}}
	for _, r := range rows(t, db, `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema()`) {
		if c.columns[r[0]] == nil {
			c.columns[r[0]] = map[string]column{}
		}
		c.columns[r[0]][r[1]] = column{typ: r[2], notNull: r[3] == "NO"}
	}
	for _, r := range rows(t, db, `SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary,
			EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid AND k.contype = 'u'),
			COALESCE(pg_get_expr(ix.indpred, ix.indrelid), ''),
			array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',')
		FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()`) {
		table, name, cols := r[0], r[1], r[6]
		switch {
		case isFullTextIndex(name):
		case r[3] == "true":
			c.primaryKeys[table] = cols
		case r[4] == "true":
			c.uniqueConstraints = append(c.uniqueConstraints, table+"("+cols+")")
		default:
			c.indexes[name] = index{table: table, columns: cols, unique: r[2] == "true", where: normalizeWhere(r[5])}
		}
	}
	slices.Sort(c.uniqueConstraints)
	return c
}
