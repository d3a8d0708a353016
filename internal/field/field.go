// Package field defines thread fields: the workspace's schemas (key, label,
// type, enum values, required flag, order) and the values threads hold,
// validated against their schema.
package field

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/core"
)

// Type is Plain's ThreadFieldSchemaType.
type Type string

// The thread field types.
const (
	TypeString   Type = "STRING"
	TypeBool     Type = "BOOL"
	TypeEnum     Type = "ENUM"
	TypeNumber   Type = "NUMBER"
	TypeCurrency Type = "CURRENCY"
	TypeDate     Type = "DATE"
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	switch t {
	case TypeString, TypeBool, TypeEnum, TypeNumber, TypeCurrency, TypeDate:
		return true
	}
	return false
}

// DependsOnField makes a schema apply only when another field has a value.
type DependsOnField struct {
	SchemaID string `json:"threadFieldSchemaId"`
	Value    string `json:"threadFieldSchemaValue"`
}

// Schema is one thread field definition of a workspace; Key is unique.
type Schema struct {
	ID                  string
	WorkspaceID         string
	Key                 string
	Label               string
	Description         string
	Type                Type
	EnumValues          []string
	IsRequired          bool
	IsAIAutoFillEnabled bool
	IsClientReadonly    bool
	// IsAvailableToAgents lets AI agents see the field; Threadline has no
	// agents, but keeps the setting.
	IsAvailableToAgents bool
	Order               int
	DefaultString       *string
	DefaultBool         *bool
	DefaultNumber       *float64
	DefaultDate         *core.Time
	DependsOnLabelTypes []string
	DependsOnField      *DependsOnField
	CreatedAt           core.Time
	CreatedBy           core.Actor
	UpdatedAt           core.Time
	UpdatedBy           core.Actor
}

// Error codes of thread field schemas.
const (
	CodeKeyTaken = "thread_field_schema_key_already_exists"
)

