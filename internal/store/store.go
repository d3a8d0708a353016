// Package store declares Threadline's storage: a Store runs read-only (View)
// and read-write (Update) transactions over per-aggregate interfaces. The
// backends (store/sqlite, store/postgres) implement it; store/storetest is the
// conformance suite both must pass.
package store

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/webhook"
	"github.com/threadline/threadline/internal/workspace"
)

// Store runs transactions. An Update that returned nil is durable.
//
// fn must not keep tx after it returns, must only touch storage through tx,
// and should not block on anything else: on SQLite all Updates share one
// writer and are committed together (group commit), each inside its own
// savepoint so that one failing fn rolls back only its own writes.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
	// Backend names the backend ("sqlite" or "postgres").
	Backend() string
	Close() error
}

// Allocator is implemented by stores that allocate counter values outside
// the calling transaction (PostgreSQL: a short transaction of its own), so
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

// Tx is one transaction's view of every aggregate.
type Tx interface {
	WorkspaceStore
	UserStore
	APIKeyStore
	OutboxStore
	CustomerStore
	LabelStore
	FieldStore
	ThreadStore
	WebhookStore
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
	// reports whether it did.
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
	// UpdateUser overwrites a user's names, status and deletion.
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
	// CancelDeliveries fails the pending deliveries of a target.
	CancelDeliveries(ctx context.Context, workspaceID, targetID, reason string, now core.Time) error
	CreateAttempt(ctx context.Context, a webhook.Attempt) error
	// ListAttempts returns up to p.Limit+1 attempts of a target, newest first.
	ListAttempts(ctx context.Context, workspaceID, targetID string, f webhook.AttemptFilter, p core.Page) ([]webhook.Attempt, error)
	// ListDeliveries returns the workspace's most recent deliveries, newest first.
	ListDeliveries(ctx context.Context, workspaceID string, limit int) ([]webhook.Delivery, error)
}
