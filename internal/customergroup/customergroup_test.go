package customergroup

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestFieldsAndUpdates(t *testing.T) {
	f, err := Fields{Name: " VIP ", Key: "vip_1", Color: "#fff"}.Clean("")
	if err != nil || f.Name != "VIP" {
		t.Fatalf("Clean = %+v, %v", f, err)
	}
	if _, err := (Fields{Name: "", Key: "not ok", Color: "red"}).Clean("x."); err == nil {
		t.Error("bad fields accepted")
	} else if e, _ := core.AsError(err); len(e.Fields) != 3 || e.Fields[0].Field != "x.name" {
		t.Errorf("field errors: %+v", e.Fields)
	}
	g := New("w_1", f, core.FromMillis(1), core.SystemActor)
	if _, changed := g.Set(f, core.FromMillis(2), core.SystemActor); changed {
		t.Error("setting the same values is a change")
	}
	next, changed, err := g.Apply(UpdateInput{Key: core.Ptr("vip2"), ExternalID: core.Some("x")}, core.FromMillis(2), core.SystemActor)
	if err != nil || !changed || next.Key != "vip2" || *next.ExternalID != "x" || next.UpdatedAt.Millis() != 2 {
		t.Errorf("Apply = %+v, %v, %v", next, changed, err)
	}
	if err := (Identifier{ID: core.Ptr("a"), Key: core.Ptr("b")}).Validate("id"); err == nil {
		t.Error("two keys accepted")
	}
}
