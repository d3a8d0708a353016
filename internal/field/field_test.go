package field

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestSchemaValidate(t *testing.T) {
	cases := []struct {
		name  string
		in    SchemaInput
		field string
	}{
		{"ok", SchemaInput{Key: "area", Label: "Area", Type: TypeEnum, EnumValues: []string{"a", "b"}}, ""},
		{"bad key", SchemaInput{Key: "has space", Label: "L", Type: TypeString}, "key"},
		{"no label", SchemaInput{Key: "k", Type: TypeString}, "label"},
		{"bad type", SchemaInput{Key: "k", Label: "L", Type: "COLOR"}, "type"},
		{"enum without values", SchemaInput{Key: "k", Label: "L", Type: TypeEnum}, "enumValues"},
		{"duplicate enum value", SchemaInput{Key: "k", Label: "L", Type: TypeEnum, EnumValues: []string{"a", " a"}}, "enumValues.1"},
		{"values on string", SchemaInput{Key: "k", Label: "L", Type: TypeString, EnumValues: []string{"a"}}, "enumValues"},
		{"default not in enum", SchemaInput{Key: "k", Label: "L", Type: TypeEnum, EnumValues: []string{"a"}, DefaultString: core.Ptr("z")}, "defaultStringValue"},
		{"bad default date", SchemaInput{Key: "k", Label: "L", Type: TypeDate, DefaultDate: core.Ptr("yesterday")}, "defaultDateValue"},
		{"order range", SchemaInput{Key: "k", Label: "L", Type: TypeString, Order: -1}, "order"},
	}
	for _, c := range cases {
		_, _, err := c.in.Validate()
		e, _ := core.AsError(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (e == nil || e.Fields[0].Field != c.field):
			t.Errorf("%s: %v, want error on %s", c.name, err, c.field)
		}
	}
}

func TestCheckValue(t *testing.T) {
	enum := &Schema{Key: "area", Type: TypeEnum, EnumValues: []string{"billing", "login"}}
	str := &Schema{Key: "s", Type: TypeString}
	boolean := &Schema{Key: "b", Type: TypeBool}
	date := &Schema{Key: "d", Type: TypeDate}
	cases := []struct {
		name   string
		schema *Schema
		v      ValueInput
		field  string
		typ    core.FieldErrorType
	}{
		{"enum ok", enum, ValueInput{Key: "area", Type: TypeEnum, String: core.Ptr("login")}, "", ""},
		{"enum not a value", enum, ValueInput{Key: "area", Type: TypeEnum, String: core.Ptr("Login")}, "f.stringValue", core.FieldValidation},
		{"unknown key", nil, ValueInput{Key: "zz", Type: TypeString, String: core.Ptr("x")}, "f.key", core.FieldNotFound},
		{"wrong type", str, ValueInput{Key: "s", Type: TypeBool, Bool: core.Ptr(true)}, "f.type", core.FieldValidation},
		{"missing value", boolean, ValueInput{Key: "b", Type: TypeBool}, "f.booleanValue", core.FieldRequired},
		{"two values", boolean, ValueInput{Key: "b", Type: TypeBool, Bool: core.Ptr(true), String: core.Ptr("x")}, "f", core.FieldValidation},
		{"blank string", str, ValueInput{Key: "s", Type: TypeString, String: core.Ptr("  ")}, "f.stringValue", core.FieldRequired},
		{"date ok", date, ValueInput{Key: "d", Type: TypeDate, Date: core.Ptr("2026-01-02")}, "", ""},
		{"date bad", date, ValueInput{Key: "d", Type: TypeDate, Date: core.Ptr("02/01/2026")}, "f.dateValue", core.FieldValidation},
	}
	for _, c := range cases {
		var col core.Collector
		CheckValue(&col, "f", "f.key", c.schema, c.v)
		e, _ := core.AsError(col.Err())
		switch {
		case c.field == "" && e != nil:
			t.Errorf("%s: %v", c.name, e)
		case c.field != "" && (e == nil || e.Fields[0].Field != c.field || e.Fields[0].Type != c.typ):
			t.Errorf("%s: %+v, want %s on %s", c.name, e, c.typ, c.field)
		}
	}
}

func TestMissingRequired(t *testing.T) {
	schemas := []Schema{
		{ID: "s1", Key: "always", IsRequired: true},
		{ID: "s2", Key: "optional"},
		{ID: "s3", Key: "for_bugs", IsRequired: true, DependsOnLabelTypes: []string{"lt_bug"}},
		{ID: "s4", Key: "kind", Type: TypeEnum},
		{ID: "s5", Key: "for_billing", IsRequired: true, DependsOnField: &DependsOnField{SchemaID: "s4", Value: "billing"}},
	}
	got := MissingRequired(schemas, map[string]ValueInput{}, nil)
	if len(got) != 1 || got[0] != "always" {
		t.Fatalf("no labels, no values: %v", got)
	}
	got = MissingRequired(schemas, map[string]ValueInput{"always": {}, "kind": {String: core.Ptr("billing")}}, []string{"lt_bug"})
	if len(got) != 2 || got[0] != "for_bugs" || got[1] != "for_billing" {
		t.Fatalf("conditions hold: %v", got)
	}
}
