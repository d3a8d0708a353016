package graph

import (
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
)

func cardConfigModel(c customercard.Config) *model.CustomerCardConfig {
	hs := make([]model.CustomerCardConfigAPIHeader, len(c.APIHeaders))
	for i, h := range c.APIHeaders {
		hs[i] = model.CustomerCardConfigAPIHeader{Name: h.Name, Value: h.Value}
	}
	return &model.CustomerCardConfig{ID: c.ID, Title: c.Title, Key: c.Key, DefaultTimeToLiveSeconds: c.DefaultTTLSeconds,
		APIURL: c.APIURL, APIHeaders: hs, Order: c.Order, IsEnabled: c.IsEnabled,
		CreatedAt: c.CreatedAt, CreatedBy: internalActor(c.CreatedBy), UpdatedAt: c.UpdatedAt, UpdatedBy: internalActor(c.UpdatedBy)}
}

func cardHeaders(ins []model.CustomerCardConfigAPIHeaderInput) []customercard.Header {
	out := make([]customercard.Header, len(ins))
	for i, h := range ins {
		out[i] = customercard.Header{Name: h.Name, Value: h.Value}
	}
	return out
}

func updateCardInput(in model.UpdateCustomerCardConfigInput) customercard.UpdateInput {
	out := customercard.UpdateInput{ID: in.CustomerCardConfigID}
	if in.Title != nil {
		out.Title = &in.Title.Value
	}
	if in.Key != nil {
		out.Key = &in.Key.Value
	}
	if in.DefaultTimeToLiveSeconds != nil {
		out.DefaultTTLSeconds = &in.DefaultTimeToLiveSeconds.Value
	}
	if in.APIURL != nil {
		out.APIURL = &in.APIURL.Value
	}
	if in.APIHeaders != nil {
		hs := cardHeaders(in.APIHeaders)
		out.APIHeaders = &hs
	}
	if in.Order != nil {
		out.Order = &in.Order.Value
	}
	if in.IsEnabled != nil {
		out.IsEnabled = &in.IsEnabled.Value
	}
	return out
}

// cardInstanceModel shows an instance as the union member of its state.
func cardInstanceModel(ci service.CardInstance) model.CustomerCardInstance {
	i, cfg := ci.Instance, *cardConfigModel(ci.Config)
	if i.State == customercard.StateError && i.Error != nil {
		return &model.CustomerCardInstanceError{ID: i.ID, CustomerID: i.CustomerID, ThreadID: i.ThreadID,
			CustomerCardConfig: cfg, ErrorDetail: cardErrorModel(*i.Error),
			CreatedAt: i.CreatedAt, CreatedBy: actor(i.CreatedBy), UpdatedAt: i.UpdatedAt, UpdatedBy: actor(i.UpdatedBy)}
	}
	return &model.CustomerCardInstanceLoaded{ID: i.ID, CustomerID: i.CustomerID, ThreadID: i.ThreadID,
		CustomerCardConfig: cfg, Components: cardComponents(i.Components), LoadedAt: i.LoadedAt, ExpiresAt: i.ExpiresAt,
		CreatedAt: i.CreatedAt, CreatedBy: actor(i.CreatedBy), UpdatedAt: i.UpdatedAt, UpdatedBy: actor(i.UpdatedBy)}
}

// cardErrorModel shows an error detail as its union member.
func cardErrorModel(d customercard.ErrorDetail) model.CustomerCardInstanceErrorDetail {
	switch d.Kind {
	case customercard.ErrTimeout:
		return &model.CustomerCardInstanceTimeoutErrorDetail{Message: d.Message, TimeoutSeconds: d.TimeoutSeconds}
	case customercard.ErrStatusCode:
		return &model.CustomerCardInstanceStatusCodeErrorDetail{Message: d.Message, StatusCode: d.StatusCode, ResponseBody: ""}
	case customercard.ErrResponseBody:
		return &model.CustomerCardInstanceResponseBodyErrorDetail{Message: d.Message, ResponseBody: ""}
	case customercard.ErrCardTooBig:
		return &model.CustomerCardInstanceCardTooBigErrorDetail{Message: d.Message, CardKey: d.CardKey,
			SizeBytes: d.SizeBytes, MaxSizeBytes: d.MaxSizeBytes}
	case customercard.ErrMissingCard:
		return &model.CustomerCardInstanceMissingCardErrorDetail{Message: d.Message, CardKey: d.CardKey}
	case customercard.ErrRequest:
		return &model.CustomerCardInstanceRequestErrorDetail{Message: d.Message, ErrorCode: d.ErrorCode}
	}
	return &model.CustomerCardInstanceUnknownErrorDetail{Message: d.Message}
}

// cardComponents shows a card's components; nil stays nil (the card came
// without components).
func cardComponents(cs []component.Component) []model.CustomerCardComponent {
	if cs == nil {
		return nil
	}
	out := make([]model.CustomerCardComponent, 0, len(cs))
	for _, c := range cs {
		if m, ok := componentOut(c).(model.CustomerCardComponent); ok {
			out = append(out, m)
		}
	}
	return out
}
