package service

import (
	"context"
	"fmt"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/thread"
)

// SearchThreads finds the threads f selects whose text — title,
// description, preview, or one of their messages — holds every word of
// term (core.SearchTerms) as the start of a word, newest first. A term
// without a word finds nothing. Needs thread:read.
func (s *Service) SearchThreads(ctx context.Context, term string, f thread.Filter, args core.PageArgs) (ThreadList, error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return ThreadList{}, err
	}
	if err := f.Check(); err != nil {
		return ThreadList{}, err
	}
	page, err := args.Resolve(2)
	if err != nil {
		return ThreadList{}, err
	}
	terms := core.SearchTerms(term)
	var rows []store.ThreadRow
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if f, err = resolveThreadFilter(ctx, tx, p.WorkspaceID, f); err != nil {
			return err
		}
		rows, err = tx.SearchThreads(ctx, p.WorkspaceID, terms, f, page)
		return err
	})
	if err != nil {
		return ThreadList{}, err
	}
	return threadList(page, rows), nil
}

// SearchCustomers finds the customers f selects that one of conds
// matches, in full-name order: a condition matches when its field holds
// every word of its text as the start of a word. Conditions without a
// word match nothing; at most customer.MaxSearchConditions are allowed.
// Needs customer:read.
func (s *Service) SearchCustomers(ctx context.Context, conds []customer.SearchCondition, f customer.Filter, args core.PageArgs) (core.Connection[customer.Customer], error) {
	p, err := principal(ctx, auth.CustomerRead)
	if err != nil {
		return core.Connection[customer.Customer]{}, err
	}
	if len(conds) > customer.MaxSearchConditions {
		return core.Connection[customer.Customer]{}, core.InvalidField("searchQuery.or",
			fmt.Sprintf("At most %d search conditions are allowed", customer.MaxSearchConditions))
	}
	page, err := args.Resolve(2)
	if err != nil {
		return core.Connection[customer.Customer]{}, err
	}
	var rows []customer.Customer
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		if f, err = resolveCustomerFilter(ctx, tx, p.WorkspaceID, f); err != nil {
			return err
		}
		rows, err = tx.SearchCustomers(ctx, p.WorkspaceID, conds, f, customer.Sort{}, page)
		return err
	})
	if err != nil {
		return core.Connection[customer.Customer]{}, err
	}
	return core.NewConnection(page, rows, customer.CursorOf), nil
}
