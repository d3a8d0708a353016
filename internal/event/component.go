package event

import (
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/thread"
)

// maxComponentText is the longest text webhooks carry in a text or plain
// text component; longer texts are cut (stored components keep them).
const maxComponentText = 5000

// Component is a UI component as webhooks show it: an object tagged by
// "type" ("text", "badge" …), or {"type": "UNKNOWN"} for a kind webhooks
// do not describe (dates, users).
type Component interface{ webhookComponent() }

type (
	// TextComponent is a text component.
	TextComponent struct {
		Type      string           `json:"type"`
		Text      string           `json:"text"`
		TextSize  *component.Size  `json:"textSize"`
		TextColor *component.Color `json:"textColor"`
	}
	// PlainTextComponent is a plain text component.
	PlainTextComponent struct {
		Type           string           `json:"type"`
		PlainText      string           `json:"plainText"`
		PlainTextSize  *component.Size  `json:"plainTextSize"`
		PlainTextColor *component.Color `json:"plainTextColor"`
	}
	// SpacerComponent is a spacer.
	SpacerComponent struct {
		Type       string            `json:"type"`
		SpacerSize component.Spacing `json:"spacerSize"`
	}
	// DividerComponent is a divider.
	DividerComponent struct {
		Type               string             `json:"type"`
		DividerSpacingSize *component.Spacing `json:"dividerSpacingSize"`
	}
	// LinkButtonComponent is a link button.
	LinkButtonComponent struct {
		Type            string `json:"type"`
		LinkButtonURL   string `json:"linkButtonUrl"`
		LinkButtonLabel string `json:"linkButtonLabel"`
	}
	// BadgeComponent is a badge.
	BadgeComponent struct {
		Type       string                `json:"type"`
		BadgeLabel string                `json:"badgeLabel"`
		BadgeColor *component.BadgeColor `json:"badgeColor"`
	}
	// CopyButtonComponent is a copy button.
	CopyButtonComponent struct {
		Type                   string  `json:"type"`
		CopyButtonValue        string  `json:"copyButtonValue"`
		CopyButtonTooltipLabel *string `json:"copyButtonTooltipLabel"`
	}
	// WorkflowButtonComponent is a workflow button named by workflow id.
	WorkflowButtonComponent struct {
		Type                             string             `json:"type"`
		WorkflowButtonLabel              string             `json:"workflowButtonLabel"`
		WorkflowButtonWorkflowIdentifier WorkflowIdentifier `json:"workflowButtonWorkflowIdentifier"`
	}
	// WorkflowIdentifier names a workflow by id.
	WorkflowIdentifier struct {
		WorkflowID string `json:"workflowId"`
	}
	// RowComponent is a row.
	RowComponent struct {
		Type            string      `json:"type"`
		RowMainContent  []Component `json:"rowMainContent"`
		RowAsideContent []Component `json:"rowAsideContent"`
	}
	// ContainerComponent is a container.
	ContainerComponent struct {
		Type             string      `json:"type"`
		ContainerContent []Component `json:"containerContent"`
	}
	// UnknownComponent is a component webhooks do not describe.
	UnknownComponent struct {
		Type string `json:"type"`
	}
)

func (TextComponent) webhookComponent()           {}
func (PlainTextComponent) webhookComponent()      {}
func (SpacerComponent) webhookComponent()         {}
func (DividerComponent) webhookComponent()        {}
func (LinkButtonComponent) webhookComponent()     {}
func (BadgeComponent) webhookComponent()          {}
func (CopyButtonComponent) webhookComponent()     {}
func (WorkflowButtonComponent) webhookComponent() {}
func (RowComponent) webhookComponent()            {}
func (ContainerComponent) webhookComponent()      {}
func (UnknownComponent) webhookComponent()        {}

// NewComponents shows normalised components (component.Normalize) as
// webhooks do. The list is never nil.
func NewComponents(cs []component.Component) []Component {
	out := make([]Component, len(cs))
	for i, c := range cs {
		out[i] = newComponent(c)
	}
	return out
}

func newComponent(c component.Component) Component {
	switch {
	case c.Text != nil:
		return TextComponent{Type: "text", Text: thread.Truncate(c.Text.Text, maxComponentText), TextSize: c.Text.TextSize, TextColor: c.Text.TextColor}
	case c.PlainText != nil:
		p := c.PlainText
		return PlainTextComponent{Type: "plainText", PlainText: thread.Truncate(p.PlainText, maxComponentText), PlainTextSize: p.PlainTextSize,
			PlainTextColor: p.PlainTextColor}
	case c.Spacer != nil && c.Spacer.SpacerSize != nil:
		return SpacerComponent{Type: "spacer", SpacerSize: *c.Spacer.SpacerSize}
	case c.Divider != nil:
		return DividerComponent{Type: "divider", DividerSpacingSize: c.Divider.DividerSpacingSize}
	case c.LinkButton != nil && c.LinkButton.LinkButtonURL != nil && c.LinkButton.LinkButtonLabel != nil:
		return LinkButtonComponent{Type: "linkButton", LinkButtonURL: *c.LinkButton.LinkButtonURL, LinkButtonLabel: *c.LinkButton.LinkButtonLabel}
	case c.Badge != nil:
		return BadgeComponent{Type: "badge", BadgeLabel: c.Badge.BadgeLabel, BadgeColor: c.Badge.BadgeColor}
	case c.CopyButton != nil:
		return CopyButtonComponent{Type: "copyButton", CopyButtonValue: c.CopyButton.CopyButtonValue,
			CopyButtonTooltipLabel: c.CopyButton.CopyButtonTooltipLabel}
	case c.WorkflowButton != nil && c.WorkflowButton.WorkflowButtonWorkflowIdentifier != nil &&
		c.WorkflowButton.WorkflowButtonWorkflowIdentifier.WorkflowID != nil:
		return WorkflowButtonComponent{Type: "workflowButton", WorkflowButtonLabel: c.WorkflowButton.WorkflowButtonLabel,
			WorkflowButtonWorkflowIdentifier: WorkflowIdentifier{WorkflowID: *c.WorkflowButton.WorkflowButtonWorkflowIdentifier.WorkflowID}}
	case c.Row != nil:
		return RowComponent{Type: "row", RowMainContent: NewComponents(c.Row.RowMainContent), RowAsideContent: NewComponents(c.Row.RowAsideContent)}
	case c.Container != nil:
		return ContainerComponent{Type: "container", ContainerContent: NewComponents(c.Container.ContainerContent)}
	}
	return UnknownComponent{Type: "UNKNOWN"}
}
