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
-- what they show. PostgreSQL indexes them with GIN indexes of tsvectors
-- (punctuation read as a word break, as SQLite's FTS5 reads it); SQLite
-- with FTS5.
CREATE TABLE thread_search_docs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    thread_id    TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    source_id    TEXT NOT NULL,
    body         TEXT NOT NULL,
    CONSTRAINT thread_search_docs_source_key UNIQUE (source_id)
);
CREATE INDEX thread_search_docs_by_thread ON thread_search_docs (thread_id);
CREATE INDEX thread_search_docs_fts ON thread_search_docs
    USING gin (to_tsvector('simple', regexp_replace(body, '[[:punct:]]+', ' ', 'g')));

CREATE TABLE customer_search_docs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    full_name    TEXT NOT NULL,
    short_name   TEXT NOT NULL,
    email        TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    CONSTRAINT customer_search_docs_customer_key UNIQUE (customer_id)
);
-- One tsvector per customer, each field under its own weight (A name, B
-- short name, C email, D external id), so that one index serves queries
-- on any set of fields.
CREATE INDEX customer_search_docs_fts ON customer_search_docs USING gin ((
    setweight(to_tsvector('simple', regexp_replace(full_name, '[[:punct:]]+', ' ', 'g')), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(short_name, '[[:punct:]]+', ' ', 'g')), 'B') ||
    setweight(to_tsvector('simple', regexp_replace(email, '[[:punct:]]+', ' ', 'g')), 'C') ||
    setweight(to_tsvector('simple', regexp_replace(external_id, '[[:punct:]]+', ' ', 'g')), 'D')));

-- The documents of what exists already: threads, chats, customers.
INSERT INTO thread_search_docs (workspace_id, thread_id, source_id, body)
    SELECT workspace_id, id, id, title || ' ' || COALESCE(description, '') || ' ' || COALESCE(preview_text, '')
    FROM threads;
INSERT INTO thread_search_docs (workspace_id, thread_id, source_id, body)
    SELECT workspace_id, thread_id, id, payload::jsonb ->> 'text'
    FROM timeline_entries WHERE kind = 'chat' AND payload::jsonb ->> 'text' IS NOT NULL;
INSERT INTO customer_search_docs (workspace_id, customer_id, full_name, short_name, email, external_id)
    SELECT workspace_id, id, full_name, COALESCE(short_name, ''), email, COALESCE(external_id, '') FROM customers;
