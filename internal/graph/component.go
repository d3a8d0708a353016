package graph

import (
	"encoding/json"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
)

// components converts GraphQL component inputs to the domain's, through
// JSON: both use the GraphQL field names.
func components(in []model.ComponentInput) ([]component.Component, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return component.Unmarshal(b)
}

// componentOut presents one component. The simple kinds share their field
// names with their output types, so they convert through JSON.
func componentOut(c component.Component) componentModel {
	switch {
	case c.Row != nil:
		return model.ComponentRow{RowMainContent: rowContent(c.Row.RowMainContent), RowAsideContent: rowContent(c.Row.RowAsideContent)}
	case c.Container != nil:
		var out []model.ComponentContainerContent
		for _, k := range c.Container.ContainerContent {
			if m, ok := componentOut(k).(model.ComponentContainerContent); ok {
				out = append(out, m)
			}
		}
		return model.ComponentContainer{ContainerContent: out}
	case c.DateTime != nil:
		t, _ := core.ParseISO8601(c.DateTime.DateTimeISO8601)
		return model.ComponentDateTime{DateTimeIso8601: t}
	case c.LinkButton != nil:
		l := c.LinkButton
		label, url := deref(l.LinkButtonLabel), deref(l.LinkButtonURL)
		return model.ComponentLinkButton{LinkButtonLabel: label, Label: label, LinkButtonURL: url, URL: url}
	case c.Spacer != nil:
		size := model.ComponentSpacerSize(component.SpacingM)
		if c.Spacer.SpacerSize != nil {
			size = model.ComponentSpacerSize(*c.Spacer.SpacerSize)
		}
		return model.ComponentSpacer{SpacerSize: size, Size: size}
	case c.WorkflowButton != nil:
		w := c.WorkflowButton
		out := model.ComponentWorkflowButton{WorkflowButtonLabel: w.WorkflowButtonLabel}
		if id := w.WorkflowButtonWorkflowIdentifier; id != nil {
			out.WorkflowButtonWorkflowIdentifier = model.ComponentWorkflowButtonWorkflowIdentifier{WorkflowID: id.WorkflowID, WorkflowKey: id.WorkflowKey}
		}
		return out
	case c.Text != nil:
		t := viaJSON[model.ComponentText](c.Text).(model.ComponentText)
		t.Size, t.Color = t.TextSize, t.TextColor // the deprecated fields say the same
		return t
	case c.PlainText != nil:
		return viaJSON[model.ComponentPlainText](c.PlainText)
	case c.Badge != nil:
		return viaJSON[model.ComponentBadge](c.Badge)
	case c.CopyButton != nil:
		return viaJSON[model.ComponentCopyButton](c.CopyButton)
	case c.Divider != nil:
		d := viaJSON[model.ComponentDivider](c.Divider).(model.ComponentDivider)
		d.SpacingSize = d.DividerSpacingSize
		return d
	}
	return nil
}

func rowContent(cs []component.Component) []model.ComponentRowContent {
	var out []model.ComponentRowContent
	for _, c := range cs {
		if m, ok := componentOut(c).(model.ComponentRowContent); ok {
			out = append(out, m)
		}
	}
	return out
}

// viaJSON converts a component to its output type, whose JSON field names
// are the component's.
func viaJSON[T componentModel](v any) componentModel {
	var out T
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
