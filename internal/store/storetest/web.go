package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// testCredentials: a user's role and password round-trip; Credentials finds
// a user by email in every workspace with the hash, GetUser shows only
// whether a password is set.
func testCredentials(t *testing.T, st store.Store) {
	a := MustCreateWorkspace(t, st, "A")
	b := MustCreateWorkspace(t, st, "B")
	ua, ub := NewUser(a.ID, "ann@example.com"), NewUser(b.ID, "ann@example.com")
	ua.Role = auth.RoleOwner
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, ua); err != nil {
			return err
		}
		return tx.CreateUser(ctx, ub)
	})
	now := core.SystemClock{}.Now()
	mustUpdate(t, st, func(tx store.Tx) error { return tx.SetPassword(ctx, a.ID, ua.ID, "$argon2id$hash", now) })
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.GetUser(ctx, a.ID, ua.ID)
		if err != nil || got.Role != auth.RoleOwner || !got.HasPassword {
			t.Errorf("user with password: %+v %v", got, err)
		}
		other, err := tx.GetUser(ctx, b.ID, ub.ID)
		if err != nil || other.Role != auth.RoleSupport || other.HasPassword {
			t.Errorf("user without: %+v %v", other, err)
		}
		cs, err := tx.Credentials(ctx, "ann@example.com")
		if err != nil || len(cs) != 2 {
			t.Fatalf("credentials: %+v %v", cs, err)
		}
		for _, c := range cs {
			want := ""
			if c.User.ID == ua.ID {
				want = "$argon2id$hash"
			}
			if c.PasswordHash != want {
				t.Errorf("%s: hash %q, want %q", c.User.ID, c.PasswordHash, want)
			}
		}
		if none, err := tx.Credentials(ctx, "nobody@example.com"); err != nil || len(none) != 0 {
			t.Errorf("unknown email: %v %v", none, err)
		}
		return nil
	})
	ua.Role = auth.RoleViewer
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateUser(ctx, ua) })
	mustView(t, st, func(tx store.Tx) error {
		if got, _ := tx.GetUser(ctx, a.ID, ua.ID); got.Role != auth.RoleViewer || !got.HasPassword {
			t.Errorf("after a role change: %+v", got)
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.SetPassword(ctx, b.ID, ua.ID, "x", now) }); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("password of another workspace's user: %v", err)
	}
}

// testSessions: sessions are found by their token's hash, touched,
// removed one by one, by user (keeping one) and when expired.
func testSessions(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "A")
	u, v := NewUser(w.ID, "ann@example.com"), NewUser(w.ID, "bob@example.com")
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.CreateUser(ctx, v)
	})
	t0 := core.SystemClock{}.Now()
	s1, tok1 := auth.NewSession(w.ID, u.ID, t0)
	s2, _ := auth.NewSession(w.ID, u.ID, t0)
	s3, _ := auth.NewSession(w.ID, u.ID, t0)
	sv, _ := auth.NewSession(w.ID, v.ID, t0.Add(-40*24*time.Hour))
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, s := range []auth.Session{s1, s2, s3, sv} {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, st, func(tx store.Tx) error {
		got, err := tx.SessionByTokenHash(ctx, auth.HashKey(tok1))
		if err != nil || got != s1 {
			t.Errorf("by token: %+v %v, want %+v", got, err, s1)
		}
		if _, err := tx.SessionByTokenHash(ctx, auth.HashKey("nope")); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		return nil
	})
	touched, _ := s1.Touched(t0.Add(time.Hour))
	mustUpdate(t, st, func(tx store.Tx) error { return tx.TouchSession(ctx, touched) })
	mustView(t, st, func(tx store.Tx) error {
		if got, _ := tx.SessionByTokenHash(ctx, s1.TokenHash); got != touched {
			t.Errorf("touched: %+v, want %+v", got, touched)
		}
		return nil
	})
	var n int
	mustUpdate(t, st, func(tx store.Tx) (err error) {
		if err := tx.DeleteSession(ctx, w.ID, s2.ID); err != nil {
			return err
		}
		n, err = tx.DeleteUserSessions(ctx, w.ID, u.ID, s1.ID)
		return err
	})
	if n != 1 {
		t.Errorf("DeleteUserSessions removed %d, want 1 (s3)", n)
	}
	mustUpdate(t, st, func(tx store.Tx) (err error) { n, err = tx.DeleteExpiredSessions(ctx, t0, 10); return err })
	if n != 1 {
		t.Errorf("DeleteExpiredSessions removed %d, want 1", n)
	}
	mustView(t, st, func(tx store.Tx) error {
		for _, s := range []auth.Session{s2, s3, sv} {
			if _, err := tx.SessionByTokenHash(ctx, s.TokenHash); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("session %s still there: %v", s.ID, err)
			}
		}
		if _, err := tx.SessionByTokenHash(ctx, s1.TokenHash); err != nil {
			t.Errorf("kept session: %v", err)
		}
		return nil
	})
	mustUpdate(t, st, func(tx store.Tx) (err error) { n, err = tx.DeleteUserSessions(ctx, w.ID, u.ID, ""); return err })
	if n != 1 {
		t.Errorf("DeleteUserSessions without keep removed %d, want 1", n)
	}
}

