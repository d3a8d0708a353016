package component

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/threadline/threadline/internal/core"
)

// Messages of the validation errors that tests and callers may rely on. The
// wording follows the zod messages Plain's API returns.
const (
	MsgExactlyOne         = "Exactly one component must be set"
	MsgEmptyList          = "Array must contain at least 1 element(s)"
	MsgInvalidURL         = "Invalid url"
	MsgWorkflowIdentifier = "Exactly one of workflowId or workflowKey must be set"
)

// The JSON/GraphQL keys of the component kinds.
const (
	keyBadge          = "componentBadge"
	keyContainer      = "componentContainer"
	keyCopyButton     = "componentCopyButton"
	keyDateTime       = "componentDateTime"
	keyDivider        = "componentDivider"
	keyLinkButton     = "componentLinkButton"
	keyPlainText      = "componentPlainText"
	keyRow            = "componentRow"
	keySpacer         = "componentSpacer"
	keyText           = "componentText"
	keyUser           = "componentUser"
	keyWorkflowButton = "componentWorkflowButton"
)

// level is where a component list sits, which decides the kinds it allows.
type level int

const (
	levelTop       level = iota // ComponentInput: every kind
	levelContainer              // ComponentContainerContentInput: no containers
	levelRow                    // ComponentRowContentInput: no rows, no containers
)

var (
	sizes        = []Size{SizeS, SizeM, SizeL}
	colors       = []Color{ColorNormal, ColorMuted, ColorSuccess, ColorWarning, ColorError}
	badgeColors  = []BadgeColor{BadgeGrey, BadgeGreen, BadgeYellow, BadgeRed, BadgeBlue}
	spacingSizes = []Spacing{SpacingXS, SpacingS, SpacingM, SpacingL, SpacingXL}
)

// Validate checks a top-level component list (ComponentInput items) and
// returns nil or a *core.Error (code input_validation) holding one field error
// per problem. Field paths are dotted paths below path with list indices,
// e.g. "components.2.componentRow.rowMainContent.0.componentBadge.badgeLabel".
//
// The list must hold 1..MaxComponents items; when it holds more, only that is
// reported. Each item, at every depth, must set exactly one kind; containers
// may not hold containers, rows may hold neither rows nor containers. Required
// strings must be non-blank after trimming; lengths are counted in runes
// (labels, URLs and identifiers after trimming, as Normalize stores them).
// Deprecated aliases are honoured the way Normalize folds them.
func Validate(path string, cs []Component) error {
	var v validator
	if len(cs) > MaxComponents {
		v.c.Invalid(path, fmt.Sprintf("Array must contain at most %d element(s)", MaxComponents))
		return v.c.Err()
	}
	v.list(path, cs, levelTop)
	return v.c.Err()
}

type validator struct{ c core.Collector }

func (v *validator) list(path string, cs []Component, lvl level) {
	if len(cs) == 0 {
		v.c.Invalid(path, MsgEmptyList)
		return
	}
	for i, c := range cs {
		v.one(join(path, strconv.Itoa(i)), c, lvl)
	}
}

func (v *validator) one(path string, c Component, lvl level) {
	keys := setKeys(c)
	if len(keys) != 1 {
		v.c.Invalid(path, MsgExactlyOne)
		return
	}
	key := keys[0]
	path = join(path, key)
	switch {
	case lvl == levelContainer && key == keyContainer:
		v.c.Invalid(path, "componentContainer is not allowed inside componentContainer")
		return
	case lvl == levelRow && (key == keyRow || key == keyContainer):
		v.c.Invalid(path, key+" is not allowed inside componentRow")
		return
	}
	switch {
	case c.Text != nil:
		v.text(path, c.Text)
	case c.PlainText != nil:
		t := c.PlainText
		v.str(join(path, "plainText"), t.PlainText, MaxTextLength, false)
		enum(v, join(path, "plainTextSize"), t.PlainTextSize, sizes)
		enum(v, join(path, "plainTextColor"), t.PlainTextColor, colors)
	case c.Badge != nil:
		v.str(join(path, "badgeLabel"), c.Badge.BadgeLabel, MaxLabelLength, true)
		enum(v, join(path, "badgeColor"), c.Badge.BadgeColor, badgeColors)
	case c.CopyButton != nil:
		b := c.CopyButton
		v.str(join(path, "copyButtonValue"), b.CopyButtonValue, MaxCopyValueLength, false)
		if b.CopyButtonTooltipLabel != nil && strings.TrimSpace(*b.CopyButtonTooltipLabel) != "" {
			v.str(join(path, "copyButtonTooltipLabel"), *b.CopyButtonTooltipLabel, MaxLabelLength, true)
		}
	case c.Divider != nil:
		enum(v, join(path, "dividerSpacingSize"), c.Divider.DividerSpacingSize, spacingSizes)
		enum(v, join(path, "spacingSize"), c.Divider.SpacingSize, spacingSizes)
	case c.LinkButton != nil:
		v.linkButton(path, c.LinkButton)
	case c.Spacer != nil:
		enum(v, join(path, "spacerSize"), c.Spacer.SpacerSize, spacingSizes)
		enum(v, join(path, "size"), c.Spacer.Size, spacingSizes)
	case c.WorkflowButton != nil:
		v.workflowButton(path, c.WorkflowButton)
	case c.DateTime != nil:
		if _, err := core.ParseISO8601(strings.TrimSpace(c.DateTime.DateTimeISO8601)); err != nil {
			v.c.Invalid(join(path, "dateTimeIso8601"), "Must be an ISO 8601 date-time")
		}
	case c.User != nil:
		v.user(path, c.User)
	case c.Row != nil:
		v.list(join(path, "rowMainContent"), c.Row.RowMainContent, levelRow)
		v.list(join(path, "rowAsideContent"), c.Row.RowAsideContent, levelRow)
	case c.Container != nil:
		v.list(join(path, "containerContent"), c.Container.ContainerContent, levelContainer)
	}
}

