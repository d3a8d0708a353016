package graph

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
)

func customerModel(c customer.Customer) *model.Customer {
	return &model.Customer{
		ID: c.ID, FullName: c.FullName, ShortName: c.ShortName, ExternalID: c.ExternalID,
		Email:          &model.EmailAddress{Email: c.Email, IsVerified: c.EmailVerified, VerifiedAt: c.EmailVerifiedAt},
		Identities:     []model.CustomerIdentity{model.EmailCustomerIdentity{Email: c.Email}},
		MarkedAsSpamBy: actorOrNil(c.MarkedAsSpamBy),
		MarkedAsSpamAt: c.MarkedAsSpamAt, CreatedAt: c.CreatedAt, CreatedBy: actor(c.CreatedBy),
		UpdatedAt: c.UpdatedAt, UpdatedBy: actor(c.UpdatedBy),
	}
}

func upsertCustomerInput(in model.UpsertCustomerInput) service.UpsertCustomerInput {
	out := service.UpsertCustomerInput{
		Identifier: customer.Identifier{CustomerID: in.Identifier.CustomerID, EmailAddress: in.Identifier.EmailAddress,
			ExternalID: in.Identifier.ExternalID},
		OnCreate: customer.CreateFields{FullName: in.OnCreate.FullName, ShortName: in.OnCreate.ShortName,
			ExternalID: in.OnCreate.ExternalID, Email: in.OnCreate.Email.Email, EmailVerified: in.OnCreate.Email.IsVerified,
			GroupIdentifiers: len(in.OnCreate.CustomerGroupIdentifiers), TenantIdentifiers: len(in.OnCreate.TenantIdentifiers)},
	}
	u := in.OnUpdate
	if u.FullName != nil {
		out.OnUpdate.FullName = &u.FullName.Value
	}
	if u.ShortName != nil {
		out.OnUpdate.ShortName = core.Optional[string]{Set: true, Value: u.ShortName.Value}
	}
	if u.ExternalID != nil {
		out.OnUpdate.ExternalID = core.Optional[string]{Set: true, Value: u.ExternalID.Value}
	}
	if u.Email != nil {
		out.OnUpdate.Email, out.OnUpdate.EmailVerified = &u.Email.Email, u.Email.IsVerified
	}
	return out
}

func customerFilter(f *model.CustomersFilter) (customer.Filter, error) {
	var out customer.Filter
	if f == nil {
		return out, nil
	}
	out.IsMarkedAsSpam = f.IsMarkedAsSpam
	// Customer groups, tenants and companies cannot be created yet, and
	// Threadline has no Slack channels: a filter naming any of them matches
	// no customer.
	out.MatchNothing = len(f.CustomerGroupIds) > 0 || len(f.CustomerGroupKeys) > 0 ||
		len(f.TenantIdentifiers) > 0 || len(f.CompanyIdentifiers) > 0 || f.SlackChannelID != nil
	r, err := timeRange("updatedAt", f.UpdatedAt)
	if err != nil {
		return out, err
	}
	if r != nil {
		out.UpdatedAfter, out.UpdatedBefore = r.After, r.Before
	}
	return out, nil
}

func (r *Resolver) customerBy(ctx context.Context, id customer.Identifier) (*model.Customer, error) {
	c, err := r.Svc.Customer(ctx, id)
	if err != nil || c == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return customerModel(*c), nil
}

// customersByID loads customers by id (Thread.customer).
var customersByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*customer.Customer, []error) {
	return byID(s.CustomersByIDs)
})
