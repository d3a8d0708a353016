-- Sort names and thread field values by bytes, as SQLite does, so that
-- lists and cursors order the same on both backends whatever the
-- database's default collation.
ALTER TABLE customers ALTER COLUMN full_name TYPE TEXT COLLATE "C";
ALTER TABLE thread_field_values ALTER COLUMN string_value TYPE TEXT COLLATE "C";
