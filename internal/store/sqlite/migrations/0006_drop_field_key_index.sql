-- thread_field_values_by_key (0003) led SQLite's planner to scan every field
-- value of a workspace when loading one thread's fields; the unique
-- (thread_id, key) index serves both that lookup and the list filters.
DROP INDEX thread_field_values_by_key;
