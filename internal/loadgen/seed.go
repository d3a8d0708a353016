package loadgen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
)

// SeedVersion names what SeedThreads generates; it changes whenever the
// generated rows do, so that cached databases are rebuilt.
const SeedVersion = 1

// SeedConfig shapes a generated workspace.
type SeedConfig struct {
	// Count is the number of threads (at least 1).
	Count int
	// LabeledPercent (0–100) of the threads carry the first label type,
	// the one a label-filtered list selects. Default 30.
	LabeledPercent *int
	// DonePercent (0–100) of the threads are DONE; of the rest, four in
	// five are TODO and one in five SNOOZED. Default 50.
	DonePercent *int
	// Span is how far back the threads' created_at times reach; they are
	// spread evenly up to the start of the run. Default 365 days.
	Span time.Duration
	// Batch is the number of threads written per transaction. Default 50,000.
	Batch int
	// Seed makes the statuses, labels and texts reproducible. Default 1.
	Seed uint64
	// Progress, if set, is called after each committed batch with the
	// number of threads written so far.
	Progress func(done int)
}

// Seeded describes a generated workspace.
type Seeded struct {
	WorkspaceID string
	CustomerID  string
	// LabelTypeIDs are the workspace's label types; the first is on
	// LabeledPercent of the threads, the others on 10% and 2% of them.
	LabelTypeIDs []string
	Threads      int
	Labels       int
	// ByStatus counts the threads of each status; Labeled those of each
	// status that carry LabelTypeIDs[0].
	ByStatus map[thread.Status]int
	Labeled  map[thread.Status]int
	// Elapsed is the time taken to write the threads (set-up excluded).
	Elapsed time.Duration
}

// dbAccessor is implemented by both store backends.
type dbAccessor interface{ DB() *sql.DB }

