-- Webhooks: targets, one delivery per (event, target), and the log of
-- every delivery attempt. Deliveries outlive their target (history).
CREATE TABLE webhook_targets (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    url          TEXT NOT NULL,
    description  TEXT NOT NULL,
    is_enabled   BOOLEAN NOT NULL,
    event_types  TEXT NOT NULL,
    version      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL
);
CREATE INDEX webhook_targets_by_workspace ON webhook_targets (workspace_id, id);

CREATE TABLE webhook_deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
    target_id       TEXT NOT NULL,
    event_id        TEXT NOT NULL REFERENCES outbox (id),
    event_type      TEXT NOT NULL,
    order_key       TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    lease_owner     TEXT,
    last_error      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (target_id, order_key, seq) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_by_target ON webhook_deliveries (workspace_id, target_id, seq);

CREATE TABLE webhook_attempts (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries (id),
    target_id    TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    number       INTEGER NOT NULL,
    attempted_at BIGINT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    result       TEXT NOT NULL,
    status_code  INTEGER NOT NULL,
    error        TEXT NOT NULL
);
CREATE INDEX webhook_attempts_by_target ON webhook_attempts (workspace_id, target_id, id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, number);