// user checks that a user component names its user by exactly one
// identifier.
func (v *validator) user(path string, u *User) {
	path = join(path, "userIdentifier")
	if u.UserIdentifier == nil {
		v.c.Required(path)
		return
	}
	id, n := u.UserIdentifier, 0
	for _, s := range []*string{id.UserID, id.MachineUserID, id.EmailAddress} {
		if s != nil && strings.TrimSpace(*s) != "" {
			n++
		}
	}
	if n != 1 {
		v.c.Invalid(path, "Exactly one of userId, machineUserId and emailAddress must be set")
	}
}

func (v *validator) text(path string, t *Text) {
	v.str(join(path, "text"), t.Text, MaxTextLength, false)
	enum(v, join(path, "textSize"), t.TextSize, sizes)
	enum(v, join(path, "textColor"), t.TextColor, colors)
	enum(v, join(path, "size"), t.Size, sizes)
	enum(v, join(path, "color"), t.Color, colors)
}

// linkButton checks the label and URL after folding the deprecated aliases;
// an error about a value taken from an alias names the alias field.
func (v *validator) linkButton(path string, l *LinkButton) {
	label, labelField := l.LinkButtonLabel, "linkButtonLabel"
	if label == nil && l.Label != nil {
		label, labelField = l.Label, "label"
	}
	v.str(join(path, labelField), deref(label), MaxLabelLength, true)

	u, urlField := l.LinkButtonURL, "linkButtonUrl"
	if u == nil && l.URL != nil {
		u, urlField = l.URL, "url"
	}
	s := strings.TrimSpace(deref(u))
	switch {
	case s == "":
		v.c.Required(join(path, urlField))
	case !validURL(s):
		v.c.Invalid(join(path, urlField), MsgInvalidURL)
	}
}

func (v *validator) workflowButton(path string, w *WorkflowButton) {
	v.str(join(path, "workflowButtonLabel"), w.WorkflowButtonLabel, MaxLabelLength, true)
	idPath := join(path, "workflowButtonWorkflowIdentifier")
	id := w.WorkflowButtonWorkflowIdentifier
	switch {
	case id == nil:
		v.c.Required(idPath)
	case (id.WorkflowID == nil) == (id.WorkflowKey == nil):
		v.c.Invalid(idPath, MsgWorkflowIdentifier)
	case id.WorkflowID != nil && strings.TrimSpace(*id.WorkflowID) == "":
		v.c.Required(join(idPath, "workflowId"))
	case id.WorkflowKey != nil && strings.TrimSpace(*id.WorkflowKey) == "":
		v.c.Required(join(idPath, "workflowKey"))
	}
}

// str checks a required string: REQUIRED when blank after trimming,
// VALIDATION when longer than max runes. trim says whether the length is
// counted on the trimmed value (the form Normalize stores).
func (v *validator) str(path, s string, max int, trim bool) {
	t := strings.TrimSpace(s)
	if t == "" {
		v.c.Required(path)
		return
	}
	if !trim {
		t = s
	}
	if utf8.RuneCountInString(t) > max {
		v.c.Invalid(path, fmt.Sprintf("String must contain at most %d character(s)", max))
	}
}

// enum checks an optional enum value against its allowed values.
func enum[T ~string](v *validator, path string, val *T, allowed []T) {
	if val == nil {
		return
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		if a == *val {
			return
		}
		quoted[i] = "'" + string(a) + "'"
	}
	v.c.Invalid(path, fmt.Sprintf("Invalid enum value. Expected %s, received '%s'",
		strings.Join(quoted, " | "), string(*val)))
}

// validURL reports whether s is an absolute http or https URL with a host.
func validURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" && u.Opaque == ""
}

// setKeys returns the keys of the kinds set in c, in alphabetical order.
func setKeys(c Component) []string {
	var keys []string
	add := func(set bool, key string) {
		if set {
			keys = append(keys, key)
		}
	}
	add(c.Badge != nil, keyBadge)
	add(c.Container != nil, keyContainer)
	add(c.CopyButton != nil, keyCopyButton)
	add(c.DateTime != nil, keyDateTime)
	add(c.Divider != nil, keyDivider)
	add(c.LinkButton != nil, keyLinkButton)
	add(c.PlainText != nil, keyPlainText)
	add(c.Row != nil, keyRow)
	add(c.Spacer != nil, keySpacer)
	add(c.Text != nil, keyText)
	add(c.User != nil, keyUser)
	add(c.WorkflowButton != nil, keyWorkflowButton)
	return keys
}

func join(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "." + elem
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