// SeedThreads creates a workspace of its own (through the service: the
// workspace, one customer and three label types, with their events) and
// writes cfg.Count threads into it straight through the store's database
// in large transactions: for each thread the rows the service's
// CreateThread writes (the thread, its labels, its thread_created timeline
// entry, its ref taken from the workspace's thread_ref counter), then moved
// to its final status as a status change would leave it. No outbox events
// are written for the threads, as for an import: no webhook fires for them.
//
// Threads are written in created_at order, oldest first, so that id order
// and created_at order agree as they do for threads the service creates.
// Snoozed threads wake no earlier than 180 days after the run.
func SeedThreads(ctx context.Context, svc *service.Service, cfg SeedConfig) (Seeded, error) {
	if err := cfg.defaults(); err != nil {
		return Seeded{}, err
	}
	acc, ok := svc.Store().(dbAccessor)
	if !ok {
		return Seeded{}, errors.New("seed: the store gives no database handle")
	}
	out := Seeded{ByStatus: map[thread.Status]int{}, Labeled: map[thread.Status]int{}}
	if err := seedSetUp(ctx, svc, &out); err != nil {
		return Seeded{}, fmt.Errorf("seed set-up: %w", err)
	}
	w := &seedWriter{db: acc.DB(), rebind: svc.Store().Backend() == "postgres"}
	g, err := newGenerator(cfg, out)
	if err != nil {
		return Seeded{}, err
	}
	start := time.Now()
	restore, err := w.tune(ctx)
	if err != nil {
		return Seeded{}, err
	}
	defer restore()
	for done := 0; done < cfg.Count; {
		n := min(cfg.Batch, cfg.Count-done)
		if err := w.batch(ctx, g, n, &out); err != nil {
			return Seeded{}, fmt.Errorf("seed batch at thread %d: %w", done, err)
		}
		done += n
		if cfg.Progress != nil {
			cfg.Progress(done)
		}
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

func (c *SeedConfig) defaults() error {
	if c.Count < 1 {
		return errors.New("seed: count must be at least 1")
	}
	pct := func(p **int, def int, name string) error {
		if *p == nil {
			*p = &def
		}
		if **p < 0 || **p > 100 {
			return fmt.Errorf("seed: %s must be between 0 and 100", name)
		}
		return nil
	}
	if err := pct(&c.LabeledPercent, 30, "labeled percent"); err != nil {
		return err
	}
	if err := pct(&c.DonePercent, 50, "done percent"); err != nil {
		return err
	}
	if c.Span <= 0 {
		c.Span = 365 * 24 * time.Hour
	}
	if c.Batch <= 0 {
		c.Batch = 50_000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return nil
}

// seedSetUp creates the workspace, customer and label types through the
// service, as an operator and then as the workspace's system principal.
func seedSetUp(ctx context.Context, svc *service.Service, out *Seeded) error {
	suffix := runSuffix()
	ws, err := svc.CreateWorkspace(ctx, "Bench list "+suffix)
	if err != nil {
		return err
	}
	out.WorkspaceID = ws.ID
	sys := service.System(ctx, ws.ID)
	email := "bench-list-" + suffix + "@example.com"
	c, _, err := svc.UpsertCustomer(sys, service.UpsertCustomerInput{
		Identifier: customer.Identifier{EmailAddress: &email},
		OnCreate:   customer.CreateFields{FullName: "Bench Customer " + suffix, Email: email, EmailVerified: true},
	})
	if err != nil {
		return err
	}
	out.CustomerID = c.ID
	for _, name := range []string{"Bug", "Billing", "Feature request"} {
		lt, err := svc.CreateLabelType(sys, label.CreateInput{Name: name})
		if err != nil {
			return err
		}
		out.LabelTypeIDs = append(out.LabelTypeIDs, lt.ID)
	}
	return nil
}

// subjects are the texts seeded threads are created with.
var subjects = []string{
	"The login button does nothing when I click it.",
	"I was charged twice for my subscription this month.",
	"Can you add an export to CSV on the reports page?",
	"The mobile app crashes when I open a notification.",
	"How do I invite a colleague to my team?",
	"Password reset emails never arrive.",
	"The dashboard has been very slow since yesterday.",
	"Please cancel my account and delete my data.",
}

// generator makes the seeded threads, one at a time, oldest first.
type generator struct {
	cfg       SeedConfig
	ws, cust  string
	types     []string
	rng       *rand.Rand
	now       int64 // ms
	step      float64
	actor     core.Actor
	payloads  [][]byte
	previews  []string
	generated int
}

func newGenerator(cfg SeedConfig, s Seeded) (*generator, error) {
	g := &generator{cfg: cfg, ws: s.WorkspaceID, cust: s.CustomerID, types: s.LabelTypeIDs,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x7468726561646c6e)), now: core.SystemClock{}.Now().Millis(),
		step: float64(cfg.Span.Milliseconds()) / float64(cfg.Count), actor: core.SystemActor}
	for _, text := range subjects {
		cs := component.Normalize([]component.Component{{Text: &component.Text{Text: text}}})
		b, err := component.Marshal(cs)
		if err != nil {
			return nil, err
		}
		g.payloads = append(g.payloads, b)
		g.previews = append(g.previews, component.PreviewText(cs, thread.MaxPreviewLength))
	}
	return g, nil
}

// seedThread is one generated thread with what else is written for it.
type seedThread struct {
	th      thread.Thread
	labels  []string // label type ids
	payload []byte
}

// next returns the next thread, with ref as its ref.
func (g *generator) next(ref int64) seedThread {
	i := g.generated
	g.generated++
	r := g.rng
	created := g.now - g.cfg.Span.Milliseconds() + int64(float64(i)*g.step)
	k := r.IntN(len(subjects))
	preview := g.previews[k]
	by := core.SystemActor
	th := thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: g.ws, Ref: ref, CustomerID: g.cust,
		Title: fmt.Sprintf("%s (#%d)", strings.TrimSuffix(subjects[k], "."), ref), PreviewText: &preview,
		Priority: thread.DefaultPriority, Status: thread.StatusTodo, StatusDetail: thread.DetailCreated,
		StatusChangedAt: core.FromMillis(created), StatusChangedBy: by, Channel: thread.ChannelAPI,
		CreatedAt: core.FromMillis(created), CreatedBy: by, UpdatedAt: core.FromMillis(created), UpdatedBy: by}
	switch p := r.IntN(10); {
	case p == 0:
		th.Priority = 0
	case p < 3:
		th.Priority = 1
	case p == 9:
		th.Priority = 3
	}
	if r.IntN(5) == 0 {
		th.Channel = thread.ChannelEmail
	}
	// A later status change, never after the start of the run.
	changed := core.FromMillis(min(created+int64(r.IntN(7*24*3600))*1000, g.now))
	snoozed := r.IntN(5) == 0
	switch {
	case r.IntN(100) < *g.cfg.DonePercent:
		d := thread.DetailDoneManuallySet
		if r.IntN(10) == 0 {
			d = thread.DetailDoneAutomaticallySet
		}
		th.Status, th.StatusDetail = thread.StatusDone, d
	case snoozed:
		th.Status, th.StatusDetail = thread.StatusSnoozed, thread.DetailWaitingForCustomer
		if r.IntN(2) == 0 {
			wake := core.FromMillis(g.now + (180*24*3600+int64(r.IntN(180*24*3600)))*1000)
			th.StatusDetail, th.WaitingUntil = thread.DetailWaitingForDuration, &wake
		}
	case r.IntN(5) < 2:
		th.StatusDetail = thread.DetailInProgress
	default:
		changed = th.CreatedAt // untouched since created
	}
	th.StatusChangedAt, th.UpdatedAt = changed, changed
	st := seedThread{th: th, payload: g.payloads[k]}
	if r.IntN(100) < *g.cfg.LabeledPercent {
		st.labels = append(st.labels, g.types[0])
	}
	if r.IntN(100) < 10 {
		st.labels = append(st.labels, g.types[1])
	}
	if r.IntN(100) < 2 {
		st.labels = append(st.labels, g.types[2])
	}
	return st
}
