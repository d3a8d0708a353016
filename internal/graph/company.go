package graph

import (
	"context"

	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
)

func companyModel(c company.Company) *model.Company {
	return &model.Company{ID: c.ID, Name: c.Name, DomainName: c.DomainName, ContractValue: c.ContractValue,
		IsDeleted: c.IsDeleted(), DeletedAt: c.DeletedAt, DeletedBy: actorOrNil(c.DeletedBy),
		ThreadChannelAssociations: []model.ThreadChannelAssociation{}, AccountOwnerID: c.AccountOwnerID,
		CreatedAt: c.CreatedAt, CreatedBy: internalActor(c.CreatedBy), UpdatedAt: c.UpdatedAt, UpdatedBy: internalActor(c.UpdatedBy)}
}

func companyIdentifier(in model.CompanyIdentifierInput) company.Identifier {
	return company.Identifier{ID: in.CompanyID, DomainName: in.CompanyDomainName}
}

// companyRefs converts the company identifiers of a list filter; field is
// their path for errors.
func companyRefs(field string, ins []model.CompanyIdentifierInput) ([]core.Ref, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	out := make([]core.Ref, len(ins))
	for i, in := range ins {
		switch {
		case (in.CompanyID == nil) == (in.CompanyDomainName == nil):
			return nil, core.BadInput("%s.%d: exactly one of companyId or companyDomainName must be set.", field, i)
		case in.CompanyID != nil:
			out[i] = core.Ref{By: core.ByID, Value: *in.CompanyID}
		default:
			out[i] = core.Ref{By: core.ByDomain, Value: *in.CompanyDomainName}
		}
	}
	return out, nil
}

func companyFilter(f *model.CompaniesFilter) (company.Filter, error) {
	var out company.Filter
	if f == nil {
		return out, nil
	}
	out.IDs = f.CompanyIds
	if f.IsDeleted != nil {
		out.IsDeleted = *f.IsDeleted
	}
	r, err := timeRange("updatedAt", f.UpdatedAt)
	if r != nil {
		out.UpdatedAfter, out.UpdatedBefore = r.After, r.Before
	}
	if len(out.IDs) > core.MaxPageSize*5 {
		return out, core.BadInput("filters.companyIds may list at most %d ids.", core.MaxPageSize*5)
	}
	return out, err
}

func searchTerm(term string, min int) (string, error) {
	if n := len([]rune(term)); n < min {
		return "", core.BadInput("searchQuery.term must contain at least %d characters.", min)
	}
	return term, nil
}

// companiesByID loads live companies by id (Customer.company).
var companiesByID = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([]*company.Company, []error) {
	return byID(s.CompaniesByIDs)
})

// customerCompany resolves a customer's company.
func (r *Resolver) customerCompany(ctx context.Context, obj *model.Customer) (*model.Company, error) {
	if obj.CompanyID == nil {
		return nil, nil
	}
	c, err := companiesByID.of(ctx, r.Svc).Load(ctx, *obj.CompanyID)
	if err != nil || c == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return companyModel(*c), nil
}

// upsertCompanyInput converts upsertCompany's input.
func upsertCompanyInput(in model.UpsertCompanyInput) company.UpsertInput {
	return company.UpsertInput{Identifier: companyIdentifier(in.Identifier), Name: in.Name, DomainName: in.DomainName,
		ContractValue: in.ContractValue, AccountOwnerUserID: in.AccountOwnerUserID}
}
