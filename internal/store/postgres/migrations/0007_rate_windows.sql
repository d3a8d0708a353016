-- Request counts of rate limits, one row per key (a workspace) holding its
-- current fixed window. UNLOGGED: counts are written on every request and
-- need not survive a crash.
CREATE UNLOGGED TABLE rate_windows (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count BIGINT NOT NULL
);
