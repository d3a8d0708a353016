package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/config"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// seedConfig shapes a generated workspace.
type seedConfig struct {
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

// seeded describes a generated workspace.
type seeded struct {
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

// seedThreads creates a workspace of its own (through the service: the
// workspace, one customer and three label types, with their events) and
// writes cfg.Count threads into it through the store's store.BulkSeeder in
// large transactions: for each thread the rows the service's CreateThread
// writes (the thread, its labels, its thread_created timeline entry, its
// ref taken from the workspace's thread_ref counter), then moved to its
// final status as a status change would leave it. No outbox events are
// written for the threads, as for an import: no webhook fires for them.
//
// Threads are written in created_at order, oldest first, so that id order
// and created_at order agree as they do for threads the service creates.
// Snoozed threads wake no earlier than 180 days after the run.
func seedThreads(ctx context.Context, svc *service.Service, st store.Store, cfg seedConfig) (seeded, error) {
	if err := cfg.defaults(); err != nil {
		return seeded{}, err
	}
	bulk, ok := st.(store.BulkSeeder)
	if !ok {
		return seeded{}, fmt.Errorf("seed: the %s store cannot bulk-load threads", st.Backend())
	}
	out := seeded{ByStatus: map[thread.Status]int{}, Labeled: map[thread.Status]int{}}
	if err := seedSetUp(ctx, svc, &out); err != nil {
		return seeded{}, fmt.Errorf("seed set-up: %w", err)
	}
	g, err := newGenerator(cfg, out)
	if err != nil {
		return seeded{}, err
	}
	start := time.Now()
	for done := 0; done < cfg.Count; {
		n := min(cfg.Batch, cfg.Count-done)
		batch := seeded{ByStatus: map[thread.Status]int{}, Labeled: map[thread.Status]int{}}
		err := bulk.SeedThreads(ctx, out.WorkspaceID, n, func(ref int64) store.SeedThread {
			s := g.next(ref)
			batch.count(s, g.types[0])
			return s
		})
		if err != nil {
			return seeded{}, fmt.Errorf("seed batch at thread %d: %w", done, err)
		}
		out.add(batch)
		done += n
		if cfg.Progress != nil {
			cfg.Progress(done)
		}
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

// count tallies one generated thread; labeled is the label type Labeled counts.
func (s *seeded) count(st store.SeedThread, labeled string) {
	s.Threads++
	s.Labels += len(st.Labels)
	s.ByStatus[st.Thread.Status]++
	if len(st.Labels) > 0 && st.Labels[0].TypeID == labeled {
		s.Labeled[st.Thread.Status]++
	}
}

// add adds a committed batch's tallies.
func (s *seeded) add(b seeded) {
	s.Threads += b.Threads
	s.Labels += b.Labels
	for k, v := range b.ByStatus {
		s.ByStatus[k] += v
	}
	for k, v := range b.Labeled {
		s.Labeled[k] += v
	}
}

func (c *seedConfig) defaults() error {
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
func seedSetUp(ctx context.Context, svc *service.Service, out *seeded) error {
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
	cfg       seedConfig
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

func newGenerator(cfg seedConfig, s seeded) (*generator, error) {
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

// next returns the next thread, with ref as its ref, its labels and its
// thread_created timeline entry.
func (g *generator) next(ref int64) store.SeedThread {
	i := g.generated
	g.generated++
	r := g.rng
	created := core.FromMillis(g.now - g.cfg.Span.Milliseconds() + int64(float64(i)*g.step))
	k := r.IntN(len(subjects))
	preview := g.previews[k]
	by := g.actor
	th := thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: g.ws, Ref: ref, CustomerID: g.cust,
		Title: fmt.Sprintf("%s (#%d)", strings.TrimSuffix(subjects[k], "."), ref), PreviewText: &preview,
		Priority: thread.DefaultPriority, Status: thread.StatusTodo, StatusDetail: thread.DetailCreated,
		StatusChangedAt: created, StatusChangedBy: by, Channel: thread.ChannelAPI,
		CreatedAt: created, CreatedBy: by, UpdatedAt: created, UpdatedBy: by}
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
	g.status(&th)
	s := store.SeedThread{Thread: th, Timeline: []timeline.Entry{{ID: core.NewID(core.PrefixTimeline), WorkspaceID: g.ws,
		ThreadID: th.ID, CustomerID: th.CustomerID, Kind: timeline.KindThreadCreated, Payload: g.payloads[k],
		Actor: by, CreatedAt: created}}}
	for j, pct := range []int{*g.cfg.LabeledPercent, 10, 2} {
		if r.IntN(100) < pct {
			s.Labels = append(s.Labels, label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: g.ws, ThreadID: th.ID,
				TypeID: g.types[j], CreatedAt: created, CreatedBy: by, UpdatedAt: created, UpdatedBy: by})
		}
	}
	return s
}

// status moves th, created a moment ago, to a random final status as a
// later status change, never after the start of the run, would leave it.
func (g *generator) status(th *thread.Thread) {
	r := g.rng
	changed := core.FromMillis(min(th.CreatedAt.Millis()+int64(r.IntN(7*24*3600))*1000, g.now))
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
}

// seedKeyPermissions are the permissions of the key seed-threads prints:
// enough to read the seeded threads, their customer and labels.
var seedKeyPermissions = []auth.Permission{auth.ThreadRead, auth.CustomerRead, auth.LabelRead, auth.LabelTypeRead}

func benchSeedThreads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var a adminFlags
	var count, labeled, done int
	fs := newFlagSet("bench seed-threads",
		"bench seed-threads --database URL [--count N] [--labeled-percent P] [--done-percent P]", stderr)
	a.register(fs, false)
	a.cfg.DatabaseURL = "" // no default: this writes benchmark rows
	fs.IntVar(&count, "count", 1_000_000, "number of threads to generate")
	fs.IntVar(&labeled, "labeled-percent", 30, "percentage of the threads that carry the first label type")
	fs.IntVar(&done, "done-percent", 50, "percentage of the threads that are DONE (of the rest, 4 in 5 are TODO, 1 in 5 SNOOZED)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "database"); err != nil {
		return err
	}
	if count < 1 || labeled < 0 || labeled > 100 || done < 0 || done > 100 {
		return fmt.Errorf("%w: --count must be positive, the percentages between 0 and 100", errUsage)
	}
	st, svc, closeFn, err := a.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer closeFn()
	if _, err := svc.EnsureDefaultWorkspace(ctx); err != nil { // as every admin command does
		return err
	}
	start := time.Now()
	s, err := seedThreads(ctx, svc, st, seedConfig{Count: count, LabeledPercent: &labeled, DonePercent: &done,
		Progress: func(n int) {
			fmt.Fprintf(stderr, "seeded %d of %d threads (%s)\n", n, count, time.Since(start).Round(time.Second/10))
		}})
	if err != nil {
		return describe(err)
	}
	perms := slices.Sorted(slices.Values(seedKeyPermissions)) // as auth.ParseList orders them
	k, err := svc.CreateAPIKey(service.System(ctx, s.WorkspaceID), "bench list", perms, "")
	if err != nil {
		return describe(err)
	}
	return printSeeded(stdout, st.Backend(), s, k.Key.ID, k.Secret)
}

// printSeeded prints what seed-threads generated, the key's secret last.
func printSeeded(stdout io.Writer, backend string, s seeded, keyID, secret string) error {
	st := func(status thread.Status) string {
		return fmt.Sprintf("%d (%d with %s)", s.ByStatus[status], s.Labeled[status], s.LabelTypeIDs[0])
	}
	fmt.Fprintf(stdout, "bench seed-threads %s (workspace %s)\n", backend, s.WorkspaceID)
	fmt.Fprintf(stdout, "%-11s %d\n%-11s %d\n%-11s %s\n%-11s %.1f\n", "threads", s.Threads, "labels", s.Labels,
		"elapsed", s.Elapsed.Round(time.Millisecond), "threads/s", float64(s.Threads)/s.Elapsed.Seconds())
	fmt.Fprintf(stdout, "%-11s %s\n%-11s %s\n%-11s %s\n", "todo", st(thread.StatusTodo),
		"snoozed", st(thread.StatusSnoozed), "done", st(thread.StatusDone))
	fmt.Fprintf(stdout, "%-11s %s\n%-11s %s\n%-11s %s\n", "workspace", s.WorkspaceID, "customer", s.CustomerID,
		"label-types", strings.Join(s.LabelTypeIDs, " "))
	fmt.Fprintf(stdout, "# API key %s (%s) of workspace %s, shown only this once:\n",
		keyID, joinPermissions(seedKeyPermissions), s.WorkspaceID)
	_, err := fmt.Fprintln(stdout, secret)
	return err
}