// testSearchThreads: threads are found by words their title, description,
// preview and messages begin, in the thread's workspace only, newest first
// with the filter applied; changed text is found by its new words only.
func testSearchThreads(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	other, otherCust := threadFixture(t, st, "B")
	printer := newThread(ws, cust, 1)
	printer.Title, printer.Description = "Printer on fire", core.Ptr("Café smoke: réseau")
	invoice := newThread(ws, cust, 2)
	invoice.Title, invoice.Description, invoice.Status = "Invoice question", core.Ptr("Fire drill"), thread.StatusDone
	elsewhere := newThread(other, otherCust, 1)
	elsewhere.Title = "Printer elsewhere"
	text := "The toner-cartridge leaks"
	chat, err := timeline.NewEntry(ws, invoice.ID, cust, "ch_1", timeline.Chat{ChatID: "ch_1", Text: &text, Inbound: true},
		core.SystemActor, core.SystemClock{}.Now())
	if err != nil {
		t.Fatal(err)
	}
	note, _ := timeline.NewEntry(ws, invoice.ID, cust, "n_1", timeline.Note{NoteID: "n_1", Text: "secret printer"},
		core.SystemActor, core.SystemClock{}.Now())
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, th := range []thread.Thread{printer, invoice, elsewhere} {
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
		}
		if err := tx.CreateTimelineEntry(ctx, chat); err != nil {
			return err
		}
		return tx.CreateTimelineEntry(ctx, note)
	})
	search := func(q string, f thread.Filter) []string {
		t.Helper()
		var ids []string
		mustView(t, st, func(tx store.Tx) error {
			rows, err := tx.SearchThreads(ctx, ws, core.SearchTerms(q), f, core.Page{Limit: 10})
			for _, r := range rows {
				ids = append(ids, r.Thread.ID)
			}
			return err
		})
		return ids
	}
	for _, tc := range []struct {
		q    string
		f    thread.Filter
		want []string
	}{
		{"print", thread.Filter{}, []string{printer.ID}}, // not the other workspace's, nor the note
		{"PRINTER fire", thread.Filter{}, []string{printer.ID}},
		{"printer invoice", thread.Filter{}, nil},
		{"cafe", thread.Filter{}, []string{printer.ID}}, // diacritics: SQLite folds them
		{"toner cart", thread.Filter{}, []string{invoice.ID}},
		{"leaks", thread.Filter{Statuses: []thread.Status{thread.StatusTodo}}, nil},
		{"q", thread.Filter{}, []string{invoice.ID}},
		{"!!!", thread.Filter{}, nil},
	} {
		got := search(tc.q, tc.f)
		if tc.q == "cafe" && st.Backend() == "postgres" {
			tc.want = nil // PostgreSQL's simple configuration keeps accents
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := search("fire", thread.Filter{}); !slices.Equal(got, []string{invoice.ID, printer.ID}) {
		t.Errorf("newest first: %v", got)
	}
	// Changes of title and messages are searched as they are now.
	invoice.Title = "Refund please"
	mustUpdate(t, st, func(tx store.Tx) error {
		if err := tx.UpdateThread(ctx, invoice); err != nil {
			return err
		}
		return tx.DeleteTimelineEntry(ctx, ws, chat.ID)
	})
	for q, want := range map[string][]string{"invoice": nil, "refund": {invoice.ID}, "toner": nil} {
		if got := search(q, thread.Filter{}); !slices.Equal(got, want) {
			t.Errorf("after changes, %q: %v, want %v", q, got, want)
		}
	}
}

// testSearchCustomers: customers are found by words of the fields a
// condition names (any condition), in their workspace only.
func testSearchCustomers(t *testing.T, st store.Store) {
	w := MustCreateWorkspace(t, st, "A")
	o := MustCreateWorkspace(t, st, "B")
	carl := NewCustomer(w.ID, "Carl Smith", "c.perez@acme.io")
	carl.ExternalID = core.Ptr("cus_98f1")
	ada := NewCustomer(w.ID, "Ada Lovelace", "ada@example.com")
	ada.ShortName = core.Ptr("Carla")
	twin := NewCustomer(o.ID, "Carl Twin", "carl@example.com")
	mustUpdate(t, st, func(tx store.Tx) error {
		for _, c := range []customer.Customer{carl, ada, twin} {
			if err := tx.CreateCustomer(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	th := newThread(w.ID, ada.ID, 1)
	th.Title = "Broken flux capacitor"
	mustUpdate(t, st, func(tx store.Tx) error { return tx.CreateThread(ctx, th) })
	search := func(conds ...customer.SearchCondition) []string {
		t.Helper()
		var ids []string
		mustView(t, st, func(tx store.Tx) error {
			cs, err := tx.SearchCustomers(ctx, w.ID, conds, customer.Filter{}, customer.Sort{}, core.Page{Limit: 10})
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return err
		})
		return ids
	}
	cond := func(f customer.SearchField, q string) customer.SearchCondition {
		return customer.SearchCondition{Field: f, Terms: core.SearchTerms(q)}
	}
	for _, tc := range []struct {
		name  string
		conds []customer.SearchCondition
		want  []string
	}{
		{"full name", []customer.SearchCondition{cond(customer.SearchFullName, "carl")}, []string{carl.ID}},
		{"full or short name", []customer.SearchCondition{cond(customer.SearchFullName, "carl"), cond(customer.SearchShortName, "carl")},
			[]string{ada.ID, carl.ID}}, // by full name
		{"email words", []customer.SearchCondition{cond(customer.SearchEmail, "perez@acme")}, []string{carl.ID}},
		{"email is not the name", []customer.SearchCondition{cond(customer.SearchEmail, "smith")}, nil},
		{"external id", []customer.SearchCondition{cond(customer.SearchExternalID, "98f")}, []string{carl.ID}},
		{"timeline text", []customer.SearchCondition{cond(customer.SearchTimelineText, "flux")}, []string{ada.ID}},
		{"no terms", []customer.SearchCondition{cond(customer.SearchFullName, "  ")}, nil},
	} {
		if got := search(tc.conds...); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	carl.FullName = "Charles Smith"
	mustUpdate(t, st, func(tx store.Tx) error { return tx.UpdateCustomer(ctx, carl) })
	if got := search(cond(customer.SearchFullName, "carl")); len(got) != 0 {
		t.Errorf("old name still found: %v", got)
	}
	if got := search(cond(customer.SearchFullName, "charl")); !slices.Equal(got, []string{carl.ID}) {
		t.Errorf("new name: %v", got)
	}
}

// testCountThreadsUpTo: counts stop at the limit and apply the filter.
func testCountThreadsUpTo(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	mustUpdate(t, st, func(tx store.Tx) error {
		for i := int64(1); i <= 5; i++ {
			th := newThread(ws, cust, i)
			if i > 3 {
				th.Status = thread.StatusDone
			}
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
		}
		return nil
	})
	todo := thread.Filter{Statuses: []thread.Status{thread.StatusTodo}}
	for _, tc := range []struct {
		f     thread.Filter
		limit int
		want  int
	}{{thread.Filter{}, 10, 5}, {thread.Filter{}, 4, 4}, {todo, 10, 3}, {todo, 2, 2}} {
		mustView(t, st, func(tx store.Tx) error {
			n, err := tx.CountThreadsUpTo(ctx, ws, tc.f, tc.limit)
			if err != nil || n != tc.want {
				t.Errorf("CountThreadsUpTo(%+v, %d) = %d %v, want %d", tc.f, tc.limit, n, err, tc.want)
			}
			return nil
		})
	}
}
