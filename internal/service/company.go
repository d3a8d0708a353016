package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// UpsertCompany creates the company the identifier names (by id: it must
// exist; by domain: it is created when none has that domain) or updates
// it. Needs company:create and company:edit.
func (s *Service) UpsertCompany(ctx context.Context, in company.UpsertInput) (company.Company, UpsertResult, error) {
	p, err := principal(ctx, auth.CompanyCreate, auth.CompanyEdit)
	if err != nil {
		return company.Company{}, "", err
	}
	if in, err = in.Clean(); err != nil {
		return company.Company{}, "", err
	}
	var out company.Company
	var result UpsertResult
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		if in.AccountOwnerUserID != nil {
			if u, err := tx.GetUser(ctx, p.WorkspaceID, *in.AccountOwnerUserID); err != nil || u.DeletedAt != nil {
				return notFoundAs(orNotFound(err), "accountOwnerUserId", "User")
			}
		}
		cur, err := findCompany(ctx, tx, p.WorkspaceID, in.Identifier)
		switch {
		case errors.Is(err, core.ErrNotFound) && in.Identifier.ID != nil:
			return core.NotFound("identifier.companyId", "Company")
		case errors.Is(err, core.ErrNotFound):
			out, result = company.New(p.WorkspaceID, in, now, p.Actor), Created
			return s.saveCompany(ctx, tx, out, true)
		case err != nil:
			return err
		}
		if cur, err = tx.LockCompany(ctx, p.WorkspaceID, cur.ID); err != nil {
			return notFoundAs(err, in.Identifier.Field("identifier"), "Company")
		}
		next, changed := cur.Apply(in, now, p.Actor)
		out, result = next, Noop
		if !changed {
			return nil
		}
		result = Updated
		return s.saveCompany(ctx, tx, next, false)
	})
	return out, result, err
}

// saveCompany stores a new or changed company, refusing a domain another
// live company has.
func (s *Service) saveCompany(ctx context.Context, tx store.Tx, c company.Company, create bool) error {
	others, err := tx.FindCompanies(ctx, c.WorkspaceID, nil, []string{c.DomainName})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != c.ID {
			return core.Conflict("company_domain_already_taken", "domainName", "Another company has this domain name.")
		}
	}
	typ := event.CompanyUpdated
	if create {
		err, typ = tx.CreateCompany(ctx, c), event.CompanyCreated
	} else {
		err = tx.UpdateCompany(ctx, c)
	}
	if errors.Is(err, core.ErrDuplicate) {
		return core.Conflict("company_domain_already_taken", "domainName", "Another company has this domain name.")
	}
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, c.WorkspaceID, c.UpdatedBy, c.UpdatedAt, event.NewAccountChanged(typ, event.NewCompanyRecord(c)))
}

// Company returns a live company, or nil. Needs company:read.
func (s *Service) Company(ctx context.Context, id string) (*company.Company, error) {
	p, err := principal(ctx, auth.CompanyRead)
	if err != nil {
		return nil, err
	}
	var c *company.Company
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		c, err = optional(findCompany(ctx, tx, p.WorkspaceID, company.Identifier{ID: &id}))
		return err
	})
	return c, err
}

// CompaniesByIDs loads live companies for batched resolution. Needs company:read.
func (s *Service) CompaniesByIDs(ctx context.Context, ids []string) (map[string]company.Company, error) {
	p, err := principal(ctx, auth.CompanyRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]company.Company, len(ids))
	err = s.store.View(ctx, func(tx store.Tx) error {
		cs, err := tx.FindCompanies(ctx, p.WorkspaceID, ids, nil)
		for _, c := range cs {
			out[c.ID] = c
		}
		return err
	})
	return out, err
}

// Companies lists companies in creation order; with f.Term set it searches
// them (searchCompanies: at least MinSearchTerm characters). Needs
// company:read.
func (s *Service) Companies(ctx context.Context, f company.Filter, args core.PageArgs) (core.Connection[company.Company], error) {
	p, err := principal(ctx, auth.CompanyRead)
	if err != nil {
		return core.Connection[company.Company]{}, err
	}
	page, err := args.Resolve(1)
	if err != nil {
		return core.Connection[company.Company]{}, err
	}
	var rows []company.Company
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		rows, err = tx.ListCompanies(ctx, p.WorkspaceID, f, page)
		return err
	})
	return core.NewConnection(page, rows, company.CursorOf), err
}

