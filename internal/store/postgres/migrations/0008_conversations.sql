-- Conversations. Threads keep their message infos, and sort by the time
-- of their last inbound message (0 when they have none).
ALTER TABLE threads ADD COLUMN messages TEXT NOT NULL DEFAULT '{}';
ALTER TABLE threads ADD COLUMN last_inbound_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX threads_by_last_inbound ON threads (workspace_id, last_inbound_at, id);
CREATE INDEX threads_by_status_last_inbound ON threads (workspace_id, status, last_inbound_at, id);

-- Timelines are read in time order, a thread's or a customer's; the
-- entries of a note, chat or event are found by it (source_id).
ALTER TABLE timeline_entries ADD COLUMN source_id TEXT;
DROP INDEX timeline_entries_by_thread;
CREATE INDEX timeline_entries_by_thread ON timeline_entries (thread_id, created_at, id);
CREATE INDEX timeline_entries_by_customer ON timeline_entries (customer_id, created_at, id);
CREATE INDEX timeline_entries_by_source ON timeline_entries (source_id) WHERE source_id IS NOT NULL;

-- Notes, on a thread or (thread_id NULL) on the customer.
CREATE TABLE notes (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id),
    customer_id    TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    thread_id      TEXT REFERENCES threads (id) ON DELETE CASCADE,
    text           TEXT NOT NULL,
    markdown       TEXT,
    attachment_ids TEXT NOT NULL,
    edited_at      BIGINT,
    edited_by      TEXT,
    deleted_at     BIGINT,
    deleted_by     TEXT,
    created_at     BIGINT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    updated_by     TEXT NOT NULL
);
CREATE INDEX notes_by_thread ON notes (thread_id);
CREATE INDEX notes_of_customer ON notes (customer_id, created_at) WHERE thread_id IS NULL AND deleted_at IS NULL;

-- Thread events, and (thread_id NULL) customer events. An external id is
-- unique in the event's scope: its thread, or its customer.
CREATE TABLE timeline_events (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    thread_id    TEXT REFERENCES threads (id) ON DELETE CASCADE,
    scope_id     TEXT NOT NULL,
    title        TEXT NOT NULL,
    components   TEXT NOT NULL,
    external_id  TEXT,
    is_collapsed BOOLEAN NOT NULL,
    happened_at  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    CONSTRAINT timeline_events_external_id_key UNIQUE (workspace_id, scope_id, external_id)
);
CREATE INDEX timeline_events_by_thread ON timeline_events (thread_id);
CREATE INDEX timeline_events_of_customer ON timeline_events (customer_id, happened_at) WHERE thread_id IS NULL;

-- Attachments of customers, and their contents (kept in the database, so
-- that every replica serves every file). Contents are stored out of line
-- (TOAST) and not compressed: uploads are mostly compressed already.
CREATE TABLE attachments (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    type              TEXT NOT NULL,
    file_name         TEXT NOT NULL,
    file_size         BIGINT NOT NULL,
    mime_type         TEXT NOT NULL,
    extension         TEXT,
    status            TEXT NOT NULL,
    upload_expires_at BIGINT NOT NULL,
    uploaded_at       BIGINT,
    created_at        BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_by        TEXT NOT NULL
);
CREATE INDEX attachments_by_customer ON attachments (customer_id);
CREATE INDEX attachments_pending ON attachments (upload_expires_at) WHERE status = 'PENDING';

CREATE TABLE attachment_contents (
    attachment_id TEXT PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    data          BYTEA NOT NULL
);
ALTER TABLE attachment_contents ALTER COLUMN data SET STORAGE EXTERNAL;
