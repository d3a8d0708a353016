// Package store declares Threadline's storage: a Store runs read-only (View)
// and read-write (Update) transactions over per-aggregate interfaces. The
// backends (store/sqlite, store/postgres) implement it; store/storetest is the
// conformance suite both must pass.
package store

import (
	"context"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/tier"
	"github.com/threadline/threadline/internal/timeline"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/webhook"
	"github.com/threadline/threadline/internal/workspace"
)

// Store runs transactions. An Update that returned nil is durable.
//
// fn must not keep tx after it returns, must only touch storage through tx,
// and should not block on anything else: on both backends Updates are
// committed together (group commit), each inside its own savepoint so that
// one failing or panicking fn rolls back only its own writes. fn runs once.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
	// Backend names the backend ("sqlite" or "postgres").
	Backend() string
	Close() error
}

// Allocator is implemented by stores that allocate counter values outside
// the calling transaction (PostgreSQL: one statement of its own), so
// that a hot counter row is not held locked until the caller commits. Values
// are unique; a caller that fails leaves a gap.
type Allocator interface {
	Allocate(ctx context.Context, workspaceID, name string) (int64, error)
}

// WindowCounter is implemented by stores that several replicas share
// (PostgreSQL): it counts events per key in fixed time windows, so that a
// rate limit holds across replicas.
type WindowCounter interface {
	// CountInWindow adds one to key's count for the window that starts at
	// start, forgetting any earlier window of key, and returns the new
	// count. Counts need not survive a crash.
	CountInWindow(ctx context.Context, key string, start core.Time) (int64, error)
}

// PoolStats is the use of a store's database connections.
type PoolStats struct {
	MaxOpen, Open, InUse, Idle int
	WaitCount                  int64         // connections waited for, in all
	WaitDuration               time.Duration // time spent waiting, in all
}

// Instrumented is implemented by stores that report on themselves for
// metrics.
type Instrumented interface {
	// OnCommit registers fn, called after each durable commit with the
	// number of Updates it made durable together and how long it took.
	// Register before the store is used.
	OnCommit(fn func(updates int, took time.Duration))
	// Pool reports the use of the store's connections.
	Pool() PoolStats
}

// SecretKeeper is implemented by stores that seal secrets at rest (webhook
// signing secrets, mail passwords) with a key from the configuration.
type SecretKeeper interface {
	// UseSecrets makes the store seal the secrets it writes with box and
	// open those it reads. It refuses (auth.ErrWrongSecretKey) a box other
	// than the one the database's secrets were sealed with, and seals the
	// secrets stored before.
	UseSecrets(ctx context.Context, box *auth.SecretBox) error
}

// BulkSeeder is implemented by stores that write many generated threads far
// faster than one Update per thread could: for load generators and
// benchmarks. Callers type-assert a Store to it. Nothing is written to the
// outbox, as for an import: no webhook fires for seeded threads.
type BulkSeeder interface {
	// SeedThreads writes n threads of workspaceID in one transaction: it
	// takes n consecutive refs from the workspace's "thread_ref" counter and
	// calls gen once per ref, in increasing order, for the thread with that
	// ref (of workspaceID, with Ref set to it) and its labels and timeline
	// entries. Either every row is written or, on error, none.
	SeedThreads(ctx context.Context, workspaceID string, n int, gen func(ref int64) SeedThread) error
}

// SeedThread is one generated thread with the rows written with it.
type SeedThread struct {
	Thread   thread.Thread
	Labels   []label.Label
	Timeline []timeline.Entry
}

// ThreadListExplainer is implemented by the transactions (Tx) of stores
// that can show how they run a thread list: a diagnostic for benchmarks
// and operators. Callers type-assert a Tx to it.
type ThreadListExplainer interface {
	// ExplainListThreads returns the query plan of the very query
	// ListThreads runs for the same arguments, one line per plan row;
	// nothing is executed.
	ExplainListThreads(ctx context.Context, workspaceID string, f thread.Filter, s thread.Sort, p core.Page) ([]string, error)
}

// PublishStore sends messages to the subscribers of every replica
// (Broadcaster), once the transaction that publishes them commits: what
// was rolled back is never heard of.
type PublishStore interface {
	// Publish queues payload (at most 7,000 bytes) on topic.
	Publish(ctx context.Context, topic, payload string) error
}

// Broadcaster is implemented by stores that carry published messages to
// subscribers: in process on SQLite, through LISTEN/NOTIFY between the
// replicas of a PostgreSQL database.
type Broadcaster interface {
	// Subscribe returns a channel of the payloads published on topic
	// from now on, closed when ctx ends. Delivery is best effort: a
	// subscriber that falls behind, or a replica that loses its connection
	// for a moment, misses messages.
	Subscribe(ctx context.Context, topic string) (<-chan string, error)
}

// TimelineExplainer is implemented by the transactions (Tx) of stores that
// can show how they read a page of a timeline. Callers type-assert a Tx to
// it.
type TimelineExplainer interface {
	// ExplainListTimeline returns the query plan of the very query
	// ListTimeline runs for the same arguments, one line per plan row;
	// nothing is executed.
	ExplainListTimeline(ctx context.Context, workspaceID string, f timeline.Filter, p core.Page) ([]string, error)
}

