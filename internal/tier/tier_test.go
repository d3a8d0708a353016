package tier

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestNewAndApply(t *testing.T) {
	at := core.FromMillis(1)
	tr, err := New("w_1", CreateInput{Name: " Gold ", ExternalID: "gold", Color: "#FFD700"}, at, core.SystemActor)
	if err != nil || tr.Name != "Gold" || tr.DefaultThreadPriority != DefaultPriority || tr.IsDefault || *tr.ExternalID != "gold" {
		t.Fatalf("New = %+v, %v", tr, err)
	}
	if _, err := New("w_1", CreateInput{Name: "", ExternalID: "", Color: "gold", DefaultThreadPriority: core.Ptr(4)}, at, core.SystemActor); err == nil {
		t.Error("New accepts no name, no external id, a named color and priority 4")
	}
	later := core.FromMillis(2)
	next, changed, err := tr.Apply(UpdateInput{Name: core.Ptr("Gold"), ExternalID: core.Optional[string]{Set: true}}, later, core.SystemActor)
	if err != nil || !changed || next.ExternalID != nil || next.UpdatedAt != later {
		t.Errorf("clearing the external id: %+v, %v, %v", next, changed, err)
	}
	if _, changed, _ := tr.Apply(UpdateInput{Name: core.Ptr("Gold")}, later, core.SystemActor); changed {
		t.Error("setting the same name is a change")
	}
	if _, _, err := tr.Apply(UpdateInput{DefaultThreadPriority: core.Ptr(-1)}, later, core.SystemActor); err == nil {
		t.Error("priority -1 accepted")
	}
	if d := tr.Delete(later, core.SystemActor); !d.IsDeleted() || d.IsDefault {
		t.Errorf("Delete = %+v", d)
	}
}

func TestMember(t *testing.T) {
	te, co := "te_1", "co_1"
	for _, c := range []struct {
		m    Member
		kind MemberKind
		ok   bool
	}{{Member{TenantID: &te}, MemberTenant, true}, {Member{CompanyID: &co}, MemberCompany, true}, {Member{}, "", false}, {Member{TenantID: &te, CompanyID: &co}, "", false}} {
		if kind, _, ok := c.m.Kind(); kind != c.kind || ok != c.ok {
			t.Errorf("%+v: %q, %v", c.m, kind, ok)
		}
	}
	if m := NewMembership("w_1", "tier_1", MemberCompany, co, core.FromMillis(1), core.SystemActor); !core.ValidID(m.ID, core.PrefixCompanyTierMembership) {
		t.Errorf("a company membership's id is %s", m.ID)
	}
}
