package service

import (
	"context"
	"errors"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
)

// UpsertCustomerInput is upsertCustomer's input.
type UpsertCustomerInput struct {
	Identifier customer.Identifier
	OnCreate   customer.CreateFields
	OnUpdate   customer.UpdateFields
	// Groups and Tenants are the customer groups and tenants a customer
	// created by the upsert joins.
	Groups  []customergroup.Identifier
	Tenants []tenant.Identifier
}

// UpsertResult says what an upsert did.
type UpsertResult string

// The upsert results.
const (
	Created UpsertResult = "CREATED"
	Updated UpsertResult = "UPDATED"
	Noop    UpsertResult = "NOOP"
)

// findCustomer resolves an identifier inside tx; field is its input path.
func findCustomer(ctx context.Context, tx store.Tx, ws string, id customer.Identifier) (customer.Customer, error) {
	switch {
	case id.CustomerID != nil:
		return tx.GetCustomer(ctx, ws, *id.CustomerID)
	case id.EmailAddress != nil:
		email, ok := core.NormalizeEmail(*id.EmailAddress)
		if !ok {
			return customer.Customer{}, core.ErrNotFound
		}
		return tx.GetCustomerByEmail(ctx, ws, email)
	default:
		return tx.GetCustomerByExternalID(ctx, ws, *id.ExternalID)
	}
}

// findCustomerForThread is findCustomer that also reads what a new thread
// needs of the customer (store.CustomerForThread): their group
// memberships (customerGroupsOf) and whether copyCustomerEntries has
// anything to copy.
func findCustomerForThread(ctx context.Context, tx store.Tx, ws string, id customer.Identifier) (store.CustomerForThread, error) {
	if id.CustomerID == nil && id.EmailAddress != nil {
		email, ok := core.NormalizeEmail(*id.EmailAddress)
		if !ok {
			return store.CustomerForThread{}, core.ErrNotFound
		}
		id = customer.Identifier{EmailAddress: &email}
	}
	return tx.FindCustomerForThread(ctx, ws, id)
}

// checkCustomerUnique reports a conflict when another customer has c's email
// or external id.
func checkCustomerUnique(ctx context.Context, tx store.Tx, c customer.Customer, prefix string) error {
	if other, err := tx.GetCustomerByEmail(ctx, c.WorkspaceID, c.Email); err == nil && other.ID != c.ID {
		return core.Conflict(customer.CodeEmailTaken, prefix+"email.email", "A customer with this email address already exists.")
	} else if err != nil && !errors.Is(err, core.ErrNotFound) {
		return err
	}
	if c.ExternalID != nil {
		if other, err := tx.GetCustomerByExternalID(ctx, c.WorkspaceID, *c.ExternalID); err == nil && other.ID != c.ID {
			return core.Conflict(customer.CodeExternalIDTaken, prefix+"externalId", "A customer with this external id already exists.")
		} else if err != nil && !errors.Is(err, core.ErrNotFound) {
			return err
		}
	}
	return nil
}

// UpsertCustomer creates the customer the identifier names or updates it.
// Needs customer:create and customer:edit.
func (s *Service) UpsertCustomer(ctx context.Context, in UpsertCustomerInput) (customer.Customer, UpsertResult, error) {
	p, err := principal(ctx, auth.CustomerCreate, auth.CustomerEdit)
	if err != nil {
		return customer.Customer{}, "", err
	}
	if err := in.Identifier.Validate("identifier"); err != nil {
		return customer.Customer{}, "", err
	}
	create, cerr := in.OnCreate.Clean("onCreate")
	update, uerr := in.OnUpdate.Clean("onUpdate")
	if err := joinValidation(cerr, uerr); err != nil {
		return customer.Customer{}, "", err
	}
	var out customer.Customer
	var result UpsertResult
	attempt := func() error {
		return s.store.Update(ctx, func(tx store.Tx) error {
			now := s.clock.Now()
			existing, err := findCustomer(ctx, tx, p.WorkspaceID, in.Identifier)
			switch {
			case errors.Is(err, core.ErrNotFound) && in.Identifier.CustomerID != nil:
				return core.NotFound("identifier.customerId", "Customer")
			case errors.Is(err, core.ErrNotFound):
				return s.createCustomer(ctx, tx, p, in, create, now, &out, &result)
			case err != nil:
				return err
			}
			out, result, err = s.updateCustomer(ctx, tx, p, in.Identifier, existing, update, now)
			return err
		})
	}
	// A concurrent upsert of the same new customer (PostgreSQL replicas or
	// pool connections) can commit between our lookup and our insert: then
	// the customer exists, and a second attempt updates it instead.
	err = attempt()
	if errors.Is(err, core.ErrDuplicate) || errors.Is(err, errCreatedMeanwhile) {
		err = attempt()
	}
	if errors.Is(err, core.ErrDuplicate) {
		err = core.Conflict(customer.CodeEmailTaken, "onCreate.email.email", "A customer with this email address or external id already exists.")
	}
	return out, result, err
}