// Tx is one transaction's view of every aggregate.
type Tx interface {
	PublishStore
	WorkspaceStore
	UserStore
	APIKeyStore
	OutboxStore
	CustomerStore
	LabelStore
	FieldStore
	ThreadStore
	TimelineStore
	NoteStore
	EventStore
	AttachmentStore
	WebhookStore
	CompanyStore
	TenantStore
	TierStore
	CustomerGroupStore
	CardStore
	EmailStore
	SessionStore
	SearchStore
}

// WorkspaceStore persists workspaces and per-workspace counters.
type WorkspaceStore interface {
	CreateWorkspace(ctx context.Context, w workspace.Workspace) error
	// GetWorkspace returns core.ErrNotFound when id does not exist.
	GetWorkspace(ctx context.Context, id string) (workspace.Workspace, error)
	UpdateWorkspaceHMAC(ctx context.Context, id, secret string, at core.Time, by core.Actor) error
	// UpdateWorkspace overwrites a workspace's names, domain names and
	// update time.
	UpdateWorkspace(ctx context.Context, w workspace.Workspace) error
	// SetSetting stores a server-wide setting if key is not set yet and
	// reports whether it did. Settings named "secret:…" are sealed at rest
	// (SecretKeeper) like every other secret.
	SetSettingOnce(ctx context.Context, key, value string) (bool, error)
	// Setting returns core.ErrNotFound when key is not set.
	Setting(ctx context.Context, key string) (string, error)
	// NextCounter increments and returns the workspace's named counter
	// (1 on first use). Concurrent transactions get distinct values.
	NextCounter(ctx context.Context, workspaceID, name string) (int64, error)
}

// UserStore persists users and machine users; every read is workspace-scoped.
type UserStore interface {
	// CreateUser fails with core.ErrDuplicate when the email is taken.
	CreateUser(ctx context.Context, u user.User) error
	GetUser(ctx context.Context, workspaceID, id string) (user.User, error)
	// GetUsers reads the users of ids that exist.
	GetUsers(ctx context.Context, workspaceID string, ids []string) ([]user.User, error)
	GetUserByEmail(ctx context.Context, workspaceID, email string) (user.User, error)
	// Credentials reads the users of every workspace with a normalised
	// email (at most 20, oldest first), with their password hashes: what
	// signing in checks.
	Credentials(ctx context.Context, email string) ([]user.Credential, error)
	// SetPassword stores the password hash of a user and when it changed.
	SetPassword(ctx context.Context, workspaceID, userID, hash string, at core.Time) error
	// UpdateUser overwrites a user's names, status, role and deletion.
	UpdateUser(ctx context.Context, u user.User) error
	// ListUsers returns up to p.Limit+1 users in creation order.
	ListUsers(ctx context.Context, workspaceID string, f user.Filter, p core.Page) ([]user.User, error)
	CreateMachineUser(ctx context.Context, m user.MachineUser) error
	// UpdateMachineUser overwrites a machine user's names, description,
	// type and deletion.
	UpdateMachineUser(ctx context.Context, m user.MachineUser) error
	// ListMachineUsers returns up to p.Limit+1 machine users (of one type
	// when typ is set) in creation order.
	ListMachineUsers(ctx context.Context, workspaceID string, typ *user.MachineUserType, p core.Page) ([]user.MachineUser, error)
	GetMachineUser(ctx context.Context, workspaceID, id string) (user.MachineUser, error)
	// GetMachineUsers reads the machine users of ids that exist.
	GetMachineUsers(ctx context.Context, workspaceID string, ids []string) ([]user.MachineUser, error)
}

// APIKeyStore persists API keys by hash.
type APIKeyStore interface {
	CreateAPIKey(ctx context.Context, k auth.APIKey) error
	// APIKeyByHash finds a key of any workspace by its hash (authentication).
	APIKeyByHash(ctx context.Context, hash string) (auth.APIKey, error)
	ListAPIKeys(ctx context.Context, workspaceID string) ([]auth.APIKey, error)
	RevokeAPIKey(ctx context.Context, workspaceID, id string, at core.Time) error
	// LastKeyChange returns the time of the latest revocation or change
	// (of permissions) of a key of any workspace, zero when no key was ever
	// revoked or changed.
	LastKeyChange(ctx context.Context) (core.Time, error)
	// GetAPIKey reads a key of the workspace, revoked or not.
	GetAPIKey(ctx context.Context, workspaceID, id string) (auth.APIKey, error)
	// ListAPIKeysOfMachineUser returns up to p.Limit+1 keys of a machine
	// user, revoked ones included, in creation order.
	ListAPIKeysOfMachineUser(ctx context.Context, workspaceID, machineUserID string, p core.Page) ([]auth.APIKey, error)
	// UpdateAPIKey overwrites a key's name, permissions, update and
	// revocation.
	UpdateAPIKey(ctx context.Context, k auth.APIKey) error
	// RevokeAPIKeysOfMachineUser revokes the machine user's keys that are
	// not revoked yet and returns their ids.
	RevokeAPIKeysOfMachineUser(ctx context.Context, workspaceID, machineUserID string, at core.Time, by core.Actor) ([]string, error)
}

