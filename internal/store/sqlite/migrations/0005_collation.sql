-- Text sort order: SQLite compares text by bytes already (BINARY), which
-- PostgreSQL's migration of the same number makes explicit. Nothing to do.
SELECT 1;