// updateCustomer applies an upsert's update to an existing customer, under
// its row lock, and reports UPDATED or NOOP.
func (s *Service) updateCustomer(ctx context.Context, tx store.Tx, p *auth.Principal, id customer.Identifier,
	existing customer.Customer, update customer.UpdateFields, now core.Time) (customer.Customer, UpsertResult, error) {
	// Re-read under the row lock, so that concurrent updates of one
	// customer apply one after the other instead of overwriting.
	existing, err := tx.LockCustomer(ctx, p.WorkspaceID, existing.ID)
	if err != nil {
		return existing, "", notFoundAs(err, id.Field("identifier"), "Customer") // deleted meanwhile
	}
	next, changed := existing.Apply(update, now, p.Actor)
	if !changed {
		return next, Noop, nil
	}
	if err := checkCustomerUnique(ctx, tx, next, "onUpdate."); err != nil {
		return next, "", err
	}
	if next.Email != existing.Email {
		if next, err = s.inferCompany(ctx, tx, next, now, p.Actor); err != nil {
			return next, "", err
		}
	}
	if err := tx.UpdateCustomer(ctx, next); err != nil {
		return next, "", err
	}
	groups, err := customerGroupsOf(ctx, tx, p.WorkspaceID, next.ID)
	if err != nil {
		return next, "", err
	}
	return next, Updated, s.emit(ctx, tx, p.WorkspaceID, p.Actor, now,
		event.NewCustomerUpdated(event.NewCustomer(next, groups...), event.NewCustomer(existing, groups...)))
}

func (s *Service) createCustomer(ctx context.Context, tx store.Tx, p *auth.Principal, in UpsertCustomerInput,
	f customer.CreateFields, now core.Time, out *customer.Customer, result *UpsertResult) error {
	id := in.Identifier
	var c core.Collector
	if id.EmailAddress != nil {
		if norm, _ := core.NormalizeEmail(*id.EmailAddress); norm != f.Email {
			c.Invalid("onCreate.email.email", "Must equal identifier.emailAddress")
		}
	}
	if id.ExternalID != nil && (f.ExternalID == nil || *f.ExternalID != *id.ExternalID) {
		c.Invalid("onCreate.externalId", "Must equal identifier.externalId")
	}
	groups, gerr := resolveGroups(ctx, tx, p.WorkspaceID, "onCreate.customerGroupIdentifiers", in.Groups)
	tenants, terr := resolveTenants(ctx, tx, p.WorkspaceID, "onCreate.tenantIdentifiers", in.Tenants)
	if err := joinValidation(c.Err(), gerr, terr); err != nil {
		return err
	}
	cust := customer.New(p.WorkspaceID, f, now, p.Actor)
	if err := checkCustomerUnique(ctx, tx, cust, "onCreate."); err != nil {
		// Under READ COMMITTED a concurrent upsert of the same identifier
		// may have committed since our lookup: the "conflict" is then the
		// customer we were asked for, so update it instead.
		if _, ferr := findCustomer(ctx, tx, p.WorkspaceID, id); ferr == nil {
			return errCreatedMeanwhile
		}
		return err
	}
	cust, err := s.inferCompany(ctx, tx, cust, now, p.Actor)
	if err != nil {
		return err
	}
	if err := tx.CreateCustomer(ctx, cust); err != nil {
		return err
	}
	var members []customergroup.Member
	for _, g := range groups {
		m := customergroup.NewMembership(p.WorkspaceID, cust.ID, g.ID, now, p.Actor)
		if _, err := tx.AddGroupMembership(ctx, m); err != nil {
			return err
		}
		members = append(members, customergroup.Member{Membership: m, Group: g})
	}
	for _, t := range tenants {
		if _, err := tx.AddTenantMembership(ctx, tenant.NewMembership(p.WorkspaceID, cust.ID, t.ID, now, p.Actor)); err != nil {
			return err
		}
	}
	*out, *result = cust, Created
	return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewCustomerCreated(event.NewCustomer(cust, members...)))
}