// OutboxStore appends and reads domain events.
type OutboxStore interface {
	AppendEvent(ctx context.Context, e event.Record) error
	// GetEvent reads one event by id.
	GetEvent(ctx context.Context, workspaceID, id string) (event.Record, error)
	// ListEvents returns up to limit events of a workspace with Seq > afterSeq.
	ListEvents(ctx context.Context, workspaceID string, afterSeq int64, limit int) ([]event.Record, error)
}

// CustomerForThread is what a new thread reads of its customer.
type CustomerForThread struct {
	Customer customer.Customer
	// Groups are every customer group membership of the customer, as
	// GroupMembershipsOf returns them.
	Groups []customergroup.Member
	// HasEntries reports whether the customer has customer events or
	// notes (not deleted) on no thread: whether CustomerEntries returns
	// any.
	HasEntries bool
}

// CustomerStore persists customers. Creating or updating a customer whose
// email or external id another customer of the workspace has fails with an
// error wrapping core.ErrDuplicate (the service checks both keys first, so
// this only happens when a concurrent transaction won).
type CustomerStore interface {
	CreateCustomer(ctx context.Context, c customer.Customer) error
	UpdateCustomer(ctx context.Context, c customer.Customer) error
	GetCustomer(ctx context.Context, workspaceID, id string) (customer.Customer, error)
	// LockCustomer reads a customer to change it, holding its row lock
	// until the transaction ends on PostgreSQL.
	LockCustomer(ctx context.Context, workspaceID, id string) (customer.Customer, error)
	GetCustomerByEmail(ctx context.Context, workspaceID, email string) (customer.Customer, error)
	GetCustomerByExternalID(ctx context.Context, workspaceID, externalID string) (customer.Customer, error)
	GetCustomers(ctx context.Context, workspaceID string, ids []string) ([]customer.Customer, error)
	// FindCustomerForThread reads the customer of id (the key set in it;
	// an email address normalized) and what a new thread of theirs needs
	// besides, in one read when they are in no customer group.
	FindCustomerForThread(ctx context.Context, workspaceID string, id customer.Identifier) (CustomerForThread, error)
	// ListCustomers returns up to p.Limit+1 customers in page order.
	ListCustomers(ctx context.Context, workspaceID string, f customer.Filter, s customer.Sort, p core.Page) ([]customer.Customer, error)
	CountCustomers(ctx context.Context, workspaceID string, f customer.Filter) (int, error)
	// DeleteCustomer removes the customer with its threads and their rows.
	DeleteCustomer(ctx context.Context, workspaceID, id string) error
}

// LabelStore persists label types and labels.
type LabelStore interface {
	CreateLabelType(ctx context.Context, t label.Type) error
	GetLabelType(ctx context.Context, workspaceID, id string) (label.Type, error)
	// LockLabelType reads a label type to change it (row lock on PostgreSQL).
	LockLabelType(ctx context.Context, workspaceID, id string) (label.Type, error)
	GetLabelTypes(ctx context.Context, workspaceID string, ids []string) ([]label.Type, error)
	// GetLabelTypeByExternalID reads the (oldest) label type with an
	// external id.
	GetLabelTypeByExternalID(ctx context.Context, workspaceID, externalID string) (label.Type, error)
	// UpdateLabelType overwrites a label type's attributes (not its
	// archiving) and update.
	UpdateLabelType(ctx context.Context, t label.Type) error
	// ListLabelTypes returns up to p.Limit+1 types in creation order.
	ListLabelTypes(ctx context.Context, workspaceID string, archived *bool, p core.Page) ([]label.Type, error)
	// SetLabelTypeArchived archives (at non-nil) or unarchives a type.
	SetLabelTypeArchived(ctx context.Context, workspaceID, id string, at *core.Time, by *core.Actor, now core.Time, actor core.Actor) error
	CreateLabel(ctx context.Context, l label.Label) error
	GetLabels(ctx context.Context, workspaceID string, ids []string) ([]label.Label, error)
	DeleteLabel(ctx context.Context, workspaceID, id string) error
	LabelsOfThreads(ctx context.Context, workspaceID string, threadIDs []string) ([]label.Label, error)
}

