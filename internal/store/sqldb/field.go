package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
)

const fieldSchemaCols = `id, workspace_id, key, label, description, type, enum_values, is_required, is_ai_auto_fill,
	is_client_readonly, ord, default_string, default_bool, default_number, default_date, depends_on_label_types,
	depends_on_field, created_at, created_by, updated_at, updated_by, is_available_to_agents`

func scanFieldSchema(s scanner) (field.Schema, error) {
	var f field.Schema
	var typ, enums, dependsLabels, cBy, uBy string
	var defStr, dependsField sql.NullString
	var defBool sql.NullBool
	var defNum sql.NullFloat64
	var defDate sql.NullInt64
	var cAt, uAt int64
	err := s.Scan(&f.ID, &f.WorkspaceID, &f.Key, &f.Label, &f.Description, &typ, &enums, &f.IsRequired,
		&f.IsAIAutoFillEnabled, &f.IsClientReadonly, &f.Order, &defStr, &defBool, &defNum, &defDate,
		&dependsLabels, &dependsField, &cAt, &cBy, &uAt, &uBy, &f.IsAvailableToAgents)
	if err != nil {
		return f, err
	}
	f.Type, f.DefaultString, f.DefaultDate = field.Type(typ), strPtr(defStr), timePtr(defDate)
	if defBool.Valid {
		f.DefaultBool = &defBool.Bool
	}
	if defNum.Valid {
		f.DefaultNumber = &defNum.Float64
	}
	if err := json.Unmarshal([]byte(enums), &f.EnumValues); err != nil {
		return f, err
	}
	if err := json.Unmarshal([]byte(dependsLabels), &f.DependsOnLabelTypes); err != nil {
		return f, err
	}
	if dependsField.Valid {
		f.DependsOnField = &field.DependsOnField{}
		if err := json.Unmarshal([]byte(dependsField.String), f.DependsOnField); err != nil {
			return f, err
		}
	}
	f.CreatedAt, f.CreatedBy, f.UpdatedAt, f.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return f, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func fieldSchemaArgs(f field.Schema) []any {
	var dependsField any
	if f.DependsOnField != nil {
		dependsField = jsonText(f.DependsOnField)
	}
	enums, labels := f.EnumValues, f.DependsOnLabelTypes
	if enums == nil {
		enums = []string{}
	}
	if labels == nil {
		labels = []string{}
	}
	var defBool, defNum any
	if f.DefaultBool != nil {
		defBool = *f.DefaultBool
	}
	if f.DefaultNumber != nil {
		defNum = *f.DefaultNumber
	}
	return []any{f.ID, f.WorkspaceID, f.Key, f.Label, f.Description, string(f.Type), jsonText(enums), f.IsRequired,
		f.IsAIAutoFillEnabled, f.IsClientReadonly, f.Order, nullStr(f.DefaultString), defBool, defNum,
		nullTime(f.DefaultDate), jsonText(labels), dependsField, f.CreatedAt.Millis(), f.CreatedBy.String(),
		f.UpdatedAt.Millis(), f.UpdatedBy.String(), f.IsAvailableToAgents}
}

// CreateFieldSchema inserts a thread field schema.
func (t *Tx) CreateFieldSchema(ctx context.Context, f field.Schema) error {
	_, err := t.exec(ctx, `INSERT INTO thread_field_schemas (`+fieldSchemaCols+`) VALUES (`+columnPlaceholders(fieldSchemaCols)+`)`, fieldSchemaArgs(f)...)
	return err
}

// UpdateFieldSchema overwrites a schema (all columns but id, workspace, created).
func (t *Tx) UpdateFieldSchema(ctx context.Context, f field.Schema) error {
	a := fieldSchemaArgs(f)
	return expectOne(t.exec(ctx, `UPDATE thread_field_schemas SET key = ?, label = ?, description = ?, type = ?,
		enum_values = ?, is_required = ?, is_ai_auto_fill = ?, is_client_readonly = ?, ord = ?, default_string = ?,
		default_bool = ?, default_number = ?, default_date = ?, depends_on_label_types = ?, depends_on_field = ?,
		updated_at = ?, updated_by = ?, is_available_to_agents = ? WHERE workspace_id = ? AND id = ?`,
		a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[19], a[20], a[21],
		f.WorkspaceID, f.ID))
}

// DeleteFieldSchema deletes a schema (values on threads stay, keyed by key).
func (t *Tx) DeleteFieldSchema(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM thread_field_schemas WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}

// GetFieldSchema reads one schema.
func (t *Tx) GetFieldSchema(ctx context.Context, workspaceID, id string) (field.Schema, error) {
	f, err := scanFieldSchema(t.row(ctx, `SELECT `+fieldSchemaCols+` FROM thread_field_schemas WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return f, t.wrap(err)
}

// LockFieldSchema reads a schema for change, locking its row on PostgreSQL.
func (t *Tx) LockFieldSchema(ctx context.Context, workspaceID, id string) (field.Schema, error) {
	f, err := scanFieldSchema(t.row(ctx, `SELECT `+fieldSchemaCols+` FROM thread_field_schemas WHERE workspace_id = ? AND id = ?`+t.forUpdate(false), workspaceID, id))
	return f, t.wrap(err)
}

// ListFieldSchemas reads every schema of a workspace by order, then id,
// once per transaction until it may have changed them (readCache).
func (t *Tx) ListFieldSchemas(ctx context.Context, workspaceID string) ([]field.Schema, error) {
	if fs, ok := t.cache.getSchemas(workspaceID); ok {
		return fs, nil
	}
	fs, err := t.listFieldSchemas(ctx, workspaceID)
	if err == nil {
		t.cache.putSchemas(workspaceID, fs)
	}
	return fs, err
}

func (t *Tx) listFieldSchemas(ctx context.Context, workspaceID string) ([]field.Schema, error) {
	rows, err := t.query(ctx, `SELECT `+fieldSchemaCols+` FROM thread_field_schemas WHERE workspace_id = ? ORDER BY ord, id`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []field.Schema
	for rows.Next() {
		f, err := scanFieldSchema(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const fieldValueCols = `id, workspace_id, thread_id, key, type, string_value, bool_value, number_value, date_value,
	is_ai_generated, created_at, created_by, updated_at, updated_by`

// CreateFieldValue inserts a thread's field value.
func (t *Tx) CreateFieldValue(ctx context.Context, v field.Value) error {
	var b, n any
	if v.Bool != nil {
		b = *v.Bool
	}
	if v.Number != nil {
		n = *v.Number
	}
	return t.later(ctx, `INSERT INTO thread_field_values (`+fieldValueCols+`) VALUES (`+columnPlaceholders(fieldValueCols)+`)`,
		v.ID, v.WorkspaceID, v.ThreadID, v.Key, string(v.Type), nullStr(v.String), b, n, nullStr(v.Date),
		v.IsAIGenerated, v.CreatedAt.Millis(), v.CreatedBy.String(), v.UpdatedAt.Millis(), v.UpdatedBy.String())
}

// FieldValuesOfThreads reads the field values of threads.
func (t *Tx) FieldValuesOfThreads(ctx context.Context, workspaceID string, threadIDs []string) ([]field.Value, error) {
	if len(threadIDs) == 0 {
		return nil, nil
	}
	in, args := inList("thread_id", threadIDs)
	rows, err := t.query(ctx, `SELECT `+fieldValueCols+` FROM thread_field_values WHERE workspace_id = ? AND `+in+` ORDER BY id`,
		append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []field.Value
	for rows.Next() {
		v, err := scanFieldValue(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanFieldValue(s scanner) (field.Value, error) {
	var v field.Value
	var typ, cBy, uBy string
	var str, d sql.NullString
	var b sql.NullBool
	var n sql.NullFloat64
	var cAt, uAt int64
	err := s.Scan(&v.ID, &v.WorkspaceID, &v.ThreadID, &v.Key, &typ, &str, &b, &n, &d, &v.IsAIGenerated, &cAt, &cBy, &uAt, &uBy)
	v.Type, v.String, v.Date = field.Type(typ), strPtr(str), strPtr(d)
	if b.Valid {
		v.Bool = &b.Bool
	}
	if n.Valid {
		v.Number = &n.Float64
	}
	v.CreatedAt, v.CreatedBy, v.UpdatedAt, v.UpdatedBy = core.FromMillis(cAt), core.ParseActor(cBy), core.FromMillis(uAt), core.ParseActor(uBy)
	return v, err
}

// GetFieldValue reads a thread's value of key.
func (t *Tx) GetFieldValue(ctx context.Context, workspaceID, threadID, key string) (field.Value, error) {
	v, err := scanFieldValue(t.row(ctx, `SELECT `+fieldValueCols+` FROM thread_field_values
		WHERE workspace_id = ? AND thread_id = ? AND key = ?`, workspaceID, threadID, key))
	return v, t.wrap(err)
}

// UpdateFieldValue overwrites a value's type, value slots and update stamp.
func (t *Tx) UpdateFieldValue(ctx context.Context, v field.Value) error {
	var b, n any
	if v.Bool != nil {
		b = *v.Bool
	}
	if v.Number != nil {
		n = *v.Number
	}
	return expectOne(t.exec(ctx, `UPDATE thread_field_values SET type = ?, string_value = ?, bool_value = ?, number_value = ?,
		date_value = ?, is_ai_generated = ?, updated_at = ?, updated_by = ? WHERE workspace_id = ? AND id = ?`,
		string(v.Type), nullStr(v.String), b, n, nullStr(v.Date), v.IsAIGenerated, v.UpdatedAt.Millis(), v.UpdatedBy.String(),
		v.WorkspaceID, v.ID))
}

// DeleteFieldValue removes a thread's field value.
func (t *Tx) DeleteFieldValue(ctx context.Context, workspaceID, id string) error {
	return expectOne(t.exec(ctx, `DELETE FROM thread_field_values WHERE workspace_id = ? AND id = ?`, workspaceID, id))
}
