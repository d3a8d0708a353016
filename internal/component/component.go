// Package component models Plain's UI components: the building blocks of a
// thread's first message, of customer and thread events and of customer cards.
//
// The types mirror the GraphQL inputs (ComponentInput and friends) field for
// field, with JSON tags equal to the GraphQL names, so the transport layer can
// convert its generated models with a JSON round trip and storage can keep the
// same JSON. Validate checks an input list, Normalize turns a valid list into
// its canonical stored form (defaults applied, deprecated aliases folded), and
// PreviewText derives the short text a thread preview shows.
package component

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Size is the size of a text or plain text component (ComponentTextSize,
// ComponentPlainTextSize).
type Size string

// The text sizes.
const (
	SizeS Size = "S"
	SizeM Size = "M"
	SizeL Size = "L"
)

// Color is the color of a text or plain text component (ComponentTextColor,
// ComponentPlainTextColor).
type Color string

// The text colors.
const (
	ColorNormal  Color = "NORMAL"
	ColorMuted   Color = "MUTED"
	ColorSuccess Color = "SUCCESS"
	ColorWarning Color = "WARNING"
	ColorError   Color = "ERROR"
)

// BadgeColor is the color of a badge (ComponentBadgeColor).
type BadgeColor string

// The badge colors.
const (
	BadgeGrey   BadgeColor = "GREY"
	BadgeGreen  BadgeColor = "GREEN"
	BadgeYellow BadgeColor = "YELLOW"
	BadgeRed    BadgeColor = "RED"
	BadgeBlue   BadgeColor = "BLUE"
)

// Spacing is the size of a spacer or of the space around a divider
// (ComponentSpacerSize, ComponentDividerSpacingSize).
type Spacing string

// The spacing sizes.
const (
	SpacingXS Spacing = "XS"
	SpacingS  Spacing = "S"
	SpacingM  Spacing = "M"
	SpacingL  Spacing = "L"
	SpacingXL Spacing = "XL"
)

// Limits Plain documents for components.
const (
	// MaxComponents bounds a top-level component list.
	MaxComponents = 100
	// MaxTextLength bounds text and plainText, in characters (runes).
	MaxTextLength = 10000
	// MaxLabelLength bounds badge, button and tooltip labels, in characters.
	MaxLabelLength = 500
	// MaxCopyValueLength bounds a copy button's value, in characters.
	MaxCopyValueLength = 1000
)

// Component is one UI component. It is a "one-of": exactly one field is set.
// The same type serves the three GraphQL input levels (ComponentInput,
// ComponentContainerContentInput, ComponentRowContentInput); Validate
// enforces which fields each level allows.
type Component struct {
	Badge          *Badge          `json:"componentBadge,omitempty"`
	Container      *Container      `json:"componentContainer,omitempty"`
	CopyButton     *CopyButton     `json:"componentCopyButton,omitempty"`
	DateTime       *DateTime       `json:"componentDateTime,omitempty"`
	Divider        *Divider        `json:"componentDivider,omitempty"`
	LinkButton     *LinkButton     `json:"componentLinkButton,omitempty"`
	PlainText      *PlainText      `json:"componentPlainText,omitempty"`
	Row            *Row            `json:"componentRow,omitempty"`
	Spacer         *Spacer         `json:"componentSpacer,omitempty"`
	Text           *Text           `json:"componentText,omitempty"`
	User           *User           `json:"componentUser,omitempty"`
	WorkflowButton *WorkflowButton `json:"componentWorkflowButton,omitempty"`
}

// Text is a markdown text component (bold, italic and links). Size and Color
// are deprecated aliases of TextSize and TextColor, used only when the new
// field is absent; Normalize folds them away.
type Text struct {
	Text      string `json:"text"`
	TextSize  *Size  `json:"textSize,omitempty"`
	TextColor *Color `json:"textColor,omitempty"`
	Size      *Size  `json:"size,omitempty"`
	Color     *Color `json:"color,omitempty"`
}

// PlainText is a text component shown verbatim, without markdown.
type PlainText struct {
	PlainText      string `json:"plainText"`
	PlainTextSize  *Size  `json:"plainTextSize,omitempty"`
	PlainTextColor *Color `json:"plainTextColor,omitempty"`
}

// Badge is a short colored label.
type Badge struct {
	BadgeLabel string      `json:"badgeLabel"`
	BadgeColor *BadgeColor `json:"badgeColor,omitempty"`
}

// CopyButton is a button that copies a value to the clipboard. Its tooltip
// defaults to the value.
type CopyButton struct {
	CopyButtonValue        string  `json:"copyButtonValue"`
	CopyButtonTooltipLabel *string `json:"copyButtonTooltipLabel,omitempty"`
}

// Divider is a horizontal rule. SpacingSize is a deprecated alias of
// DividerSpacingSize.
type Divider struct {
	DividerSpacingSize *Spacing `json:"dividerSpacingSize,omitempty"`
	SpacingSize        *Spacing `json:"spacingSize,omitempty"`
}

// LinkButton is a button opening an http(s) URL. Label and URL are deprecated
// aliases of LinkButtonLabel and LinkButtonURL; after folding, both the label
// and the URL are required.
type LinkButton struct {
	LinkButtonLabel *string `json:"linkButtonLabel,omitempty"`
	LinkButtonURL   *string `json:"linkButtonUrl,omitempty"`
	Label           *string `json:"label,omitempty"`
	URL             *string `json:"url,omitempty"`
}

// Spacer is vertical blank space. Size is a deprecated alias of SpacerSize.
type Spacer struct {
	SpacerSize *Spacing `json:"spacerSize,omitempty"`
	Size       *Spacing `json:"size,omitempty"`
}

// DateTime shows an instant, given in ISO 8601; Normalize stores it in UTC
// with milliseconds.
type DateTime struct {
	DateTimeISO8601 string `json:"dateTimeIso8601"`
}

// User shows a user or machine user of the workspace, named by exactly one
// of its id, its machine user id or its email address.
type User struct {
	UserIdentifier *UserIdentifier `json:"userIdentifier,omitempty"`
}

// UserIdentifier names a user (UserIdentifierInput).
type UserIdentifier struct {
	UserID        *string `json:"userId,omitempty"`
	MachineUserID *string `json:"machineUserId,omitempty"`
	EmailAddress  *string `json:"emailAddress,omitempty"`
}

// WorkflowButton is a button that starts one of the workspace's workflows.
type WorkflowButton struct {
	WorkflowButtonLabel              string              `json:"workflowButtonLabel"`
	WorkflowButtonWorkflowIdentifier *WorkflowIdentifier `json:"workflowButtonWorkflowIdentifier,omitempty"`
}

// WorkflowIdentifier names a workflow by exactly one of its ID or its key.
type WorkflowIdentifier struct {
	WorkflowID  *string `json:"workflowId,omitempty"`
	WorkflowKey *string `json:"workflowKey,omitempty"`
}

// Row lays out two groups of simple components side by side. Its items may
// not be rows or containers.
type Row struct {
	RowMainContent  []Component `json:"rowMainContent"`
	RowAsideContent []Component `json:"rowAsideContent"`
}

// Container groups components, rows included, in a box. Its items may not be
// containers.
type Container struct {
	ContainerContent []Component `json:"containerContent"`
}

// Marshal encodes components for storage. A nil list encodes as "[]".
func Marshal(cs []Component) ([]byte, error) {
	if cs == nil {
		cs = []Component{}
	}
	return json.Marshal(cs)
}

// Unmarshal decodes components stored by Marshal. It also accepts the JSON a
// GraphQL client sends, explicit nulls for unused fields included; unknown
// keys are ignored.
func Unmarshal(data []byte) ([]Component, error) {
	var cs []Component
	if err := json.Unmarshal(data, &cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// Normalize returns a deep copy of cs in canonical form: deprecated aliases
// folded into their new fields (and cleared), documented defaults applied,
// labels, URLs and workflow identifiers trimmed, and a blank copy button
// tooltip replaced by the value. Text, plain text and copy values are kept
// verbatim. It is meant for lists that passed Validate but never fails.
func Normalize(cs []Component) []Component {
	if cs == nil {
		return nil
	}
	out := make([]Component, len(cs))
	for i, c := range cs {
		out[i] = normalizeOne(c)
	}
	return out
}

func normalizeOne(c Component) Component {
	var n Component
	if t := c.Text; t != nil {
		n.Text = &Text{Text: t.Text,
			TextSize:  ptr(first(t.TextSize, t.Size, SizeM)),
			TextColor: ptr(first(t.TextColor, t.Color, ColorNormal))}
	}
	if t := c.PlainText; t != nil {
		n.PlainText = &PlainText{PlainText: t.PlainText,
			PlainTextSize:  ptr(first(t.PlainTextSize, nil, SizeM)),
			PlainTextColor: ptr(first(t.PlainTextColor, nil, ColorNormal))}
	}
	if b := c.Badge; b != nil {
		n.Badge = &Badge{BadgeLabel: strings.TrimSpace(b.BadgeLabel),
			BadgeColor: ptr(first(b.BadgeColor, nil, BadgeGrey))}
	}
	if b := c.CopyButton; b != nil {
		tip := b.CopyButtonValue
		if b.CopyButtonTooltipLabel != nil && strings.TrimSpace(*b.CopyButtonTooltipLabel) != "" {
			tip = strings.TrimSpace(*b.CopyButtonTooltipLabel)
		}
		n.CopyButton = &CopyButton{CopyButtonValue: b.CopyButtonValue, CopyButtonTooltipLabel: &tip}
	}
	if d := c.DateTime; d != nil {
		v := strings.TrimSpace(d.DateTimeISO8601)
		if t, err := core.ParseISO8601(v); err == nil {
			v = t.ISO8601()
		}
		n.DateTime = &DateTime{DateTimeISO8601: v}
	}
	if u := c.User; u != nil {
		n.User = &User{UserIdentifier: u.UserIdentifier}
	}
	if d := c.Divider; d != nil {
		n.Divider = &Divider{DividerSpacingSize: ptr(first(d.DividerSpacingSize, d.SpacingSize, SpacingS))}
	}
	if l := c.LinkButton; l != nil {
		n.LinkButton = &LinkButton{
			LinkButtonLabel: trimmed(alias(l.LinkButtonLabel, l.Label)),
			LinkButtonURL:   trimmed(alias(l.LinkButtonURL, l.URL))}
	}
	if s := c.Spacer; s != nil {
		n.Spacer = &Spacer{SpacerSize: ptr(first(s.SpacerSize, s.Size, SpacingM))}
	}
	if d := c.DateTime; d != nil {
		n.DateTime = &DateTime{DateTimeISO8601: strings.TrimSpace(d.DateTimeISO8601)}
		if t, err := core.ParseISO8601(n.DateTime.DateTimeISO8601); err == nil {
			n.DateTime.DateTimeISO8601 = t.ISO8601()
		}
	}
	if u := c.User; u != nil && u.UserIdentifier != nil {
		id := u.UserIdentifier
		n.User = &User{UserIdentifier: &UserIdentifier{UserID: trimmed(id.UserID),
			MachineUserID: trimmed(id.MachineUserID), EmailAddress: trimmed(id.EmailAddress)}}
	}
	if w := c.WorkflowButton; w != nil {
		nw := &WorkflowButton{WorkflowButtonLabel: strings.TrimSpace(w.WorkflowButtonLabel)}
		if id := w.WorkflowButtonWorkflowIdentifier; id != nil {
			nw.WorkflowButtonWorkflowIdentifier = &WorkflowIdentifier{
				WorkflowID: trimmed(id.WorkflowID), WorkflowKey: trimmed(id.WorkflowKey)}
		}
		n.WorkflowButton = nw
	}
	if r := c.Row; r != nil {
		n.Row = &Row{RowMainContent: Normalize(r.RowMainContent), RowAsideContent: Normalize(r.RowAsideContent)}
	}
	if k := c.Container; k != nil {
		n.Container = &Container{ContainerContent: Normalize(k.ContainerContent)}
	}
	return n
}

// first returns *v, else *deprecated, else def.
func first[T any](v, deprecated *T, def T) T {
	switch {
	case v != nil:
		return *v
	case deprecated != nil:
		return *deprecated
	}
	return def
}

// alias returns v unless it is absent, then the deprecated alias.
func alias(v, deprecated *string) *string {
	if v != nil {
		return v
	}
	return deprecated
}

func ptr[T any](v T) *T { return &v }

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	return ptr(strings.TrimSpace(*s))
}

// UserRef is a user component of a list, with the input path of its
// identifier ("components.0.componentUser.userIdentifier").
type UserRef struct {
	Path       string
	Identifier UserIdentifier
}

// Users returns the user components of cs, at every depth, in input order;
// path is the input path of cs. Components without an identifier are left
// out (Validate reports them).
func Users(path string, cs []Component) []UserRef {
	var out []UserRef
	for i, c := range cs {
		p := join(path, strconv.Itoa(i))
		switch {
		case c.User != nil && c.User.UserIdentifier != nil:
			out = append(out, UserRef{Path: join(join(p, keyUser), "userIdentifier"), Identifier: *c.User.UserIdentifier})
		case c.Row != nil:
			out = append(out, Users(join(join(p, keyRow), "rowMainContent"), c.Row.RowMainContent)...)
			out = append(out, Users(join(join(p, keyRow), "rowAsideContent"), c.Row.RowAsideContent)...)
		case c.Container != nil:
			out = append(out, Users(join(join(p, keyContainer), "containerContent"), c.Container.ContainerContent)...)
		}
	}
	return out
}