// FieldStore persists thread field schemas and values.
type FieldStore interface {
	// CreateFieldSchema fails with core.ErrDuplicate when the key is taken.
	CreateFieldSchema(ctx context.Context, s field.Schema) error
	UpdateFieldSchema(ctx context.Context, s field.Schema) error
	DeleteFieldSchema(ctx context.Context, workspaceID, id string) error
	GetFieldSchema(ctx context.Context, workspaceID, id string) (field.Schema, error)
	// LockFieldSchema reads a schema to change it (row lock on PostgreSQL).
	LockFieldSchema(ctx context.Context, workspaceID, id string) (field.Schema, error)
	// ListFieldSchemas returns every schema of the workspace by order, then id.
	ListFieldSchemas(ctx context.Context, workspaceID string) ([]field.Schema, error)
	CreateFieldValue(ctx context.Context, v field.Value) error
	// GetFieldValue reads a thread's value of key.
	GetFieldValue(ctx context.Context, workspaceID, threadID, key string) (field.Value, error)
	UpdateFieldValue(ctx context.Context, v field.Value) error
	DeleteFieldValue(ctx context.Context, workspaceID, id string) error
	FieldValuesOfThreads(ctx context.Context, workspaceID string, threadIDs []string) ([]field.Value, error)
}

// ThreadStore persists threads and their timelines.
type ThreadStore interface {
	// CreateThread fails with core.ErrDuplicate when the (customer,
	// external id) pair or the ref is taken.
	CreateThread(ctx context.Context, t thread.Thread) error
	GetThread(ctx context.Context, workspaceID, id string) (thread.Thread, error)
	GetThreadByRef(ctx context.Context, workspaceID string, ref int64) (thread.Thread, error)
	GetThreadByExternalID(ctx context.Context, workspaceID, customerID, externalID string) (thread.Thread, error)
	// LockThread reads a thread to change it: on PostgreSQL it holds the
	// row lock until the transaction ends, so concurrent changes serialise.
	LockThread(ctx context.Context, workspaceID, id string) (thread.Thread, error)
	// UpdateThread overwrites a thread's mutable columns.
	UpdateThread(ctx context.Context, t thread.Thread) error
	// DueSnoozedThreads locks up to limit snoozed threads of any workspace
	// whose wake time is at or before now; rows another transaction holds
	// are skipped (PostgreSQL), so replicas share the work.
	DueSnoozedThreads(ctx context.Context, now core.Time, limit int) ([]thread.Thread, error)
	// NextWake returns the earliest wake time of any snoozed thread, or
	// core.ErrNotFound when none waits for one.
	NextWake(ctx context.Context) (core.Time, error)
	// ListThreads returns up to p.Limit+1 threads in page order with their
	// sort values (for cursors).
	ListThreads(ctx context.Context, workspaceID string, f thread.Filter, s thread.Sort, p core.Page) ([]ThreadRow, error)
	CountThreads(ctx context.Context, workspaceID string, f thread.Filter) (int, error)
	// CountThreadsUpTo counts the threads f selects, but stops at limit:
	// a bounded count for lists that show "500+" rather than pay for an
	// exact one.
	CountThreadsUpTo(ctx context.Context, workspaceID string, f thread.Filter, limit int) (int, error)
	// AddAdditionalAssignee records an additional assignee of a thread
	// (none when it is one already).
	AddAdditionalAssignee(ctx context.Context, a thread.AdditionalAssignee) error
	// RemoveAdditionalAssignee removes one (nothing when it is not one).
	RemoveAdditionalAssignee(ctx context.Context, workspaceID, threadID string, a core.Actor) error
	// AdditionalAssigneesOfThreads reads threads' additional assignees,
	// each thread's in the order they were added (those added at once in
	// the order of their actor strings).
	AdditionalAssigneesOfThreads(ctx context.Context, workspaceID string, threadIDs []string) ([]thread.AdditionalAssignee, error)
	// SetThreadCustomer moves a thread and its timeline to another customer.
	SetThreadCustomer(ctx context.Context, workspaceID, threadID, customerID string) error
	// DeleteThread deletes a thread with its labels, field values and
	// timeline, and records the deletion.
	DeleteThread(ctx context.Context, workspaceID, id string, at core.Time, by core.Actor) error
	// ListDeletedThreads returns up to p.Limit+1 deletions, newest first.
	ListDeletedThreads(ctx context.Context, workspaceID string, f thread.DeletedFilter, p core.Page) ([]thread.Deleted, error)
	CreateTimelineEntry(ctx context.Context, e timeline.Entry) error
	TimelineOfThread(ctx context.Context, workspaceID, threadID string) ([]timeline.Entry, error)
}

// TimelineStore reads and changes timelines beyond appending to them
// (ThreadStore.CreateTimelineEntry). Every read is workspace-scoped.
type TimelineStore interface {
	// ListTimeline returns up to p.Limit+1 entries of the timeline f
	// selects in page order: by time, then id, oldest first (backward
	// pages are read newest first and flipped by the caller).
	ListTimeline(ctx context.Context, workspaceID string, f timeline.Filter, p core.Page) ([]timeline.Entry, error)
	GetTimelineEntry(ctx context.Context, workspaceID, id string) (timeline.Entry, error)
	// TimelineEntriesOfSource returns the entries that show a note, chat
	// or event, oldest first.
	TimelineEntriesOfSource(ctx context.Context, workspaceID, sourceID string) ([]timeline.Entry, error)
	// UpdateTimelineEntry overwrites an entry's payload and actor.
	UpdateTimelineEntry(ctx context.Context, e timeline.Entry) error
	DeleteTimelineEntry(ctx context.Context, workspaceID, id string) error
	// RecentThreadsOfCustomer returns up to limit threads of a customer,
	// most recently created first.
	RecentThreadsOfCustomer(ctx context.Context, workspaceID, customerID string, limit int) ([]thread.Thread, error)
}

