// Package tier defines tiers ("tier_"): the plans the team's customers pay
// for. Companies and tenants are members of at most one tier each; a
// tier's default thread priority applies to new threads of its members,
// and a workspace may mark one tier the default for threads of no other.
//
// Service level agreements hang off tiers in Plain. Threadline records no
// SLA yet: a thread carries the tier it was created in (thread.Thread's
// TierID), which is where SLAs will attach.
package tier

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Tier is a tier of a workspace. Its external id is unique among the
// workspace's tiers that are not deleted; a deleted tier is never shown,
// matched or usable again, and memberships of it read as none.
type Tier struct {
	ID                    string
	WorkspaceID           string
	Name                  string
	ExternalID            *string
	Color                 string
	DefaultThreadPriority int
	IsDefault             bool
	DeletedAt             *core.Time
	DeletedBy             *core.Actor
	CreatedAt             core.Time
	CreatedBy             core.Actor
	UpdatedAt             core.Time
	UpdatedBy             core.Actor
}

// IsDeleted reports whether the tier was deleted.
func (t Tier) IsDeleted() bool { return t.DeletedAt != nil }

// Limits of tier fields.
const (
	MaxNameLength       = 500
	MaxExternalIDLength = 500
	// MaxMembersPerCall bounds the members one call adds or removes.
	MaxMembersPerCall = 100
	// DefaultPriority is a new tier's default thread priority (normal).
	DefaultPriority = 2
)

// Identifier names a tier by exactly one of its id or its external id
// (TierIdentifierInput).
type Identifier struct {
	ID         *string
	ExternalID *string
}

// Validate checks that exactly one key is set, reporting against field.
func (id Identifier) Validate(field string) error {
	if (id.ID == nil) == (id.ExternalID == nil) {
		return core.InvalidField(field, "Exactly one of tierId or externalId must be set")
	}
	return nil
}

// Field returns the input path of the key that is set, under prefix.
func (id Identifier) Field(prefix string) string {
	if id.ID != nil {
		return prefix + ".tierId"
	}
	return prefix + ".externalId"
}

// MemberKind is what a tier member is.
type MemberKind string

// The kinds of tier member.
const (
	MemberTenant  MemberKind = "TENANT"
	MemberCompany MemberKind = "COMPANY"
)

// Member names a tier member (TierMemberIdentifierInput): exactly one of a
// tenant id or a company id.
type Member struct {
	TenantID  *string
	CompanyID *string
}

// Kind and ID return what the member is and its id; ok is false unless
// exactly one key is set.
func (m Member) Kind() (kind MemberKind, id string, ok bool) {
	switch {
	case m.TenantID != nil && m.CompanyID == nil:
		return MemberTenant, *m.TenantID, true
	case m.CompanyID != nil && m.TenantID == nil:
		return MemberCompany, *m.CompanyID, true
	}
	return "", "", false
}

// Field returns the input path of the member's key, under prefix.
func (m Member) Field(prefix string) string {
	if m.TenantID != nil {
		return prefix + ".tenantId"
	}
	return prefix + ".companyId"
}

// Membership makes a tenant or a company a member of a tier.
type Membership struct {
	ID          string
	WorkspaceID string
	TierID      string
	MemberKind  MemberKind
	MemberID    string
	CreatedAt   core.Time
	CreatedBy   core.Actor
	UpdatedAt   core.Time
	UpdatedBy   core.Actor
}

// NewMembership is a new membership of a member in a tier; its id prefix
// says what kind of member it is.
func NewMembership(workspaceID, tierID string, kind MemberKind, memberID string, at core.Time, by core.Actor) Membership {
	prefix := core.PrefixTenantTierMembership
	if kind == MemberCompany {
		prefix = core.PrefixCompanyTierMembership
	}
	return Membership{ID: core.NewID(prefix), WorkspaceID: workspaceID, TierID: tierID, MemberKind: kind,
		MemberID: memberID, CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
}

// MembershipCursor is a membership's keyset cursor among a tier's members.
func MembershipCursor(m Membership) string { return core.EncodeCursor(m.ID) }

// CreateInput is createTier's input.
type CreateInput struct {
	Name                  string
	ExternalID            string
	Color                 string
	DefaultThreadPriority *int
	IsDefault             *bool
	Members               []Member
}

// UpdateInput is updateTier's input: nil fields stay unchanged, and the
// external id is cleared by a set Optional without a value.
type UpdateInput struct {
	ID                    string
	Name                  *string
	ExternalID            core.Optional[string]
	Color                 *string
	DefaultThreadPriority *int
	IsDefault             *bool
}

var colorRe = regexp.MustCompile(`^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)

func checkText(c *core.Collector, field, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len([]rune(s)) > max:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", max))
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

func checkPriority(c *core.Collector, field string, p int) {
	if p < 0 || p > 3 {
		c.Invalid(field, "Priority must be 0 (urgent), 1 (high), 2 (normal) or 3 (low)")
	}
}

// New validates a create input and returns the new tier (members are the
// caller's to add).
func New(workspaceID string, in CreateInput, at core.Time, by core.Actor) (Tier, error) {
	var c core.Collector
	t := Tier{ID: core.NewID(core.PrefixTier), WorkspaceID: workspaceID, DefaultThreadPriority: DefaultPriority,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	t.Name = checkText(&c, "name", in.Name, MaxNameLength)
	ext := checkText(&c, "externalId", in.ExternalID, MaxExternalIDLength)
	t.ExternalID = &ext
	t.Color = checkColor(&c, "color", in.Color)
	if in.DefaultThreadPriority != nil {
		checkPriority(&c, "defaultThreadPriority", *in.DefaultThreadPriority)
		t.DefaultThreadPriority = *in.DefaultThreadPriority
	}
	if in.IsDefault != nil {
		t.IsDefault = *in.IsDefault
	}
	return t, c.Err()
}

// Apply validates an update and returns t changed, and whether anything
// changed.
func (t Tier) Apply(in UpdateInput, at core.Time, by core.Actor) (Tier, bool, error) {
	var c core.Collector
	n := t
	if in.Name != nil {
		n.Name = checkText(&c, "name.value", *in.Name, MaxNameLength)
	}
	if in.ExternalID.Set {
		n.ExternalID = c.OptionalString("externalId.value", in.ExternalID.Value, MaxExternalIDLength)
	}
	if in.Color != nil {
		n.Color = checkColor(&c, "color.value", *in.Color)
	}
	if in.DefaultThreadPriority != nil {
		checkPriority(&c, "defaultThreadPriority.value", *in.DefaultThreadPriority)
		n.DefaultThreadPriority = *in.DefaultThreadPriority
	}
	if in.IsDefault != nil {
		n.IsDefault = *in.IsDefault
	}
	if err := c.Err(); err != nil {
		return t, false, err
	}
	changed := n.Name != t.Name || !core.Equal(n.ExternalID, t.ExternalID) || n.Color != t.Color ||
		n.DefaultThreadPriority != t.DefaultThreadPriority || n.IsDefault != t.IsDefault
	if changed {
		n.UpdatedAt, n.UpdatedBy = at, by
	}
	return n, changed, nil
}

// Delete returns t deleted at a time by an actor.
func (t Tier) Delete(at core.Time, by core.Actor) Tier {
	t.DeletedAt, t.DeletedBy, t.UpdatedAt, t.UpdatedBy = &at, &by, at, by
	t.IsDefault = false
	return t
}

// CursorOf is a tier's keyset cursor (creation order).
func CursorOf(t Tier) string { return core.EncodeCursor(t.ID) }
