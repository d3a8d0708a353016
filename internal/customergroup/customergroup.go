// Package customergroup defines customer groups ("cg_"): the workspace's
// own segments of customers (VIP, beta testers …), each with a unique key,
// and the memberships that put customers in them.
package customergroup

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Group is a customer group. Its key, and its external id when set, are
// unique within the workspace.
type Group struct {
	ID          string
	WorkspaceID string
	Name        string
	Key         string
	Color       string
	ExternalID  *string
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// Limits Plain documents for customer groups.
const (
	MaxNameLength       = 500
	MaxKeyLength        = 50
	MaxExternalIDLength = 500
	// MaxPerCall bounds the groups one membership mutation names.
	MaxPerCall = 25
)

// Error codes of customer groups.
const (
	CodeKeyTaken        = "customer_group_key_already_exists"
	CodeExternalIDTaken = "customer_group_external_id_already_exists"
	CodeNotMember       = "customer_not_member_of_customer_group"
)

// Identifier names a group by exactly one of its id, key or external id
// (CustomerGroupIdentifier).
type Identifier struct {
	ID         *string
	Key        *string
	ExternalID *string
}

// Validate checks that exactly one key is set, reporting against field.
func (id Identifier) Validate(field string) error {
	n := 0
	for _, v := range []*string{id.ID, id.Key, id.ExternalID} {
		if v != nil {
			n++
		}
	}
	if n != 1 {
		return core.InvalidField(field, "Exactly one of customerGroupId, customerGroupKey or externalId must be set")
	}
	return nil
}

// Field returns the input path of the key that is set, under prefix.
func (id Identifier) Field(prefix string) string {
	switch {
	case id.ID != nil:
		return prefix + ".customerGroupId"
	case id.Key != nil:
		return prefix + ".customerGroupKey"
	}
	return prefix + ".externalId"
}

// Fields are a group's values (CreateCustomerGroupInput, and the values of
// UpsertCustomerGroupInput).
type Fields struct {
	Name       string
	Key        string
	Color      string
	ExternalID *string
}

var (
	colorRe = regexp.MustCompile(`^#([a-fA-F0-9]{3,4}|[a-fA-F0-9]{6}|[a-fA-F0-9]{8})$`)
	keyRe   = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
)

func checkName(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len([]rune(s)) > MaxNameLength:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", MaxNameLength))
	}
	return s
}

func checkKey(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len(s) > MaxKeyLength:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", MaxKeyLength))
	case !keyRe.MatchString(s):
		c.Invalid(field, "A key may contain only letters, digits, '-' and '_'")
	}
	return s
}

func checkColor(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	if !colorRe.MatchString(s) {
		c.Invalid(field, "Must be a hex color such as #ff0000")
	}
	return s
}

// Clean validates and normalises the fields; paths are under prefix ("" or
// "x.").
func (f Fields) Clean(prefix string) (Fields, error) {
	var c core.Collector
	f.Name = checkName(&c, prefix+"name", f.Name)
	f.Key = checkKey(&c, prefix+"key", f.Key)
	f.Color = checkColor(&c, prefix+"color", f.Color)
	f.ExternalID = c.OptionalString(prefix+"externalId", f.ExternalID, MaxExternalIDLength)
	return f, c.Err()
}

// New builds a group from cleaned fields.
func New(workspaceID string, f Fields, at core.Time, by core.Actor) Group {
	return Group{ID: core.NewID(core.PrefixCustomerGroup), WorkspaceID: workspaceID, Name: f.Name, Key: f.Key,
		Color: f.Color, ExternalID: f.ExternalID, CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
}

// Set returns g with cleaned fields as its values and whether anything
// changed (upsertCustomerGroup on an existing group).
func (g Group) Set(f Fields, at core.Time, by core.Actor) (Group, bool) {
	n := g
	n.Name, n.Key, n.Color, n.ExternalID = f.Name, f.Key, f.Color, f.ExternalID
	return n.touched(g, at, by)
}

func (g Group) touched(was Group, at core.Time, by core.Actor) (Group, bool) {
	changed := g.Name != was.Name || g.Key != was.Key || g.Color != was.Color || !core.Equal(g.ExternalID, was.ExternalID)
	if changed {
		g.UpdatedAt, g.UpdatedBy = at, by
	}
	return g, changed
}

// UpdateInput is updateCustomerGroup's input: nil fields stay unchanged;
// a set ExternalID without a value clears it.
type UpdateInput struct {
	ID         string
	Name       *string
	Key        *string
	Color      *string
	ExternalID core.Optional[string]
}

// Apply validates an update and returns g changed, and whether anything
// changed.
func (g Group) Apply(in UpdateInput, at core.Time, by core.Actor) (Group, bool, error) {
	var c core.Collector
	n := g
	if in.Name != nil {
		n.Name = checkName(&c, "name.value", *in.Name)
	}
	if in.Key != nil {
		n.Key = checkKey(&c, "key.value", *in.Key)
	}
	if in.Color != nil {
		n.Color = checkColor(&c, "color.value", *in.Color)
	}
	if in.ExternalID.Set {
		n.ExternalID = c.OptionalString("externalId.value", in.ExternalID.Value, MaxExternalIDLength)
	}
	if err := c.Err(); err != nil {
		return g, false, err
	}
	n, changed := n.touched(g, at, by)
	return n, changed, nil
}

// Membership puts a customer in a group.
type Membership struct {
	WorkspaceID string
	CustomerID  string
	GroupID     string
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// NewMembership is a new membership of a customer in a group.
func NewMembership(workspaceID, customerID, groupID string, at core.Time, by core.Actor) Membership {
	return Membership{WorkspaceID: workspaceID, CustomerID: customerID, GroupID: groupID,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
}

// Member is a membership with its group, as customers show them.
type Member struct {
	Membership Membership
	Group      Group
}

// MembershipCursor is a membership's keyset cursor among a customer's
// memberships (by group id).
func MembershipCursor(m Member) string { return core.EncodeCursor(m.Membership.GroupID) }

// CursorOf is a group's keyset cursor (creation order).
func CursorOf(g Group) string { return core.EncodeCursor(g.ID) }
