-- What Plain's current client reads and changes of threads, label types,
-- customers and thread field schemas: deleted threads (deletedThreads),
-- lookups by external id (threadsByExternalId, labelTypeByExternalId), who
-- marked a customer as spam, and whether AI agents may see a thread field.
CREATE TABLE deleted_threads (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    thread_id    TEXT NOT NULL,
    deleted_at   BIGINT NOT NULL,
    deleted_by   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, thread_id)
);
CREATE INDEX deleted_threads_by_time ON deleted_threads (workspace_id, deleted_at, thread_id);

CREATE INDEX threads_by_external_id ON threads (workspace_id, external_id, created_at, id);
CREATE INDEX label_types_by_external_id ON label_types (workspace_id, external_id, id);

ALTER TABLE customers ADD COLUMN marked_as_spam_by TEXT;
ALTER TABLE thread_field_schemas ADD COLUMN is_available_to_agents BOOLEAN NOT NULL DEFAULT FALSE;
