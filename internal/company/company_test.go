package company

import "testing"

func TestNormalizeDomain(t *testing.T) {
	for in, want := range map[string]string{
		"plain.com": "plain.com", "https://www.plain.com/about?x=1": "plain.com", "WWW.Plain.COM.": "plain.com",
		"acme.co.uk:8443": "acme.co.uk", "http://sub.acme.io": "sub.acme.io", "acme.io/path": "acme.io",
		"": "", "localhost": "", "not a domain": "", "-bad.com": "", "a..b": "", "x@y.com": "",
	} {
		got, ok := NormalizeDomain(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestInferredDomain(t *testing.T) {
	for email, want := range map[string]string{
		"ann@nike.com": "nike.com", "bob@eng.acme.io": "eng.acme.io", "cy@gmail.com": "", "di@outlook.com": "",
		"ed@example.com": "", "fi@mail.example.org": "", "gu@acme.test": "", "ha@localhost": "", "no-at-sign": "",
	} {
		got, ok := InferredDomain(email)
		if got != want || ok != (want != "") {
			t.Errorf("InferredDomain(%q) = %q, %v; want %q", email, got, ok, want)
		}
	}
	if n := NameFromDomain("nike.com"); n != "Nike" {
		t.Errorf("NameFromDomain(nike.com) = %q", n)
	}
}

func TestUpsertInputClean(t *testing.T) {
	d := "https://www.acme.io/x"
	in, err := UpsertInput{Identifier: Identifier{DomainName: &d}, Name: " Acme ", DomainName: "ACME.io"}.Clean()
	if err != nil || *in.Identifier.DomainName != "acme.io" || in.Name != "Acme" || in.DomainName != "acme.io" {
		t.Errorf("Clean = %+v, %v", in, err)
	}
	neg := -1
	if _, err := (UpsertInput{Identifier: Identifier{}, Name: "", DomainName: "x", ContractValue: &neg}).Clean(); err == nil {
		t.Error("an input with no identifier, no name, a bad domain and a negative value is accepted")
	}
}
