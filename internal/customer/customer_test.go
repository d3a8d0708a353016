package customer

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestIdentifier(t *testing.T) {
	s := core.Ptr("x")
	for _, c := range []struct {
		id    Identifier
		ok    bool
		field string
	}{
		{Identifier{CustomerID: s}, true, "p.customerId"},
		{Identifier{EmailAddress: s}, true, "p.emailAddress"},
		{Identifier{ExternalID: s}, true, "p.externalId"},
		{Identifier{}, false, ""},
		{Identifier{CustomerID: s, ExternalID: s}, false, ""},
	} {
		if err := c.id.Validate("p"); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.id, err)
		}
		if c.ok && c.id.Field("p") != c.field {
			t.Errorf("%+v: field %s", c.id, c.id.Field("p"))
		}
	}
}

func TestCleanCreate(t *testing.T) {
	f, err := CreateFields{FullName: "  Ann  ", Email: " ANN@Example.COM ", ShortName: core.Ptr(" "), ExternalID: core.Ptr(" e1 ")}.Clean("onCreate")
	if err != nil || f.FullName != "Ann" || f.Email != "ann@example.com" || f.ShortName != nil || *f.ExternalID != "e1" {
		t.Fatalf("%+v %v", f, err)
	}
	_, err = CreateFields{FullName: "", Email: "not-an-email"}.Clean("onCreate")
	e, _ := core.AsError(err)
	if e == nil || len(e.Fields) != 2 || e.Fields[0].Field != "onCreate.fullName" || e.Fields[0].Type != core.FieldRequired ||
		e.Fields[1].Field != "onCreate.email.email" || e.Fields[1].Type != core.FieldValidation {
		t.Fatalf("errors: %+v", e)
	}
}

func TestApply(t *testing.T) {
	now := core.FromMillis(1000)
	later := core.FromMillis(2000)
	by := core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
	c := New("w_1", CreateFields{FullName: "Ann", Email: "ann@example.com", ShortName: core.Ptr("A")}, now, core.SystemActor)
	if _, changed := c.Apply(UpdateFields{}, later, by); changed {
		t.Fatal("empty update changed the customer")
	}
	if _, changed := c.Apply(UpdateFields{FullName: core.Ptr("Ann"), ShortName: core.Some("A")}, later, by); changed {
		t.Fatal("same values reported as a change (want NOOP)")
	}
	n, changed := c.Apply(UpdateFields{ShortName: core.Optional[string]{Set: true}}, later, by)
	if !changed || n.ShortName != nil || n.UpdatedAt != later || n.UpdatedBy != by || n.CreatedAt != now {
		t.Fatalf("clearing shortName: %+v %v", n, changed)
	}
	n, changed = c.Apply(UpdateFields{Email: core.Ptr("new@example.com"), EmailVerified: true}, later, by)
	if !changed || n.Email != "new@example.com" || !n.EmailVerified || n.EmailVerifiedAt == nil || *n.EmailVerifiedAt != later {
		t.Fatalf("email change: %+v", n)
	}
}
