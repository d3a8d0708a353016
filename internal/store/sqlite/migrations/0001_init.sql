-- Identity, access and the outbox: what every later feature stands on.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE workspaces (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    public_name     TEXT NOT NULL,
    is_demo         BOOLEAN NOT NULL DEFAULT FALSE,
    hmac_secret     TEXT NOT NULL,
    hmac_updated_at BIGINT NOT NULL,
    hmac_updated_by TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT NOT NULL
);

CREATE TABLE counters (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    value        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, name)
);

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    email        TEXT NOT NULL,
    full_name    TEXT NOT NULL,
    public_name  TEXT NOT NULL,
    status       TEXT NOT NULL,
    deleted_at   BIGINT,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    UNIQUE (workspace_id, email)
);

CREATE TABLE machine_users (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    full_name    TEXT NOT NULL,
    public_name  TEXT NOT NULL,
    description  TEXT,
    type         TEXT NOT NULL,
    deleted_at   BIGINT,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL
);
CREATE INDEX machine_users_workspace ON machine_users (workspace_id);

CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
    machine_user_id TEXT NOT NULL REFERENCES machine_users (id),
    name            TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    key_hint        TEXT NOT NULL,
    permissions     TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    revoked_at      BIGINT
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    type         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX outbox_workspace_seq ON outbox (workspace_id, seq);
