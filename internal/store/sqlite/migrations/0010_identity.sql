-- Users, machine users, API keys and workspaces as Plain's current schema
-- shows them: when a user's status changed, who deleted a user or machine
-- user, API key updates and who revoked a key, a workspace's domain names;
-- and the indexes their lists page through.
ALTER TABLE users ADD COLUMN status_changed_at BIGINT;
ALTER TABLE users ADD COLUMN deleted_by TEXT;
CREATE INDEX users_by_workspace ON users (workspace_id, id);

ALTER TABLE machine_users ADD COLUMN deleted_by TEXT;
DROP INDEX machine_users_workspace;
CREATE INDEX machine_users_by_workspace ON machine_users (workspace_id, id);

ALTER TABLE api_keys ADD COLUMN updated_at BIGINT;
ALTER TABLE api_keys ADD COLUMN updated_by TEXT;
ALTER TABLE api_keys ADD COLUMN revoked_by TEXT;
CREATE INDEX api_keys_by_machine_user ON api_keys (workspace_id, machine_user_id, id);

ALTER TABLE workspaces ADD COLUMN domain_names TEXT NOT NULL DEFAULT '';
