package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/tier"
	"github.com/threadline/threadline/internal/timeline"
)

// SeedVersion names what SeedList generates; it changes whenever the
// generated rows do, so that cached benchmark databases are rebuilt.
const SeedVersion = 4

// SeededList describes a workspace SeedList generated.
type SeededList struct {
	WorkspaceID string
	// LabelTypeIDs are the workspace's label types; the first is on 30% of
	// the threads, the others on 10% and 2% of them.
	LabelTypeIDs []string
	Threads      int
	// TodoLabeled counts the TODO threads carrying LabelTypeIDs[0]: the
	// rows of the list the thread-list benchmarks read.
	TodoLabeled int
	// TenantIDs are the workspace's tenants; four in five threads are
	// about one of them, each as likely. TierIDs are its tiers: tenant i is
	// in tier i%len(TierIDs), and a thread is in its tenant's tier.
	TenantIDs []string
	TierIDs   []string
	// TenantThreads and TierThreads count the threads of TenantIDs[0] and
	// of TierIDs[0].
	TenantThreads int
	TierThreads   int
	// Elapsed is the time taken to write the threads.
	Elapsed time.Duration
}

// seedBatch is the number of threads SeedList writes per transaction.
const seedBatch = 50_000

// SeedList creates a workspace with one customer, three label types, 20
// tenants in 3 tiers and writes n threads into it through
// store.BulkSeeder, shaped as `threadline bench seed-threads` shapes them by
// default: created over the past year in id order, half of them DONE and
// of the rest four in five TODO, one in five SNOOZED (waking half a year on
// at the earliest); label types on 30%, 10% and 2% of the threads; four in
// five about a tenant (in its tier); one thread_created timeline entry
// each. The same n always gives the same statuses, labels and tenants.
func SeedList(ctx context.Context, st store.Store, n int) (SeededList, error) {
	bulk, ok := st.(store.BulkSeeder)
	if !ok || n < 1 {
		return SeededList{}, errors.New("seed list: the store must be a store.BulkSeeder and n positive")
	}
	g, out, err := seedListSetUp(ctx, st, n)
	if err != nil {
		return SeededList{}, fmt.Errorf("seed list set-up: %w", err)
	}
	start := time.Now()
	for done := 0; done < n; done += seedBatch {
		var todo, ofTenant, ofTier int
		err := bulk.SeedThreads(ctx, out.WorkspaceID, min(seedBatch, n-done), func(ref int64) store.SeedThread {
			s := g.next(ref)
			if s.Thread.Status == thread.StatusTodo && len(s.Labels) > 0 && s.Labels[0].TypeID == out.LabelTypeIDs[0] {
				todo++
			}
			if th := s.Thread; th.TenantID != nil && *th.TenantID == out.TenantIDs[0] {
				ofTenant++
			}
			if th := s.Thread; th.TierID != nil && *th.TierID == out.TierIDs[0] {
				ofTier++
			}
			return s
		})
		if err != nil {
			return SeededList{}, err
		}
		out.TodoLabeled, out.TenantThreads, out.TierThreads = out.TodoLabeled+todo, out.TenantThreads+ofTenant, out.TierThreads+ofTier
	}
	out.Threads, out.Elapsed = n, time.Since(start)
	return out, nil
}

// Accounts of the generated workspace.
const (
	seedTenants = 20
	seedTiers   = 3
)

// seedListSetUp stores the workspace, customer, label types, tenants and
// tiers.
func seedListSetUp(ctx context.Context, st store.Store, n int) (*listGenerator, SeededList, error) {
	now := core.SystemClock{}.Now()
	ws := NewWorkspace("Bench list")
	c := NewCustomer(ws.ID, "Bench Customer", "bench-list@example.com")
	out := SeededList{WorkspaceID: ws.ID}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateWorkspace(ctx, ws); err != nil {
			return err
		}
		if err := tx.CreateCustomer(ctx, c); err != nil {
			return err
		}
		for _, name := range []string{"Bug", "Billing", "Feature request"} {
			lt, err := label.NewType(ws.ID, label.CreateInput{Name: name}, now, core.SystemActor)
			if err != nil {
				return err
			}
			if err := tx.CreateLabelType(ctx, lt); err != nil {
				return err
			}
			out.LabelTypeIDs = append(out.LabelTypeIDs, lt.ID)
		}
		return seedAccounts(ctx, tx, ws.ID, &out)
	})
	if err != nil {
		return nil, SeededList{}, err
	}
	payload, err := component.Marshal(component.Normalize([]component.Component{{Text: &component.Text{Text: "Password reset emails never arrive."}}}))
	g := &listGenerator{ws: ws.ID, cust: c.ID, types: out.LabelTypeIDs, tenants: out.TenantIDs, tiers: out.TierIDs, payload: payload,
		rng: rand.New(rand.NewPCG(1, 0x7468726561646c6e)), now: now.Millis(), step: float64(365*24*3600*1000) / float64(n)}
	return g, out, err
}

// listGenerator makes SeedList's threads, one at a time, oldest first.
type listGenerator struct {
	ws, cust  string
	types     []string
	tenants   []string
	tiers     []string // of tenants[i]: tiers[i%len(tiers)]
	payload   []byte
	rng       *rand.Rand
	now       int64 // ms
	step      float64
	generated int
}

