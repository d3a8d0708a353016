package graph

import (
	"encoding/json"

	"github.com/threadline/threadline/internal/component"
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

// outputComponent shows one stored (normalised) component as the API's
// component type of the same kind (ComponentText, ComponentRow, …), or nil
// for an empty one. The result is a member of the component unions
// (CustomerCardComponent, ComponentContainerContent, …) its kind belongs to.
func outputComponent(c component.Component) any {
	switch {
	case c.Text != nil:
		t := c.Text
		return &model.ComponentText{Text: t.Text, TextSize: (*model.ComponentTextSize)(t.TextSize), TextColor: (*model.ComponentTextColor)(t.TextColor),
			Size: (*model.ComponentTextSize)(t.TextSize), Color: (*model.ComponentTextColor)(t.TextColor)}
	case c.PlainText != nil:
		t := c.PlainText
		return &model.ComponentPlainText{PlainText: t.PlainText, PlainTextSize: (*model.ComponentPlainTextSize)(t.PlainTextSize),
			PlainTextColor: (*model.ComponentPlainTextColor)(t.PlainTextColor)}
	case c.Badge != nil:
		return &model.ComponentBadge{BadgeLabel: c.Badge.BadgeLabel, BadgeColor: (*model.ComponentBadgeColor)(c.Badge.BadgeColor)}
	case c.CopyButton != nil:
		return &model.ComponentCopyButton{CopyButtonValue: c.CopyButton.CopyButtonValue, CopyButtonTooltipLabel: c.CopyButton.CopyButtonTooltipLabel}
	case c.Divider != nil:
		s := (*model.ComponentDividerSpacingSize)(c.Divider.DividerSpacingSize)
		return &model.ComponentDivider{DividerSpacingSize: s, SpacingSize: s}
	case c.LinkButton != nil:
		l := deref(c.LinkButton.LinkButtonLabel)
		u := deref(c.LinkButton.LinkButtonURL)
		return &model.ComponentLinkButton{LinkButtonLabel: l, LinkButtonURL: u, Label: l, URL: u}
	case c.Spacer != nil:
		s := model.ComponentSpacerSize(deref((*string)(c.Spacer.SpacerSize)))
		return &model.ComponentSpacer{SpacerSize: s, Size: s}
	case c.WorkflowButton != nil:
		w := c.WorkflowButton
		id := model.ComponentWorkflowButtonWorkflowIdentifier{}
		if w.WorkflowButtonWorkflowIdentifier != nil {
			id.WorkflowID, id.WorkflowKey = w.WorkflowButtonWorkflowIdentifier.WorkflowID, w.WorkflowButtonWorkflowIdentifier.WorkflowKey
		}
		return &model.ComponentWorkflowButton{WorkflowButtonLabel: w.WorkflowButtonLabel, WorkflowButtonWorkflowIdentifier: id}
	case c.Row != nil:
		return &model.ComponentRow{RowMainContent: rowContent(c.Row.RowMainContent), RowAsideContent: rowContent(c.Row.RowAsideContent)}
	case c.Container != nil:
		out := make([]model.ComponentContainerContent, 0, len(c.Container.ContainerContent))
		for _, i := range c.Container.ContainerContent {
			if m, ok := outputComponent(i).(model.ComponentContainerContent); ok {
				out = append(out, m)
			}
		}
		return &model.ComponentContainer{ContainerContent: out}
	}
	return nil
}

func rowContent(cs []component.Component) []model.ComponentRowContent {
	out := make([]model.ComponentRowContent, 0, len(cs))
	for _, c := range cs {
		if m, ok := outputComponent(c).(model.ComponentRowContent); ok {
			out = append(out, m)
		}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
