package graph

import (
	"context"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
)

func customerModel(c customer.Customer) *model.Customer {
	return &model.Customer{
		ID: c.ID, FullName: c.FullName, ShortName: c.ShortName, ExternalID: c.ExternalID,
		Email:          &model.EmailAddress{Email: c.Email, IsVerified: c.EmailVerified, VerifiedAt: c.EmailVerifiedAt},
		Identities:     []model.CustomerIdentity{model.EmailCustomerIdentity{Email: c.Email}},
		MarkedAsSpamBy: actorOrNil(c.MarkedAsSpamBy),
		MarkedAsSpamAt: c.MarkedAsSpamAt, CreatedAt: c.CreatedAt, CreatedBy: actor(c.CreatedBy),
		UpdatedAt: c.UpdatedAt, UpdatedBy: actor(c.UpdatedBy), CompanyID: c.CompanyID,
	}
}

func upsertCustomerInput(in model.UpsertCustomerInput) service.UpsertCustomerInput {
	out := service.UpsertCustomerInput{
		Identifier: customer.Identifier{CustomerID: in.Identifier.CustomerID, EmailAddress: in.Identifier.EmailAddress,
			ExternalID: in.Identifier.ExternalID},
		OnCreate: customer.CreateFields{FullName: in.OnCreate.FullName, ShortName: in.OnCreate.ShortName,
			ExternalID: in.OnCreate.ExternalID, Email: in.OnCreate.Email.Email, EmailVerified: in.OnCreate.Email.IsVerified},
		Groups:  groupIdentifiers(in.OnCreate.CustomerGroupIdentifiers),
		Tenants: tenantIdentifiers(in.OnCreate.TenantIdentifiers),
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
	// Threadline has no Slack channels: a filter naming one matches no
	// customer.
	out.MatchNothing = f.SlackChannelID != nil
	if n := len(f.CustomerGroupIds) + len(f.CustomerGroupKeys) + len(f.TenantIdentifiers) + len(f.CompanyIdentifiers); n > thread.MaxFilterValues {
		return out, core.BadInput("filters may list at most %d customer groups, tenants and companies in all (got %d).", thread.MaxFilterValues, n)
	}
	var err error
	if out.Companies, err = companyRefs("filters.companyIdentifiers", f.CompanyIdentifiers); err != nil {
		return out, err
	}
	if out.Tenants, err = tenantRefs("filters.tenantIdentifiers", f.TenantIdentifiers); err != nil {
		return out, err
	}
	// Groups named by id and by key are one criterion: a customer in any.
	if len(f.CustomerGroupIds)+len(f.CustomerGroupKeys) > 0 {
		out.Groups = append(refsOf(core.ByID, f.CustomerGroupIds), refsOf(core.ByKey, f.CustomerGroupKeys)...)
	}
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

// customerIdentifier converts a CustomerIdentifierInput.
func customerIdentifier(in model.CustomerIdentifierInput) customer.Identifier {
	return customer.Identifier{CustomerID: in.CustomerID, EmailAddress: in.EmailAddress, ExternalID: in.ExternalID}
}

// customerSearch converts searchCustomers' query: each field a condition
// sets is one alternative (a condition names one field, in Plain's use).
func customerSearch(q model.CustomersSearchQuery) []customer.SearchCondition {
	var out []customer.SearchCondition
	for _, c := range q.Or {
		for _, f := range []struct {
			field customer.SearchField
			expr  *model.StringSearchExpression
		}{
			{customer.SearchFullName, c.FullName}, {customer.SearchShortName, c.ShortName}, {customer.SearchEmail, c.Email},
			{customer.SearchExternalID, c.ExternalID}, {customer.SearchTimelineText, c.TimelineEntryText},
		} {
			if f.expr != nil && f.expr.CaseInsensitiveContains != nil {
				out = append(out, customer.SearchCondition{Field: f.field, Terms: core.SearchTerms(*f.expr.CaseInsensitiveContains)})
			}
		}
	}
	return out
}
