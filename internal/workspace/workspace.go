// Package workspace defines workspaces, the tenants of a Threadline server:
// every other row belongs to exactly one workspace, and every request is
// scoped to the workspace of its API key.
package workspace

import (
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
