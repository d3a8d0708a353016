package service

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// Error codes of spam marks, as Plain documents them.
const (
	CodeAlreadySpam = "customer_already_marked_as_spam"
	CodeNotSpam     = "customer_is_not_marked_as_spam"
)

// MarkCustomerAsSpam marks a customer as spam, recording who did; marking
// a customer marked already fails. Needs customer:edit.
func (s *Service) MarkCustomerAsSpam(ctx context.Context, id string) (customer.Customer, error) {
	return s.setSpam(ctx, id, true)
}

// UnmarkCustomerAsSpam clears a customer's spam mark; a customer not
// marked fails. Needs customer:edit.
func (s *Service) UnmarkCustomerAsSpam(ctx context.Context, id string) (customer.Customer, error) {
	return s.setSpam(ctx, id, false)
}

func (s *Service) setSpam(ctx context.Context, id string, spam bool) (customer.Customer, error) {
	p, err := principal(ctx, auth.CustomerEdit)
	if err != nil {
		return customer.Customer{}, err
	}
	var out customer.Customer
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.LockCustomer(ctx, p.WorkspaceID, id)
		if err != nil {
			return notFoundAs(err, "customerId", "Customer")
		}
		switch {
		case spam && cur.MarkedAsSpamAt != nil:
			return &core.Error{Kind: core.KindValidation, Code: CodeAlreadySpam, Message: "The customer is already marked as spam."}
		case !spam && cur.MarkedAsSpamAt == nil:
			return &core.Error{Kind: core.KindValidation, Code: CodeNotSpam, Message: "The customer is not marked as spam."}
		}
		now := s.clock.Now()
		next := cur
		next.MarkedAsSpamAt, next.MarkedAsSpamBy = nil, nil
		if spam {
			next.MarkedAsSpamAt, next.MarkedAsSpamBy = &now, &p.Actor
		}
		next.UpdatedAt, next.UpdatedBy = now, p.Actor
		if err := tx.UpdateCustomer(ctx, next); err != nil {
			return err
		}
		out = next
		return s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewCustomerUpdated(event.NewCustomer(next), event.NewCustomer(cur)))
	})
	return out, err
}
