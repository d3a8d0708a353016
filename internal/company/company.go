// Package company defines companies: the organisations customers work for,
// one per email domain of a workspace ("co_"). A customer belongs to at
// most one company, set by hand or inferred from their email domain.
package company

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Company is a company of a workspace. Its domain name is unique among the
// workspace's companies that are not deleted; a deleted company is never
// shown, matched or usable again (upserting its domain creates a new one).
type Company struct {
	ID             string
	WorkspaceID    string
	Name           string
	DomainName     string
	ContractValue  *int
	AccountOwnerID *string // a user of the workspace
	DeletedAt      *core.Time
	DeletedBy      *core.Actor
	CreatedAt      core.Time
	CreatedBy      core.Actor
	UpdatedAt      core.Time
	UpdatedBy      core.Actor
}

// IsDeleted reports whether the company was deleted.
func (c Company) IsDeleted() bool { return c.DeletedAt != nil }

// Limits of company fields.
const (
	MaxNameLength   = 500
	MaxDomainLength = 253
)

// Identifier names a company by exactly one of its id or its domain name
// (CompanyIdentifierInput).
type Identifier struct {
	ID         *string
	DomainName *string
}

// Validate checks that exactly one key is set, reporting against field.
func (id Identifier) Validate(field string) error {
	if (id.ID == nil) == (id.DomainName == nil) {
		return core.InvalidField(field, "Exactly one of companyId or companyDomainName must be set")
	}
	return nil
}

// Field returns the input path of the key that is set, under prefix.
func (id Identifier) Field(prefix string) string {
	if id.ID != nil {
		return prefix + ".companyId"
	}
	return prefix + ".companyDomainName"
}

// NormalizeDomain reduces a domain name or a URL ("https://www.plain.com/x")
// to its lower-case host without "www." ("plain.com"). ok is false when no
// plausible domain name is left.
func NormalizeDomain(s string) (string, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", false
		}
		s = u.Hostname()
	} else if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "www."), ".")
	if s == "" || len(s) > MaxDomainLength || !strings.Contains(s, ".") {
		return "", false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return "", false
			}
		}
	}
	return s, true
}

// NameFromDomain is the name of a company known only by its domain: its
// first label, capitalised ("nike.com" → "Nike").
func NameFromDomain(domain string) string {
	first, _, _ := strings.Cut(domain, ".")
	if first == "" {
		return domain
	}
	return strings.ToUpper(first[:1]) + first[1:]
}

// freeMail are email domains anyone can have an address at: they say
// nothing about the company a customer works for.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "hotmail.co.uk": true,
	"live.com": true, "msn.com": true, "yahoo.com": true, "yahoo.co.uk": true, "ymail.com": true,
	"icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true, "proton.me": true,
	"protonmail.com": true, "pm.me": true, "gmx.com": true, "gmx.de": true, "gmx.net": true, "web.de": true,
	"mail.com": true, "yandex.com": true, "yandex.ru": true, "mail.ru": true, "zoho.com": true,
	"fastmail.com": true, "hey.com": true, "qq.com": true, "163.com": true, "126.com": true,
}

// reserved are the domains RFC 2606 and RFC 6761 set aside for
// documentation and testing: no company lives there.
var reserved = []string{"example.com", "example.net", "example.org", "example", "test", "invalid", "localhost", "local"}

// InferredDomain returns the company domain of a (normalised) email
// address, as companies are inferred from customers' addresses; ok is false
// for free-mail providers and reserved domains.
func InferredDomain(email string) (string, bool) {
	_, host, found := strings.Cut(email, "@")
	if !found {
		return "", false
	}
	d, ok := NormalizeDomain(host)
	if !ok || freeMail[d] {
		return "", false
	}
	for _, r := range reserved {
		if d == r || strings.HasSuffix(d, "."+r) {
			return "", false
		}
	}
	return d, true
}

// UpsertInput is upsertCompany's input.
type UpsertInput struct {
	Identifier         Identifier
	Name               string
	DomainName         string
	ContractValue      *int
	AccountOwnerUserID *string
}

// Clean validates and normalises the input; the domain must be one, a URL
// is reduced to its domain.
func (in UpsertInput) Clean() (UpsertInput, error) {
	var c core.Collector
	if err := in.Identifier.Validate("identifier"); err != nil {
		c.Invalid("identifier", "Exactly one of companyId or companyDomainName must be set")
	}
	if in.Identifier.DomainName != nil {
		if d, ok := NormalizeDomain(*in.Identifier.DomainName); ok {
			in.Identifier.DomainName = &d
		} else {
			c.Invalid("identifier.companyDomainName", "Must be a domain name such as plain.com")
		}
	}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		c.Required("name")
	case len([]rune(in.Name)) > MaxNameLength:
		c.Invalid("name", fmt.Sprintf("String must contain at most %d character(s)", MaxNameLength))
	}
	if d, ok := NormalizeDomain(in.DomainName); ok {
		in.DomainName = d
	} else {
		c.Invalid("domainName", "Must be a domain name such as plain.com")
	}
	if in.ContractValue != nil && *in.ContractValue < 0 {
		c.Invalid("contractValue", "Must not be negative")
	}
	return in, c.Err()
}

// New builds a company from a cleaned input.
func New(workspaceID string, in UpsertInput, at core.Time, by core.Actor) Company {
	return Company{ID: core.NewID(core.PrefixCompany), WorkspaceID: workspaceID, Name: in.Name, DomainName: in.DomainName,
		ContractValue: in.ContractValue, AccountOwnerID: in.AccountOwnerUserID,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
}

// Inferred builds the company a customer's email domain implies.
func Inferred(workspaceID, domain string, at core.Time, by core.Actor) Company {
	return New(workspaceID, UpsertInput{Name: NameFromDomain(domain), DomainName: domain}, at, by)
}

// Apply returns c with a cleaned input applied and whether anything
// changed. Contract value and account owner are changed only when given.
func (c Company) Apply(in UpsertInput, at core.Time, by core.Actor) (Company, bool) {
	n := c
	n.Name, n.DomainName = in.Name, in.DomainName
	if in.ContractValue != nil {
		n.ContractValue = in.ContractValue
	}
	if in.AccountOwnerUserID != nil {
		n.AccountOwnerID = in.AccountOwnerUserID
	}
	changed := n.Name != c.Name || n.DomainName != c.DomainName || !core.Equal(n.ContractValue, c.ContractValue) ||
		!core.Equal(n.AccountOwnerID, c.AccountOwnerID)
	if changed {
		n.UpdatedAt, n.UpdatedBy = at, by
	}
	return n, changed
}

// Delete returns c deleted at a time by an actor.
func (c Company) Delete(at core.Time, by core.Actor) Company {
	c.DeletedAt, c.DeletedBy, c.UpdatedAt, c.UpdatedBy = &at, &by, at, by
	return c
}

// Filter narrows a company list (CompaniesFilter). IDs, when not nil,
// lists the only companies to show (an empty list shows none).
type Filter struct {
	IDs           []string
	IsDeleted     bool // list deleted companies instead of live ones
	UpdatedAfter  *core.Time
	UpdatedBefore *core.Time
	// Term, when set, keeps the companies whose name or domain contains
	// it, case-insensitively (searchCompanies).
	Term string
}

// MinSearchTerm is the shortest term searchCompanies accepts.
const MinSearchTerm = 2

// CursorOf is a company's keyset cursor (creation order).
func CursorOf(c Company) string { return core.EncodeCursor(c.ID) }