// UpdateCustomerCompany sets a customer's company (by id, or by domain:
// the company is created when none has it) or, with a nil identifier,
// removes it. Needs customer:edit.
func (s *Service) UpdateCustomerCompany(ctx context.Context, customerID string, id *company.Identifier) (customer.Customer, error) {
	p, err := principal(ctx, auth.CustomerEdit)
	if err != nil {
		return customer.Customer{}, err
	}
	if id != nil {
		if err := id.Validate("companyIdentifier"); err != nil {
			return customer.Customer{}, err
		}
	}
	var out customer.Customer
	err = s.store.Update(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		c, err := tx.LockCustomer(ctx, p.WorkspaceID, customerID)
		if err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		var companyID *string
		if id != nil {
			co, err := s.companyFor(ctx, tx, p, *id, now)
			if err != nil {
				return err
			}
			companyID = &co.ID
		}
		out = c
		if core.Equal(c.CompanyID, companyID) {
			return nil
		}
		out.CompanyID, out.UpdatedAt, out.UpdatedBy = companyID, now, p.Actor
		if err := tx.UpdateCustomer(ctx, out); err != nil {
			return err
		}
		before, err := customerPayload(ctx, tx, c)
		if err != nil {
			return err
		}
		after := before
		after.UpdatedAt, after.UpdatedBy = now.ISO8601(), event.NewActor(p.Actor)
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewCustomerUpdated(after, before))
	})
	return out, err
}

// companyFor resolves the company of updateCustomerCompany: by id it must
// exist; by domain it is found or created, named after its domain.
func (s *Service) companyFor(ctx context.Context, tx store.Tx, p *auth.Principal, id company.Identifier, now core.Time) (company.Company, error) {
	co, err := findCompany(ctx, tx, p.WorkspaceID, id)
	if !errors.Is(err, core.ErrNotFound) || id.ID != nil {
		return co, notFoundAs(err, id.Field("companyIdentifier"), "Company")
	}
	d, ok := company.NormalizeDomain(*id.DomainName)
	if !ok {
		return co, core.InvalidField("companyIdentifier.companyDomainName", "Must be a domain name such as plain.com")
	}
	co = company.Inferred(p.WorkspaceID, d, now, p.Actor)
	return co, s.saveCompany(ctx, tx, co, true)
}

// inferCompany gives a customer without a company the company of their
// email domain, found or created, unless the domain is a free-mail or
// reserved one. It returns the customer as changed (not stored).
func (s *Service) inferCompany(ctx context.Context, tx store.Tx, c customer.Customer, now core.Time, by core.Actor) (customer.Customer, error) {
	d, ok := company.InferredDomain(c.Email)
	if c.CompanyID != nil || !ok {
		return c, nil
	}
	cs, err := tx.FindCompanies(ctx, c.WorkspaceID, nil, []string{d})
	if err != nil {
		return c, err
	}
	var co company.Company
	if len(cs) > 0 {
		co = cs[0]
	} else {
		co = company.Inferred(c.WorkspaceID, d, now, by)
		if err := tx.CreateCompany(ctx, co); err != nil {
			return c, err
		}
		if err := s.emit(ctx, tx, c.WorkspaceID, by, now, event.NewAccountChanged(event.CompanyCreated, event.NewCompanyRecord(co))); err != nil {
			return c, err
		}
	}
	c.CompanyID = &co.ID
	return c, nil
}

// DeleteCompany deletes a company: it is no longer shown, matched or
// usable, its customers read as having none, and its tier membership
// ends. Needs company:delete.
func (s *Service) DeleteCompany(ctx context.Context, id company.Identifier) (company.Company, error) {
	p, err := principal(ctx, auth.CompanyDelete)
	if err != nil {
		return company.Company{}, err
	}
	if err := id.Validate("companyIdentifier"); err != nil {
		return company.Company{}, err
	}
	var out company.Company
	err = s.store.Update(ctx, func(tx store.Tx) error {
		c, err := findCompany(ctx, tx, p.WorkspaceID, id)
		if err == nil {
			c, err = tx.LockCompany(ctx, p.WorkspaceID, c.ID)
		}
		if err != nil {
			return notFoundAs(err, id.Field("companyIdentifier"), "Company")
		}
		out = c.Delete(s.clock.Now(), p.Actor)
		if _, err := tx.DeleteTierMembership(ctx, p.WorkspaceID, c.ID); err != nil && !errors.Is(err, core.ErrNotFound) {
			return err
		}
		if err := tx.UpdateCompany(ctx, out); err != nil {
			return err
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, out.UpdatedAt, event.NewAccountChanged(event.CompanyDeleted, event.NewCompanyRecord(out)))
	})
	return out, err
}