// NoteStore persists notes.
type NoteStore interface {
	CreateNote(ctx context.Context, n note.Note) error
	GetNote(ctx context.Context, workspaceID, id string) (note.Note, error)
	// LockNote reads a note to change it (row lock on PostgreSQL).
	LockNote(ctx context.Context, workspaceID, id string) (note.Note, error)
	// UpdateNote overwrites a note's content, edit and deletion columns.
	UpdateNote(ctx context.Context, n note.Note) error
	// CustomerNotes returns up to limit notes on a customer (on no
	// thread) that are not deleted, most recent first.
	CustomerNotes(ctx context.Context, workspaceID, customerID string, limit int) ([]note.Note, error)
}

// EventStore persists thread and customer events.
type EventStore interface {
	// CreateTimelineEvent fails with an error wrapping core.ErrDuplicate
	// when another event of its scope has its external id.
	CreateTimelineEvent(ctx context.Context, e timeline.Event) error
	// GetTimelineEventByExternalID reads the event of a scope (thread, or
	// customer for customer events) with an external id.
	GetTimelineEventByExternalID(ctx context.Context, workspaceID, scopeID, externalID string) (timeline.Event, error)
	// CustomerEvents returns up to limit customer events of a customer,
	// latest first.
	CustomerEvents(ctx context.Context, workspaceID, customerID string, limit int) ([]timeline.Event, error)
	// CustomerEntries returns what CustomerEvents and NoteStore.CustomerNotes
	// return for the same arguments, in one read when the customer has
	// neither (what a new thread's timeline starts with).
	CustomerEntries(ctx context.Context, workspaceID, customerID string, limit int) ([]timeline.Event, []note.Note, error)
}

// AttachmentStore persists attachments and their contents.
type AttachmentStore interface {
	CreateAttachment(ctx context.Context, a attachment.Attachment) error
	// GetAttachments reads the attachments of ids that exist.
	GetAttachments(ctx context.Context, workspaceID string, ids []string) ([]attachment.Attachment, error)
	// LockAttachment reads an attachment to change it (row lock on
	// PostgreSQL).
	LockAttachment(ctx context.Context, workspaceID, id string) (attachment.Attachment, error)
	// StoreAttachmentContent stores the content of a and overwrites a's
	// status, type, upload time and update stamp. It fails with
	// core.ErrDuplicate when a's content is already stored.
	StoreAttachmentContent(ctx context.Context, a attachment.Attachment, data []byte) error
	// AttachmentContent reads an attachment's content.
	AttachmentContent(ctx context.Context, workspaceID, id string) ([]byte, error)
	// DeleteExpiredUploads deletes up to limit attachments of any
	// workspace whose upload expired at or before now without content,
	// and returns how many it deleted.
	DeleteExpiredUploads(ctx context.Context, now core.Time, limit int) (int, error)
}

// ThreadRow is a listed thread with the value it was sorted by.
type ThreadRow struct {
	Thread    thread.Thread
	SortValue string
}

// WebhookStore persists webhook targets, deliveries and attempts.
type WebhookStore interface {
	CreateTarget(ctx context.Context, t webhook.Target) error
	UpdateTarget(ctx context.Context, t webhook.Target) error
	DeleteTarget(ctx context.Context, workspaceID, id string) error
	GetTarget(ctx context.Context, workspaceID, id string) (webhook.Target, error)
	// LockTarget reads a target to change it (row lock on PostgreSQL).
	LockTarget(ctx context.Context, workspaceID, id string) (webhook.Target, error)
	// ListTargets returns every target of the workspace, oldest first.
	ListTargets(ctx context.Context, workspaceID string) ([]webhook.Target, error)
	CreateDelivery(ctx context.Context, d webhook.Delivery) error
	GetDelivery(ctx context.Context, workspaceID, id string) (webhook.Delivery, error)
	// ClaimDeliveries leases up to limit due deliveries of any workspace to
	// owner until leaseUntil. A delivery is due when it is pending, its next
	// attempt time has come, no live lease holds it, and no older pending
	// delivery of the same target and order key exists (per-key order).
	// Rows another transaction holds are skipped (PostgreSQL).
	ClaimDeliveries(ctx context.Context, now, leaseUntil core.Time, owner string, limit int) ([]webhook.Delivery, error)
	// FinishAttempt records an attempt's outcome on a delivery still leased
	// by owner; it reports false (and changes nothing) when the lease was lost.
	FinishAttempt(ctx context.Context, d webhook.Delivery, owner string) (bool, error)
	// HasDueDeliveries reports whether any delivery might be claimable now.
	HasDueDeliveries(ctx context.Context, now core.Time) (bool, error)
	// DeliveryBacklog counts the pending deliveries of every workspace and
	// returns when the oldest was created (zero when none is pending).
	DeliveryBacklog(ctx context.Context) (pending int, oldest core.Time, err error)
	// CancelDeliveries fails the pending deliveries of a target.
	CancelDeliveries(ctx context.Context, workspaceID, targetID, reason string, now core.Time) error
	CreateAttempt(ctx context.Context, a webhook.Attempt) error
	// ListAttempts returns up to p.Limit+1 attempts of a target, newest first.
	ListAttempts(ctx context.Context, workspaceID, targetID string, f webhook.AttemptFilter, p core.Page) ([]webhook.Attempt, error)
	// ListDeliveries returns the workspace's most recent deliveries, newest first.
	ListDeliveries(ctx context.Context, workspaceID string, limit int) ([]webhook.Delivery, error)
}

