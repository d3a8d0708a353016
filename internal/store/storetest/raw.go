package storetest

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/threadline/threadline/internal/store"
)

// rawDB is implemented by both backends (sqlite.Store, postgres.Store):
// their database handle, for tests of the storage layer.
type rawDB interface{ DB() *sql.DB }

func dbOf(t testing.TB, st store.Store) *sql.DB {
	t.Helper()
	r, ok := st.(rawDB)
	if !ok {
		t.Fatalf("the %s store gives tests no database handle", st.Backend())
	}
	return r.DB()
}

// CountRows returns the number of rows of table, read straight from the
// backend's database: for tests that check what was (not) written.
func CountRows(t testing.TB, st store.Store, table string) int {
	t.Helper()
	var n int
	if err := dbOf(t, st).QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// QueryRows runs q (without arguments) straight on the backend's database
// and returns its rows, each column as text: for tests that check how
// values are stored.
func QueryRows(t testing.TB, st store.Store, q string) [][]string {
	t.Helper()
	rows, err := dbOf(t, st).Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Digest hashes every row of every table of st: equal digests mean nothing
// was written in between (for tests that something refused wrote nothing).
func Digest(t testing.TB, st store.Store) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if st.Backend() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`
	}
	h := sha256.New()
	for _, table := range QueryRows(t, st, q) {
		for _, row := range QueryRows(t, st, `SELECT * FROM `+table[0]+` ORDER BY 1`) {
			fmt.Fprintf(h, "%s %q\n", table[0], row)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