var keyRe = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,100}$`)

// SchemaInput is CreateThreadFieldSchemaInput, and the result of applying
// UpdateThreadFieldSchemaInput to an existing schema.
type SchemaInput struct {
	Key                 string
	Label               string
	Description         string
	Type                Type
	EnumValues          []string
	IsRequired          bool
	IsAIAutoFillEnabled bool
	IsClientReadonly    bool
	IsAvailableToAgents bool
	Order               int
	DefaultString       *string
	DefaultBool         *bool
	DefaultNumber       *float64
	DefaultDate         *string
	DependsOnLabelTypes []string
	DependsOnField      *DependsOnField
}

// Validate checks a schema input and returns the cleaned schema values.
func (in SchemaInput) Validate() (SchemaInput, *core.Time, error) {
	var c core.Collector
	in.Key = strings.TrimSpace(in.Key)
	if in.Key == "" {
		c.Required("key")
	} else if !keyRe.MatchString(in.Key) {
		c.Invalid("key", "Must be 1 to 100 letters, digits, _ or -")
	}
	in.Label = strings.TrimSpace(in.Label)
	if in.Label == "" {
		c.Required("label")
	} else if len([]rune(in.Label)) > 500 {
		c.Invalid("label", "String must contain at most 500 character(s)")
	}
	if len([]rune(in.Description)) > 2000 {
		c.Invalid("description", "String must contain at most 2000 character(s)")
	}
	if !in.Type.Valid() {
		c.Invalid("type", "Unknown thread field type")
	}
	if in.Order < 0 || in.Order > 100000 {
		c.Invalid("order", "Must be between 0 and 100000")
	}
	seen := map[string]bool{}
	clean := make([]string, 0, len(in.EnumValues))
	for i, v := range in.EnumValues {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			c.Required(fmt.Sprintf("enumValues.%d", i))
		case seen[v]:
			c.Invalid(fmt.Sprintf("enumValues.%d", i), "Duplicate enum value")
		}
		seen[v] = true
		clean = append(clean, v)
	}
	in.EnumValues = clean
	if in.Type == TypeEnum && len(clean) == 0 {
		c.Invalid("enumValues", "An ENUM field needs at least one value")
	}
	if in.Type != TypeEnum && in.Type.Valid() && len(clean) > 0 {
		c.Invalid("enumValues", "Only ENUM fields have enum values")
	}
	var date *core.Time
	if in.DefaultDate != nil {
		d, err := parseDate(*in.DefaultDate)
		if err != nil {
			c.Invalid("defaultDateValue", "Must be an ISO 8601 date")
		}
		date = &d
	}
	if in.DefaultString != nil && in.Type == TypeEnum && !seen[*in.DefaultString] {
		c.Invalid("defaultStringValue", "Must be one of the enum values")
	}
	return in, date, c.Err()
}

// Value is a thread's value of one field, identified by (thread, key).
type Value struct {
	ID            string
	WorkspaceID   string
	ThreadID      string
	Key           string
	Type          Type
	String        *string
	Bool          *bool
	Number        *float64
	Date          *string
	IsAIGenerated bool
	CreatedAt     core.Time
	CreatedBy     core.Actor
	UpdatedAt     core.Time
	UpdatedBy     core.Actor
}

// DateTime returns a DATE value as an instant (a date alone is its midnight
// UTC), or nil when v holds no date or one that does not parse.
func (v Value) DateTime() *core.Time {
	if v.Date == nil {
		return nil
	}
	t, err := parseDate(*v.Date)
	if err != nil {
		return nil
	}
	return &t
}

// ValueInput is one value a client sets (CreateThreadFieldOnThreadInput).
type ValueInput struct {
	Key    string
	Type   Type
	String *string
	Bool   *bool
	Number *float64
	Date   *string
}

func parseDate(s string) (core.Time, error) {
	if t, err := core.ParseISO8601(s); err == nil {
		return t, nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return core.Time{}, err
	}
	return core.At(d), nil
}

// CheckValue validates one value against its schema; path is the input
// path of the value (e.g. "threadFields.0", or "" at the input's root) and
// keyPath that of its key. A nil schema means the key is unknown.
func CheckValue(c *core.Collector, path, keyPath string, s *Schema, v ValueInput) {
	at := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	if s == nil {
		c.Add(keyPath, fmt.Sprintf("No thread field schema with key %q", v.Key), core.FieldNotFound)
		return
	}
	if v.Type != s.Type {
		c.Invalid(at("type"), fmt.Sprintf("Thread field %q is of type %s, not %s", s.Key, s.Type, v.Type))
		return
	}
	set := 0
	for _, p := range []bool{v.String != nil, v.Bool != nil, v.Number != nil, v.Date != nil} {
		if p {
			set++
		}
	}
	slot := map[Type]string{TypeString: "stringValue", TypeEnum: "stringValue", TypeBool: "booleanValue",
		TypeNumber: "numberValue", TypeCurrency: "numberValue", TypeDate: "dateValue"}[s.Type]
	var has bool
	switch s.Type {
	case TypeString, TypeEnum:
		has = v.String != nil
	case TypeBool:
		has = v.Bool != nil
	case TypeNumber, TypeCurrency:
		has = v.Number != nil
	case TypeDate:
		has = v.Date != nil
	}
	if !has {
		c.Required(at(slot))
		return
	}
	if set > 1 {
		where := path
		if where == "" {
			where = slot
		}
		c.Invalid(where, "Only "+slot+" may be set for a "+string(s.Type)+" field")
		return
	}
	switch s.Type {
	case TypeString:
		if strings.TrimSpace(*v.String) == "" {
			c.Required(at("stringValue"))
		} else if len([]rune(*v.String)) > 10000 {
			c.Invalid(at("stringValue"), "String must contain at most 10000 character(s)")
		}
	case TypeEnum:
		if !slices.Contains(s.EnumValues, *v.String) {
			c.Invalid(at("stringValue"), fmt.Sprintf("%q is not one of the values of %q: %s",
				*v.String, s.Key, strings.Join(s.EnumValues, ", ")))
		}
	case TypeDate:
		if _, err := parseDate(*v.Date); err != nil {
			c.Invalid(at("dateValue"), "Must be an ISO 8601 date")
		}
	}
}

// MissingRequired returns the keys of required schemas without a value in
// given. Schemas that depend on labels or another field are only required
// when their condition holds, which a new thread's input decides.
func MissingRequired(schemas []Schema, given map[string]ValueInput, labelTypeIDs []string) []string {
	var out []string
	byID := schemasByID(schemas)
	for _, s := range schemas {
		if !s.IsRequired {
			continue
		}
		if _, ok := given[s.Key]; ok {
			continue
		}
		if !s.applies(byID, given, labelTypeIDs) {
			continue
		}
		out = append(out, s.Key)
	}
	return out
}

func schemasByID(ss []Schema) map[string]Schema {
	m := make(map[string]Schema, len(ss))
	for _, s := range ss {
		m[s.ID] = s
	}
	return m
}

func (s Schema) applies(byID map[string]Schema, given map[string]ValueInput, labelTypeIDs []string) bool {
	if len(s.DependsOnLabelTypes) > 0 {
		ok := false
		for _, id := range s.DependsOnLabelTypes {
			ok = ok || slices.Contains(labelTypeIDs, id)
		}
		if !ok {
			return false
		}
	}
	if d := s.DependsOnField; d != nil {
		parent, ok := byID[d.SchemaID]
		if !ok {
			return false
		}
		v, ok := given[parent.Key]
		if !ok || v.String == nil || *v.String != d.Value {
			return false
		}
	}
	return true
}

// NewValue makes the stored value of a validated input.
func NewValue(workspaceID, threadID string, v ValueInput, at core.Time, by core.Actor) Value {
	out := Value{ID: core.NewID(core.PrefixThreadField), WorkspaceID: workspaceID, ThreadID: threadID,
		Key: v.Key, Type: v.Type, CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	switch v.Type {
	case TypeString, TypeEnum:
		out.String = v.String
	case TypeBool:
		out.Bool = v.Bool
	case TypeNumber, TypeCurrency:
		out.Number = v.Number
	case TypeDate:
		out.Date = v.Date
	}
	return out
}

// SchemaCursor is a schema's keyset cursor (order, then id).
func SchemaCursor(s Schema) string { return core.EncodeCursor(fmt.Sprintf("%06d", s.Order), s.ID) }
