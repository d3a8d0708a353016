-- The support domain: customers, label types, thread field schemas, threads
-- with their labels, field values and timeline.
CREATE TABLE customers (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id),
    full_name         TEXT NOT NULL,
    short_name        TEXT,
    external_id       TEXT,
    email             TEXT NOT NULL,
    email_verified    BOOLEAN NOT NULL,
    email_verified_at BIGINT,
    marked_as_spam_at BIGINT,
    created_at        BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_by        TEXT NOT NULL,
    CONSTRAINT customers_email_key UNIQUE (workspace_id, email),
    CONSTRAINT customers_external_id_key UNIQUE (workspace_id, external_id)
);
CREATE INDEX customers_by_name ON customers (workspace_id, full_name, id);
CREATE INDEX customers_by_updated ON customers (workspace_id, updated_at);

CREATE TABLE label_types (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces (id),
    name                TEXT NOT NULL,
    icon                TEXT,
    color               TEXT,
    description         TEXT,
    external_id         TEXT,
    kind                TEXT NOT NULL,
    is_excluded_from_ai BOOLEAN NOT NULL,
    parent_id           TEXT REFERENCES label_types (id),
    position            TEXT NOT NULL,
    archived_at         BIGINT,
    archived_by         TEXT,
    created_at          BIGINT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          BIGINT NOT NULL,
    updated_by          TEXT NOT NULL
);
CREATE INDEX label_types_by_workspace ON label_types (workspace_id, id);

CREATE TABLE thread_field_schemas (
    id                     TEXT PRIMARY KEY,
    workspace_id           TEXT NOT NULL REFERENCES workspaces (id),
    key                    TEXT NOT NULL,
    label                  TEXT NOT NULL,
    description            TEXT NOT NULL,
    type                   TEXT NOT NULL,
    enum_values            TEXT NOT NULL,
    is_required            BOOLEAN NOT NULL,
    is_ai_auto_fill        BOOLEAN NOT NULL,
    is_client_readonly     BOOLEAN NOT NULL,
    ord                    INTEGER NOT NULL,
    default_string         TEXT,
    default_bool           BOOLEAN,
    default_number         DOUBLE PRECISION,
    default_date           BIGINT,
    depends_on_label_types TEXT NOT NULL,
    depends_on_field       TEXT,
    created_at             BIGINT NOT NULL,
    created_by             TEXT NOT NULL,
    updated_at             BIGINT NOT NULL,
    updated_by             TEXT NOT NULL,
    CONSTRAINT thread_field_schemas_key_key UNIQUE (workspace_id, key)
);

CREATE TABLE threads (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id),
    ref               BIGINT NOT NULL,
    external_id       TEXT,
    customer_id       TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    description       TEXT,
    preview_text      TEXT,
    priority          INTEGER NOT NULL,
    status            TEXT NOT NULL,
    status_detail     TEXT NOT NULL,
    status_changed_at BIGINT NOT NULL,
    status_changed_by TEXT NOT NULL,
    waiting_until     BIGINT,
    channel           TEXT NOT NULL,
    tenant_id         TEXT,
    assignee          TEXT,
    assigned_at       BIGINT,
    created_at        BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_by        TEXT NOT NULL,
    CONSTRAINT threads_ref_key UNIQUE (workspace_id, ref),
    CONSTRAINT threads_external_id_key UNIQUE (workspace_id, customer_id, external_id)
);
CREATE INDEX threads_by_customer ON threads (customer_id, created_at);
CREATE INDEX threads_by_status ON threads (workspace_id, status, created_at, id);
CREATE INDEX threads_by_created ON threads (workspace_id, created_at, id);

CREATE TABLE labels (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    thread_id     TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    label_type_id TEXT NOT NULL REFERENCES label_types (id),
    created_at    BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT NOT NULL,
    CONSTRAINT labels_thread_type_key UNIQUE (thread_id, label_type_id)
);
CREATE INDEX labels_by_type ON labels (label_type_id, thread_id);

CREATE TABLE thread_field_values (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
    thread_id       TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    key             TEXT NOT NULL,
    type            TEXT NOT NULL,
    string_value    TEXT,
    bool_value      BOOLEAN,
    number_value    DOUBLE PRECISION,
    date_value      TEXT,
    is_ai_generated BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT NOT NULL,
    CONSTRAINT thread_field_values_key UNIQUE (thread_id, key)
);

CREATE TABLE timeline_entries (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    thread_id    TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    customer_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX timeline_entries_by_thread ON timeline_entries (thread_id, id);
