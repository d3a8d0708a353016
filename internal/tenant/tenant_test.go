package tenant

import (
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestUpsertInput(t *testing.T) {
	ext := "acc-1"
	in, err := UpsertInput{Identifier: Identifier{ExternalID: &ext}, ExternalID: " acc-1 ", Name: "Acme",
		URL: core.Some(" https://acme.example "), AlternateDomains: &[]string{" ACME.dev "}}.Clean()
	if err != nil || in.ExternalID != "acc-1" || *in.URL.Value != "https://acme.example" || (*in.AlternateDomains)[0] != "acme.dev" {
		t.Fatalf("Clean = %+v, %v", in, err)
	}
	te := New("w_1", in, core.FromMillis(1), core.SystemActor)
	if te.Source != SourceAPI || te.Name != "Acme" || *te.URL != "https://acme.example" {
		t.Errorf("New = %+v", te)
	}
	if _, changed := te.Apply(in, core.FromMillis(2), core.SystemActor); changed {
		t.Error("applying the same input is a change")
	}
	cleared, changed := te.Apply(UpsertInput{ExternalID: "acc-1", Name: "Acme", URL: core.Optional[string]{Set: true}}, core.FromMillis(2), core.SystemActor)
	if !changed || cleared.URL != nil || len(cleared.AlternateDomains) != 1 {
		t.Errorf("clearing the URL: %+v, %v", cleared, changed)
	}
	if _, err := (UpsertInput{Name: "", ExternalID: "", URL: core.Some("ftp://x")}).Clean(); err == nil {
		t.Error("no identifier, no name, no external id and an ftp URL accepted")
	}
}
