-- Working threads: waking snoozed threads and listing threads by the
-- filters and sort orders agents use.
CREATE INDEX threads_wake ON threads (waiting_until) WHERE status = 'SNOOZED';
CREATE INDEX threads_by_status_changed ON threads (workspace_id, status, status_changed_at, id);
CREATE INDEX threads_by_priority ON threads (workspace_id, status, priority, id);
CREATE INDEX threads_by_assignee ON threads (workspace_id, assignee, status, created_at, id);
CREATE INDEX thread_field_values_by_key ON thread_field_values (workspace_id, key, string_value);
