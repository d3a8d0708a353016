// Package label defines label types (a workspace's definitions, "lt_") and
// labels (one label type applied to one thread, "l_").
package label

import (
	"regexp"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// TypeKind is Plain's LabelTypeType.
type TypeKind string

// The kinds of label type.
const (
	KindDefault TypeKind = "DEFAULT"
	KindTeam    TypeKind = "TEAM"
)

// Type is a label type.
type Type struct {
	ID               string
	WorkspaceID      string
	Name             string
	Icon             *string
	Color            *string
	Description      *string
	ExternalID       *string
	Kind             TypeKind
	IsExcludedFromAI bool
	ParentID         *string
	Position         string
	ArchivedAt       *core.Time
	ArchivedBy       *core.Actor
	CreatedAt        core.Time
	CreatedBy        core.Actor
	UpdatedAt        core.Time
	UpdatedBy        core.Actor
}

// IsArchived reports whether the type is archived.
func (t Type) IsArchived() bool { return t.ArchivedAt != nil }

// Label is a label type applied to a thread.
type Label struct {
	ID          string
	WorkspaceID string
	ThreadID    string
	TypeID      string
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// CreateInput is CreateLabelTypeInput.
type CreateInput struct {
	Name             string
	Icon             *string
	Color            *string
	Description      *string
	ExternalID       *string
	Kind             *TypeKind
	IsExcludedFromAI *bool
	ParentID         *string
}

var colorRe = regexp.MustCompile(`^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)

// NewType validates in and returns the new label type.
func NewType(workspaceID string, in CreateInput, at core.Time, by core.Actor) (Type, error) {
	var c core.Collector
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		c.Required("name")
	case len([]rune(name)) > 500:
		c.Invalid("name", "String must contain at most 500 character(s)")
	}
	t := Type{ID: core.NewID(core.PrefixLabelType), WorkspaceID: workspaceID, Name: name,
		Icon: c.OptionalString("icon", in.Icon, 100), Color: c.OptionalString("color", in.Color, 9),
		Description: c.OptionalString("description", in.Description, 2000),
		ExternalID:  c.OptionalString("externalId", in.ExternalID, 500), Kind: KindDefault,
		ParentID: in.ParentID, CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	if t.Color != nil && !colorRe.MatchString(*t.Color) {
		c.Invalid("color", "Must be a hex color such as #ff0000")
	}
	if in.Kind != nil {
		if *in.Kind != KindDefault && *in.Kind != KindTeam {
			c.Invalid("type", "Must be DEFAULT or TEAM")
		}
		t.Kind = *in.Kind
	}
	if in.IsExcludedFromAI != nil {
		t.IsExcludedFromAI = *in.IsExcludedFromAI
	}
	// Position orders label types; ULIDs sort by creation.
	t.Position = t.ID
	return t, c.Err()
}

// CursorOf is a label type's keyset cursor (creation order).
func CursorOf(t Type) string { return core.EncodeCursor(t.ID) }

// UpdateInput is UpdateLabelTypeInput: nil Name and unset optionals stay
// unchanged; a set optional holding nil clears the attribute.
type UpdateInput struct {
	Name             *string
	Icon             core.Optional[string]
	Color            core.Optional[string]
	Description      core.Optional[string]
	ExternalID       core.Optional[string]
	IsExcludedFromAI core.Optional[bool]
}

// Update applies in to t with NewType's rules, stamping the change; changed
// is false when in changes nothing.
func (t Type) Update(in UpdateInput, at core.Time, by core.Actor) (next Type, changed bool, err error) {
	var c core.Collector
	next = t
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		switch {
		case name == "":
			c.Required("name")
		case len([]rune(name)) > 500:
			c.Invalid("name", "String must contain at most 500 character(s)")
		}
		next.Name = name
	}
	for _, o := range []struct {
		field string
		in    core.Optional[string]
		max   int
		dst   **string
	}{{"icon", in.Icon, 100, &next.Icon}, {"color", in.Color, 9, &next.Color},
		{"description", in.Description, 2000, &next.Description}, {"externalId", in.ExternalID, 500, &next.ExternalID}} {
		if o.in.Set {
			*o.dst = c.OptionalString(o.field, o.in.Value, o.max)
		}
	}
	if in.Color.Set && next.Color != nil && !colorRe.MatchString(*next.Color) {
		c.Invalid("color", "Must be a hex color such as #ff0000")
	}
	if in.IsExcludedFromAI.Set {
		next.IsExcludedFromAI = in.IsExcludedFromAI.Value != nil && *in.IsExcludedFromAI.Value
	}
	if err := c.Err(); err != nil {
		return t, false, err
	}
	changed = next.Name != t.Name || !core.Equal(next.Icon, t.Icon) || !core.Equal(next.Color, t.Color) ||
		!core.Equal(next.Description, t.Description) || !core.Equal(next.ExternalID, t.ExternalID) ||
		next.IsExcludedFromAI != t.IsExcludedFromAI
	if changed {
		next.UpdatedAt, next.UpdatedBy = at, by
	}
	return next, changed, nil
}