// CompanyStore persists companies. Reads see live (not deleted) companies
// only, except lists asked for deleted ones; a customer's company is the
// customer row's CompanyID (CustomerStore).
type CompanyStore interface {
	// CreateCompany fails with core.ErrDuplicate when a live company of
	// the workspace has the domain name.
	CreateCompany(ctx context.Context, c company.Company) error
	// UpdateCompany overwrites a company's mutable columns (deletion too).
	UpdateCompany(ctx context.Context, c company.Company) error
	// FindCompanies reads the live companies of a workspace whose id is in
	// ids or whose domain name is in domains.
	FindCompanies(ctx context.Context, workspaceID string, ids, domains []string) ([]company.Company, error)
	// LockCompany reads a live company to change it (row lock on PostgreSQL).
	LockCompany(ctx context.Context, workspaceID, id string) (company.Company, error)
	// ListCompanies returns up to p.Limit+1 companies in creation order.
	ListCompanies(ctx context.Context, workspaceID string, f company.Filter, p core.Page) ([]company.Company, error)
}

// TenantStore persists tenants and customers' memberships of them. Reads
// see live tenants only, except lists asked for deleted ones.
type TenantStore interface {
	// CreateTenant fails with core.ErrDuplicate when a live tenant of the
	// workspace has the external id.
	CreateTenant(ctx context.Context, t tenant.Tenant) error
	// UpdateTenant overwrites a tenant's mutable columns (deletion too).
	UpdateTenant(ctx context.Context, t tenant.Tenant) error
	// FindTenants reads the live tenants of a workspace whose id is in ids
	// or whose external id is in externalIDs.
	FindTenants(ctx context.Context, workspaceID string, ids, externalIDs []string) ([]tenant.Tenant, error)
	// LockTenant reads a live tenant to change it (row lock on PostgreSQL).
	LockTenant(ctx context.Context, workspaceID, id string) (tenant.Tenant, error)
	// ListTenants returns up to p.Limit+1 tenants in creation order.
	ListTenants(ctx context.Context, workspaceID string, f tenant.Filter, p core.Page) ([]tenant.Tenant, error)
	// AddTenantMembership adds a membership unless the customer is a member
	// already, and reports whether it did.
	AddTenantMembership(ctx context.Context, m tenant.Membership) (bool, error)
	// RemoveTenantMembership removes a membership and reports whether
	// there was one.
	RemoveTenantMembership(ctx context.Context, workspaceID, customerID, tenantID string) (bool, error)
	// TenantMembershipsOf returns, for each customer of customerIDs, up to
	// p.Limit+1 of its memberships of live tenants in page order (by
	// tenant id), customers one after another.
	TenantMembershipsOf(ctx context.Context, workspaceID string, customerIDs []string, p core.Page) ([]tenant.Membership, error)
}

// TierStore persists tiers and their memberships. Reads see live tiers
// only; a membership of a deleted tier reads as none.
type TierStore interface {
	// CreateTier fails with core.ErrDuplicate when a live tier of the
	// workspace has the external id.
	CreateTier(ctx context.Context, t tier.Tier) error
	// UpdateTier overwrites a tier's mutable columns (deletion too).
	UpdateTier(ctx context.Context, t tier.Tier) error
	// FindTiers reads the live tiers of a workspace whose id is in ids or
	// whose external id is in externalIDs.
	FindTiers(ctx context.Context, workspaceID string, ids, externalIDs []string) ([]tier.Tier, error)
	// LockTier reads a live tier to change it (row lock on PostgreSQL).
	LockTier(ctx context.Context, workspaceID, id string) (tier.Tier, error)
	// ListTiers returns up to p.Limit+1 live tiers in creation order.
	ListTiers(ctx context.Context, workspaceID string, p core.Page) ([]tier.Tier, error)
	// DefaultTier reads the workspace's live default tier, or
	// core.ErrNotFound when it has none.
	DefaultTier(ctx context.Context, workspaceID string) (tier.Tier, error)
	// SetTierMembership makes m's member a member of m's tier, replacing
	// any membership the member had (its id and creation are then kept).
	// It returns the membership as stored.
	SetTierMembership(ctx context.Context, m tier.Membership) (tier.Membership, error)
	// DeleteTierMembership removes a member's membership and returns it,
	// or core.ErrNotFound when the member had none.
	DeleteTierMembership(ctx context.Context, workspaceID, memberID string) (tier.Membership, error)
	// TierMembershipsOfMembers reads the memberships of live tiers of the
	// members of memberIDs.
	TierMembershipsOfMembers(ctx context.Context, workspaceID string, memberIDs []string) ([]tier.Membership, error)
	// TierMembershipsOf returns, for each tier of tierIDs, up to
	// p.Limit+1 of its memberships in page order (by id), tiers one after
	// another.
	TierMembershipsOf(ctx context.Context, workspaceID string, tierIDs []string, p core.Page) ([]tier.Membership, error)
	// CountTierMemberships counts the memberships of each tier of tierIDs.
	CountTierMemberships(ctx context.Context, workspaceID string, tierIDs []string) (map[string]int, error)
}