// errCreatedMeanwhile asks UpsertCustomer to try again: the customer it was
// about to create was created by a concurrent request.
var errCreatedMeanwhile = errors.New("customer created meanwhile")

// joinValidation merges validation errors into one, whose code is
// not_found when every field error is about a missing entity (as
// core.Collector has it).
func joinValidation(errs ...error) error {
	var c core.Collector
	for _, err := range errs {
		if err == nil {
			continue
		}
		e, ok := core.AsError(err)
		if !ok || e.Kind != core.KindValidation {
			return err
		}
		for _, f := range e.Fields {
			c.Add(f.Field, f.Message, f.Type)
		}
	}
	return c.Err()
}

// Customer returns a customer by id, or nil. Needs customer:read.
func (s *Service) Customer(ctx context.Context, id customer.Identifier) (*customer.Customer, error) {
	p, err := principal(ctx, auth.CustomerRead)
	if err != nil {
		return nil, err
	}
	var c *customer.Customer
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		c, err = optional(findCustomer(ctx, tx, p.WorkspaceID, id))
		return err
	})
	return c, err
}

// CustomersByIDs loads customers for batched field resolution. Needs customer:read.
func (s *Service) CustomersByIDs(ctx context.Context, ids []string) (map[string]customer.Customer, error) {
	p, err := principal(ctx, auth.CustomerRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]customer.Customer, len(ids))
	err = s.store.View(ctx, func(tx store.Tx) error {
		cs, err := tx.GetCustomers(ctx, p.WorkspaceID, ids)
		for _, c := range cs {
			out[c.ID] = c
		}
		return err
	})
	return out, err
}

// Customers lists customers. Needs customer:read.
// withCount also counts every customer the filter matches (a full count).
func (s *Service) Customers(ctx context.Context, f customer.Filter, sort customer.Sort, args core.PageArgs, withCount bool) (core.Connection[customer.Customer], error) {
	p, err := principal(ctx, auth.CustomerRead)
	if err != nil {
		return core.Connection[customer.Customer]{}, err
	}
	page, err := args.Resolve(2)
	if err != nil {
		return core.Connection[customer.Customer]{}, err
	}
	var rows []customer.Customer
	var total int
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if f, err = resolveCustomerFilter(ctx, tx, p.WorkspaceID, f); err != nil {
			return err
		}
		if rows, err = tx.ListCustomers(ctx, p.WorkspaceID, f, sort, page); err != nil || !withCount {
			return err
		}
		total, err = tx.CountCustomers(ctx, p.WorkspaceID, f)
		return err
	})
	if err != nil {
		return core.Connection[customer.Customer]{}, err
	}
	conn := core.NewConnection(page, rows, customer.CursorOf)
	conn.TotalCount = total
	return conn, nil
}

// DeleteCustomer deletes a customer and their threads. Needs customer:delete.
func (s *Service) DeleteCustomer(ctx context.Context, id string) error {
	p, err := principal(ctx, auth.CustomerDelete)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		c, err := tx.GetCustomer(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		gone, err := customerPayload(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := tx.DeleteCustomer(ctx, p.WorkspaceID, id); err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, s.clock.Now(), event.NewCustomerDeleted(gone))
	})
}
