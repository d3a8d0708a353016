// Package workspace defines workspaces, the tenants of a Threadline server:
// every other row belongs to exactly one workspace, and every request is
// scoped to the workspace of its API key.
package workspace

import (
	"fmt"
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Workspace is one support organisation.
type Workspace struct {
	ID         string
	Name       string
	PublicName string
	IsDemo     bool
	// HMACSecret signs webhook deliveries (Plain-Request-Signature).
	HMACSecret    string
	HMACUpdatedAt core.Time
	HMACUpdatedBy core.Actor
	CreatedAt     core.Time
	CreatedBy     core.Actor
	UpdatedAt     core.Time
	UpdatedBy     core.Actor
	// DomainNames are the email domains of the organisation, lower case.
	DomainNames []string
}

// MaxDomainNames bounds a workspace's domain names.
const MaxDomainNames = 20

// CleanDomainNames trims, lower-cases and de-duplicates domain names,
// checking each is a host name with at least one dot; errors are reported
// against field and its index ("domainNames.1").
func CleanDomainNames(field string, names []string) ([]string, error) {
	var c core.Collector
	if len(names) > MaxDomainNames {
		c.Invalid(field, fmt.Sprintf("Array must contain at most %d element(s)", MaxDomainNames))
		return nil, c.Err()
	}
	out := []string{}
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if !validDomain(n) {
			c.Invalid(fmt.Sprintf("%s.%d", field, i), "Must be a domain name, e.g. example.com")
			continue
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, c.Err()
}

// validDomain reports whether s is a DNS host name of two labels or more.
func validDomain(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	return true
}

// MaxNameLength bounds workspace, user and machine user names.
const MaxNameLength = 500

// CleanName trims a name and checks it is 1..MaxNameLength characters,
// reporting errors against field.
func CleanName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", core.RequiredField(field)
	case len([]rune(name)) > MaxNameLength:
		return "", core.InvalidField(field, "String must contain at most 500 character(s)")
	}
	return name, nil
}

// CursorOf is the cursor of a workspace in workspace lists.
func CursorOf(w Workspace) string { return core.EncodeCursor(w.ID) }
