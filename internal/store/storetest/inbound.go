package storetest

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// testThreadListByLastInbound checks the LAST_INBOUND_MESSAGE_AT sort:
// threads by the time of their last inbound message (newest first when
// descending), threads without one after them, ties broken by id, through
// keyset pages; and that the plan reads an index in order (SQLite).
func testThreadListByLastInbound(t *testing.T, st store.Store) {
	ws, cust := threadFixture(t, st, "A")
	base := core.FromMillis(1_700_000_000_000)
	who := core.Actor{Type: core.ActorCustomer, ID: cust}
	var silent []string
	mustUpdate(t, st, func(tx store.Tx) error {
		for i, minutes := range []int{5, -1, 30, 5, -1, 1, 60} {
			th := newThread(ws, cust, int64(i+1))
			if minutes >= 0 {
				at := base.Add(time.Duration(minutes) * time.Minute)
				th.Messages.LastInbound = &thread.MessageInfo{At: at, Source: thread.SourceChat, Actor: who}
				th.Messages.FirstInbound = th.Messages.LastInbound
			} else {
				silent = append(silent, th.ID)
			}
			if err := tx.CreateThread(ctx, th); err != nil {
				return err
			}
		}
		return nil
	})
	var all []store.ThreadRow
	desc := thread.Sort{Field: thread.SortLastInboundMessageAt, Descending: true}
	var after core.Cursor
	for range 10 {
		var rows []store.ThreadRow
		mustView(t, st, func(tx store.Tx) (err error) {
			rows, err = tx.ListThreads(ctx, ws, thread.Filter{}, desc, core.Page{Limit: 2, After: after})
			return err
		})
		more := len(rows) > 2
		if more {
			rows = rows[:2]
		}
		all = append(all, rows...)
		if !more {
			break
		}
		last := rows[len(rows)-1]
		after = core.Cursor{last.SortValue, last.Thread.ID}
	}
	var got []int64
	for _, r := range all {
		got = append(got, r.Thread.LastInboundMillis())
	}
	m := base.Millis()
	wantTimes := []int64{m + 3_600_000, m + 1_800_000, m + 300_000, m + 300_000, m + 60_000, 0, 0}
	if !slices.Equal(got, wantTimes) {
		t.Errorf("last inbound times in order: %v, want %v", got, wantTimes)
	}
	slices.Sort(silent)
	slices.Reverse(silent)
	if len(all) == 7 && (all[5].Thread.ID != silent[0] || all[6].Thread.ID != silent[1]) {
		t.Errorf("threads without inbound messages are last, by id descending")
	}
	if len(all) == 7 && all[2].Thread.ID < all[3].Thread.ID {
		t.Errorf("a tie is broken by id, descending")
	}
	checkLastInboundPlan(t, st, ws, desc)
}

// checkLastInboundPlan checks, on SQLite (PostgreSQL rightly scans a
// table this small), that the LAST_INBOUND_MESSAGE_AT sort reads an index
// in order, without and with a status filter.
func checkLastInboundPlan(t *testing.T, st store.Store, ws string, desc thread.Sort) {
	t.Helper()
	if st.Backend() != "sqlite" {
		return
	}
	mustView(t, st, func(tx store.Tx) error {
		ex, ok := tx.(store.ThreadListExplainer)
		if !ok {
			return nil
		}
		for _, f := range []thread.Filter{{}, {Statuses: []thread.Status{thread.StatusTodo}}} {
			plan, err := ex.ExplainListThreads(ctx, ws, f, desc, core.Page{Limit: 25, After: core.Cursor{"0", "th_x"}})
			if err != nil {
				return err
			}
			for _, line := range plan {
				if badThreadPlan.MatchString(line) {
					t.Errorf("LAST_INBOUND_MESSAGE_AT (%+v) scans threads or sorts: %q", f, plan)
				}
			}
		}
		return nil
	})
}

// badThreadPlan matches SQLite plan lines that scan the threads table or sort.
var badThreadPlan = regexp.MustCompile(`^\s*SCAN t\b|TEMP B-TREE`)
