-- Request counts of rate limits (see the PostgreSQL twin). A single SQLite
-- process counts in memory; the table keeps both schemas in step.
CREATE TABLE rate_windows (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count BIGINT NOT NULL
);
