-- Additional assignees: users and machine users looped in on a thread
-- besides its assignee.
CREATE TABLE thread_additional_assignees (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    thread_id    TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    assignee     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (thread_id, assignee)
);