func (g *listGenerator) next(ref int64) store.SeedThread {
	r, by := g.rng, core.SystemActor
	created := core.FromMillis(g.now - 365*24*3600*1000 + int64(float64(g.generated)*g.step))
	g.generated++
	th := thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: g.ws, Ref: ref, CustomerID: g.cust,
		Title: fmt.Sprintf("Password reset emails never arrive (#%d)", ref), PreviewText: core.Ptr("Password reset emails never arrive."),
		Priority: r.IntN(4), Status: thread.StatusTodo, StatusDetail: thread.DetailCreated, StatusChangedAt: created,
		StatusChangedBy: by, Channel: thread.ChannelAPI, CreatedAt: created, CreatedBy: by, UpdatedAt: created, UpdatedBy: by}
	switch p := r.IntN(10); {
	case p < 5:
		th.Status, th.StatusDetail = thread.StatusDone, thread.DetailDoneManuallySet
	case p == 5:
		wake := core.FromMillis(g.now + (180*24*3600+int64(r.IntN(180*24*3600)))*1000)
		th.Status, th.StatusDetail, th.WaitingUntil = thread.StatusSnoozed, thread.DetailWaitingForDuration, &wake
	case p < 8:
		th.StatusDetail = thread.DetailInProgress
	}
	if r.IntN(5) > 0 {
		i := r.IntN(len(g.tenants))
		th.TenantID, th.TierID = &g.tenants[i], &g.tiers[i%len(g.tiers)]
	}
	s := store.SeedThread{Thread: th, Timeline: []timeline.Entry{{ID: core.NewID(core.PrefixTimeline), WorkspaceID: g.ws,
		ThreadID: th.ID, CustomerID: g.cust, Kind: timeline.KindThreadCreated, Payload: g.payload, Actor: by, CreatedAt: created}}}
	for j, pct := range []int{30, 10, 2} {
		if r.IntN(100) < pct {
			s.Labels = append(s.Labels, label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: g.ws, ThreadID: th.ID,
				TypeID: g.types[j], CreatedAt: created, CreatedBy: by, UpdatedAt: created, UpdatedBy: by})
		}
	}
	return s
}

// ListScenario is one list the thread-list benchmarks read: the filter the
// service is asked for, the same filter resolved as storage reads it (for
// its query plan), and how many threads it matches.
type ListScenario struct {
	Name             string
	Filter, Resolved thread.Filter
	Matched          int
}

// ListScenarios are the lists the benchmarks read in a SeedList
// workspace: the TODO threads of a label type, the threads about a tenant,
// and the threads in a tier, newest first.
func ListScenarios(s SeededList) []ListScenario {
	label := thread.Filter{Statuses: []thread.Status{thread.StatusTodo}, LabelTypeIDs: s.LabelTypeIDs[:1]}
	byID := func(id string) []core.Ref { return []core.Ref{{By: core.ByID, Value: id}} }
	return []ListScenario{
		{"TodoLabel", label, label, s.TodoLabeled},
		{"Tenant", thread.Filter{Tenants: byID(s.TenantIDs[0])}, thread.Filter{TenantIDs: s.TenantIDs[:1]}, s.TenantThreads},
		{"Tier", thread.Filter{Tiers: byID(s.TierIDs[0])}, thread.Filter{TierIDs: s.TierIDs[:1]}, s.TierThreads},
	}
}

// seedAccounts stores the tiers and tenants of the generated workspace,
// each tenant a member of its tier.
func seedAccounts(ctx context.Context, tx store.Tx, ws string, out *SeededList) error {
	now := core.SystemClock{}.Now()
	for i := range seedTiers {
		tr, err := tier.New(ws, tier.CreateInput{Name: fmt.Sprintf("Tier %d", i), ExternalID: fmt.Sprintf("tier-%d", i),
			Color: "#336699"}, now, core.SystemActor)
		if err != nil {
			return err
		}
		if err := tx.CreateTier(ctx, tr); err != nil {
			return err
		}
		out.TierIDs = append(out.TierIDs, tr.ID)
	}
	for i := range seedTenants {
		te := tenant.New(ws, tenant.UpsertInput{ExternalID: fmt.Sprintf("tenant-%d", i), Name: fmt.Sprintf("Tenant %d", i)},
			now, core.SystemActor)
		if err := tx.CreateTenant(ctx, te); err != nil {
			return err
		}
		tierID := out.TierIDs[i%seedTiers]
		if _, err := tx.SetTierMembership(ctx, tier.NewMembership(ws, tierID, tier.MemberTenant, te.ID, now, core.SystemActor)); err != nil {
			return err
		}
		out.TenantIDs = append(out.TenantIDs, te.ID)
	}
	return nil
}

// ExplainThreadPage returns the query plan of one page of a workspace's
// thread list in the default order (first threads after the cursor after,
// nil for the first page), through store.ThreadListExplainer.
func ExplainThreadPage(ctx context.Context, st store.Store, workspaceID string, f thread.Filter, first int, after *string) ([]string, error) {
	p, err := core.PageArgs{First: &first, After: after}.Resolve(2)
	if err != nil {
		return nil, err
	}
	var lines []string
	err = st.View(ctx, func(tx store.Tx) error {
		ex, ok := tx.(store.ThreadListExplainer)
		if !ok {
			return fmt.Errorf("the %s store cannot explain thread lists", st.Backend())
		}
		lines, err = ex.ExplainListThreads(ctx, workspaceID, f, thread.DefaultSort, p)
		return err
	})
	return lines, err
}
