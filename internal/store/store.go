// Package store declares Threadline's storage: a Store runs read-only (View)
// and read-write (Update) transactions over per-aggregate interfaces. The
// backends (store/sqlite, store/postgres) implement it; store/storetest is the
// conformance suite both must pass.
package store

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/user"
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

// Tx is one transaction's view of every aggregate.
type Tx interface {
	WorkspaceStore
	UserStore
	APIKeyStore
	OutboxStore
}

// WorkspaceStore persists workspaces and per-workspace counters.
type WorkspaceStore interface {
	CreateWorkspace(ctx context.Context, w workspace.Workspace) error
	// GetWorkspace returns core.ErrNotFound when id does not exist.
	GetWorkspace(ctx context.Context, id string) (workspace.Workspace, error)
	UpdateWorkspaceHMAC(ctx context.Context, id, secret string, at core.Time, by core.Actor) error
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
	GetUserByEmail(ctx context.Context, workspaceID, email string) (user.User, error)
	CreateMachineUser(ctx context.Context, m user.MachineUser) error
	GetMachineUser(ctx context.Context, workspaceID, id string) (user.MachineUser, error)
}

// APIKeyStore persists API keys by hash.
type APIKeyStore interface {
	CreateAPIKey(ctx context.Context, k auth.APIKey) error
	// APIKeyByHash finds a key of any workspace by its hash (authentication).
	APIKeyByHash(ctx context.Context, hash string) (auth.APIKey, error)
	ListAPIKeys(ctx context.Context, workspaceID string) ([]auth.APIKey, error)
	RevokeAPIKey(ctx context.Context, workspaceID, id string, at core.Time) error
}

// Event is a domain event written to the outbox in the transaction of the
// change it describes; webhooks are delivered from it.
type Event struct {
	Seq         int64 // assigned by the store on insert; increasing, not gap-free
	ID          string
	WorkspaceID string
	Type        string // e.g. "thread.thread_created"
	Payload     []byte // JSON
	Actor       core.Actor
	CreatedAt   core.Time
}

// OutboxStore appends and reads domain events.
type OutboxStore interface {
	AppendEvent(ctx context.Context, e Event) error
	// ListEvents returns up to limit events of a workspace with Seq > afterSeq.
	ListEvents(ctx context.Context, workspaceID string, afterSeq int64, limit int) ([]Event, error)
}
