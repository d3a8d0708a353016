-- The agent web app. Users sign in with a password (argon2id hash) and act
-- with the permissions of their role; sessions live in the database (by the
-- hash of their token), so that any replica serves any request.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'SUPPORT';
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Search. The text of each thread (title, description, preview) and of each
-- of its messages is a document; so is each customer's name, email and
-- external id. The store writes documents in the transaction that writes
-- what they show. SQLite indexes them with FTS5 (below: the virtual tables
-- and the triggers keeping them in step with the documents); PostgreSQL
-- with GIN indexes of tsvectors.
CREATE TABLE thread_search_docs (
    id           INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    thread_id    TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    source_id    TEXT NOT NULL,
    body         TEXT NOT NULL,
    CONSTRAINT thread_search_docs_source_key UNIQUE (source_id)
);
CREATE INDEX thread_search_docs_by_thread ON thread_search_docs (thread_id);

CREATE TABLE customer_search_docs (
    id           INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    full_name    TEXT NOT NULL,
    short_name   TEXT NOT NULL,
    email        TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    CONSTRAINT customer_search_docs_customer_key UNIQUE (customer_id)
);

CREATE VIRTUAL TABLE thread_search_fts USING fts5(
    body, content = 'thread_search_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER thread_search_docs_ai AFTER INSERT ON thread_search_docs BEGIN
    INSERT INTO thread_search_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER thread_search_docs_ad AFTER DELETE ON thread_search_docs BEGIN
    INSERT INTO thread_search_fts (thread_search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER thread_search_docs_au AFTER UPDATE ON thread_search_docs BEGIN
    INSERT INTO thread_search_fts (thread_search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO thread_search_fts (rowid, body) VALUES (new.id, new.body);
END;

CREATE VIRTUAL TABLE customer_search_fts USING fts5(
    full_name, short_name, email, external_id,
    content = 'customer_search_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER customer_search_docs_ai AFTER INSERT ON customer_search_docs BEGIN
    INSERT INTO customer_search_fts (rowid, full_name, short_name, email, external_id)
    VALUES (new.id, new.full_name, new.short_name, new.email, new.external_id);
END;
CREATE TRIGGER customer_search_docs_ad AFTER DELETE ON customer_search_docs BEGIN
    INSERT INTO customer_search_fts (customer_search_fts, rowid, full_name, short_name, email, external_id)
    VALUES ('delete', old.id, old.full_name, old.short_name, old.email, old.external_id);
END;
CREATE TRIGGER customer_search_docs_au AFTER UPDATE ON customer_search_docs BEGIN
    INSERT INTO customer_search_fts (customer_search_fts, rowid, full_name, short_name, email, external_id)
    VALUES ('delete', old.id, old.full_name, old.short_name, old.email, old.external_id);
    INSERT INTO customer_search_fts (rowid, full_name, short_name, email, external_id)
    VALUES (new.id, new.full_name, new.short_name, new.email, new.external_id);
END;

-- The documents of what exists already: threads, chats, customers.
INSERT INTO thread_search_docs (workspace_id, thread_id, source_id, body)
    SELECT workspace_id, id, id, title || ' ' || COALESCE(description, '') || ' ' || COALESCE(preview_text, '')
    FROM threads;
INSERT INTO thread_search_docs (workspace_id, thread_id, source_id, body)
    SELECT workspace_id, thread_id, id, json_extract(payload, '$.text')
    FROM timeline_entries WHERE kind = 'chat' AND json_extract(payload, '$.text') IS NOT NULL;
INSERT INTO customer_search_docs (workspace_id, customer_id, full_name, short_name, email, external_id)
    SELECT workspace_id, id, full_name, COALESCE(short_name, ''), email, COALESCE(external_id, '') FROM customers;
