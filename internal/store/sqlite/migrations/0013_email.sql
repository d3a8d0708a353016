-- Email. Threads keep the support addresses their emails went through.
ALTER TABLE threads ADD COLUMN support_email_addresses TEXT NOT NULL DEFAULT '[]';

-- Support addresses: each routes the mail sent to it to one workspace.
CREATE TABLE support_email_addresses (
    address      TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX support_email_addresses_by_workspace ON support_email_addresses (workspace_id, created_at);

-- Emails of threads, received and sent. A Message-ID is unique in its
-- workspace, so a message received twice (an SMTP retry, an IMAP
-- re-import) is stored once. Outbound emails are sent from here: pending
-- ones are claimed under a lease, like webhook deliveries.
CREATE TABLE emails (
    id                   TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL REFERENCES workspaces (id),
    thread_id            TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    customer_id          TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    message_id           TEXT NOT NULL,
    inbound              BOOLEAN NOT NULL,
    in_reply_to_email_id TEXT,
    participants         TEXT NOT NULL,
    reply_to             TEXT NOT NULL,
    subject              TEXT,
    text                 TEXT,
    new_text             TEXT,
    markdown             TEXT,
    html                 TEXT NOT NULL,
    in_reply_to          TEXT NOT NULL,
    refs                 TEXT NOT NULL,
    category             TEXT NOT NULL,
    authenticity         TEXT NOT NULL,
    attachments          TEXT NOT NULL,
    checks               TEXT NOT NULL,
    is_start_of_thread   BOOLEAN NOT NULL,
    send_status          TEXT,
    attempts             INTEGER NOT NULL,
    next_attempt_at      BIGINT NOT NULL,
    lease_until          BIGINT,
    lease_owner          TEXT,
    last_error           TEXT NOT NULL,
    bounces              TEXT NOT NULL,
    sent_at              BIGINT,
    received_at          BIGINT,
    timeline_entry_id    TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           BIGINT NOT NULL,
    updated_by           TEXT NOT NULL,
    CONSTRAINT emails_message_id_key UNIQUE (workspace_id, message_id)
);
CREATE INDEX emails_by_thread ON emails (thread_id, created_at, id);
CREATE INDEX emails_due ON emails (next_attempt_at, id) WHERE send_status = 'PENDING';

-- IMAP mailboxes polled for support mail: one poller at a time per
-- mailbox (a lease), the position (UIDVALIDITY, last UID) saved after each
-- message. Passwords are sealed at rest.
CREATE TABLE email_mailboxes (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id),
    address        TEXT NOT NULL,
    server         TEXT NOT NULL,
    security       TEXT NOT NULL,
    username       TEXT NOT NULL,
    password       TEXT NOT NULL,
    folder         TEXT NOT NULL,
    uid_validity   BIGINT NOT NULL,
    last_uid       BIGINT NOT NULL,
    next_poll_at   BIGINT NOT NULL,
    lease_until    BIGINT,
    lease_owner    TEXT,
    last_error     TEXT NOT NULL,
    last_polled_at BIGINT,
    created_at     BIGINT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX email_mailboxes_by_workspace ON email_mailboxes (workspace_id, id);
CREATE INDEX email_mailboxes_due ON email_mailboxes (next_poll_at);