// CustomerGroupStore persists customer groups and customers' memberships
// of them.
type CustomerGroupStore interface {
	// CreateCustomerGroup fails with core.ErrDuplicate when the key or the
	// external id is taken in the workspace.
	CreateCustomerGroup(ctx context.Context, g customergroup.Group) error
	// UpdateCustomerGroup overwrites a group's mutable columns; it fails
	// like CreateCustomerGroup.
	UpdateCustomerGroup(ctx context.Context, g customergroup.Group) error
	// DeleteCustomerGroup removes a group with its memberships.
	DeleteCustomerGroup(ctx context.Context, workspaceID, id string) error
	// FindCustomerGroups reads the groups of a workspace whose id is in
	// ids, key in keys or external id in externalIDs.
	FindCustomerGroups(ctx context.Context, workspaceID string, ids, keys, externalIDs []string) ([]customergroup.Group, error)
	// LockCustomerGroup reads a group to change it (row lock on PostgreSQL).
	LockCustomerGroup(ctx context.Context, workspaceID, id string) (customergroup.Group, error)
	// ListCustomerGroups returns up to p.Limit+1 groups in creation order,
	// only those with an external id in externalIDs when it is not nil.
	ListCustomerGroups(ctx context.Context, workspaceID string, externalIDs []string, p core.Page) ([]customergroup.Group, error)
	// AddGroupMembership adds a membership unless the customer is a member
	// already, and reports whether it did.
	AddGroupMembership(ctx context.Context, m customergroup.Membership) (bool, error)
	// RemoveGroupMembership removes a membership and reports whether there
	// was one.
	RemoveGroupMembership(ctx context.Context, workspaceID, customerID, groupID string) (bool, error)
	// GroupMembershipsOf returns, for each customer of customerIDs, up to
	// p.Limit+1 of its memberships with their groups in page order (by
	// group id), customers one after another; only groups with an external
	// id in groupExternalIDs when it is not nil. A zero p.Limit reads
	// every membership.
	GroupMembershipsOf(ctx context.Context, workspaceID string, customerIDs, groupExternalIDs []string, p core.Page) ([]customergroup.Member, error)
}

// SessionStore persists the sessions of signed-in users, by the hash of
// their token.
type SessionStore interface {
	CreateSession(ctx context.Context, s auth.Session) error
	// SessionByTokenHash reads a session of any workspace by its token's
	// hash (authentication), expired or not.
	SessionByTokenHash(ctx context.Context, hash string) (auth.Session, error)
	// TouchSession overwrites a session's last use and expiry.
	TouchSession(ctx context.Context, s auth.Session) error
	// DeleteSession removes a session (signing out); a missing one is no
	// error.
	DeleteSession(ctx context.Context, workspaceID, id string) error
	// DeleteUserSessions removes every session of a user but the one of id
	// keep ("" keeps none) and returns how many it removed.
	DeleteUserSessions(ctx context.Context, workspaceID, userID, keep string) (int, error)
	// DeleteExpiredSessions removes up to limit sessions of any workspace
	// that expired at or before now, and returns how many it removed.
	DeleteExpiredSessions(ctx context.Context, now core.Time, limit int) (int, error)
}

// SearchStore finds threads and customers by their text. Search documents
// are written by the methods that write what they show (CreateThread,
// UpdateThread, CreateTimelineEntry, CreateCustomer …), in their
// transaction, so a search sees exactly what its snapshot holds.
type SearchStore interface {
	// SearchThreads returns up to p.Limit+1 threads that f selects and
	// whose text — title, description, preview, or the text of one of
	// their messages — holds every term (core.SearchTerms) as the start
	// of a word, newest first (as ListThreads in thread.DefaultSort, rows
	// carrying the same sort values).
	SearchThreads(ctx context.Context, workspaceID string, terms []string, f thread.Filter, p core.Page) ([]ThreadRow, error)
	// SearchCustomers returns up to p.Limit+1 customers that f selects
	// and at least one of conds matches, in the order of ListCustomers.
	SearchCustomers(ctx context.Context, workspaceID string, conds []customer.SearchCondition, f customer.Filter,
		s customer.Sort, p core.Page) ([]customer.Customer, error)
}

// CardStore persists customer card configs and the card instances loaded
// from them.
type CardStore interface {
	// CreateCardConfig fails with core.ErrDuplicate when the key is taken.
	CreateCardConfig(ctx context.Context, c customercard.Config) error
	// UpdateCardConfig overwrites a config; it fails like CreateCardConfig.
	UpdateCardConfig(ctx context.Context, c customercard.Config) error
	// DeleteCardConfig removes a config with its instances.
	DeleteCardConfig(ctx context.Context, workspaceID, id string) error
	GetCardConfig(ctx context.Context, workspaceID, id string) (customercard.Config, error)
	// LockCardConfig reads a config to change it (row lock on PostgreSQL).
	LockCardConfig(ctx context.Context, workspaceID, id string) (customercard.Config, error)
	// ListCardConfigs returns every config of the workspace by order, then id.
	ListCardConfigs(ctx context.Context, workspaceID string) ([]customercard.Config, error)
	// CardInstances reads the instances of a customer, of one thread of
	// theirs when threadID is not nil, else of no thread.
	CardInstances(ctx context.Context, workspaceID, customerID string, threadID *string) ([]customercard.Instance, error)
	// SaveCardInstance stores i in place of the instance of the same
	// config, customer and thread, if any.
	SaveCardInstance(ctx context.Context, i customercard.Instance) error
}

// EmailStore persists support addresses, emails and the IMAP mailboxes
// mail is fetched from. Reads are workspace-scoped, but for routing
// (SupportAddress) and the senders' claims, which serve every workspace.
type EmailStore interface {
	// CreateSupportAddress fails with core.ErrDuplicate when the address
	// belongs to a workspace already (this one or another).
	CreateSupportAddress(ctx context.Context, a email.SupportAddress) error
	// SupportAddress reads an address of any workspace: where mail to it goes.
	SupportAddress(ctx context.Context, address string) (email.SupportAddress, error)
	// ListSupportAddresses returns a workspace's addresses, oldest first.
	ListSupportAddresses(ctx context.Context, workspaceID string) ([]email.SupportAddress, error)
	DeleteSupportAddress(ctx context.Context, workspaceID, address string) error
	// CreateEmail fails with an error wrapping core.ErrDuplicate when the
	// workspace has an email with its Message-ID.
	CreateEmail(ctx context.Context, e email.Email) error
	GetEmail(ctx context.Context, workspaceID, id string) (email.Email, error)
	// LockEmail reads an email to change it (row lock on PostgreSQL).
	LockEmail(ctx context.Context, workspaceID, id string) (email.Email, error)
	// UpdateEmail overwrites an email's sending columns (status, attempts,
	// next attempt, lease, last error, bounces, sent time) and update stamp.
	UpdateEmail(ctx context.Context, e email.Email) error
	// EmailsByMessageID returns the workspace's emails with any of the
	// Message-IDs.
	EmailsByMessageID(ctx context.Context, workspaceID string, messageIDs []string) ([]email.Email, error)
	// LatestEmails returns up to limit emails of a thread, newest first.
	LatestEmails(ctx context.Context, workspaceID, threadID string, limit int) ([]email.Email, error)
	// ClaimEmails leases up to limit outbound emails of any workspace to
	// owner until leaseUntil: pending ones whose next attempt is due and
	// that no live lease holds, oldest first. Rows another transaction
	// holds are skipped (PostgreSQL).
	ClaimEmails(ctx context.Context, now, leaseUntil core.Time, owner string, limit int) ([]email.Email, error)
	// FinishSend stores an attempt's outcome (UpdateEmail's columns) on an
	// email still leased by owner; it reports false, changing nothing,
	// when the lease was lost.
	FinishSend(ctx context.Context, e email.Email, owner string) (bool, error)
	// HasDueEmails reports whether an outbound email might be claimable now.
	HasDueEmails(ctx context.Context, now core.Time) (bool, error)
	// EmailBacklog counts the outbound emails of every workspace waiting to
	// be sent and returns the oldest one's creation (zero for none).
	EmailBacklog(ctx context.Context) (pending int, oldest core.Time, err error)
	CreateMailbox(ctx context.Context, m email.Mailbox) error
	// ListMailboxes returns a workspace's mailboxes (passwords opened).
	ListMailboxes(ctx context.Context, workspaceID string) ([]email.Mailbox, error)
	DeleteMailbox(ctx context.Context, workspaceID, id string) error
	// ClaimMailbox leases to owner until leaseUntil the mailbox of any
	// workspace that has been due longest and that no live lease holds, or
	// returns core.ErrNotFound when none is due.
	ClaimMailbox(ctx context.Context, now, leaseUntil core.Time, owner string) (email.Mailbox, error)
	// SaveMailboxPosition records how far owner read a mailbox it holds
	// and extends its lease; false (nothing changed) when the lease was lost.
	SaveMailboxPosition(ctx context.Context, id, owner string, pos email.MailboxPosition, leaseUntil core.Time) (bool, error)
	// ReleaseMailbox ends owner's lease of a mailbox with the outcome of
	// its poll (next poll, last error and poll time of m); false when the
	// lease was lost.
	ReleaseMailbox(ctx context.Context, m email.Mailbox, owner string) (bool, error)
}
