package graph

import (
	"context"

	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/user"
)

// Loaders batch the relation lookups of one request, so that a list of
// threads costs one query per relation, not one per thread.
type Loaders struct {
	Customers    *loader[string, *customer.Customer]
	LabelTypes   *loader[string, *label.Type]
	Labels       *loader[string, []service.TypedLabel]
	Fields       *loader[string, []field.Value]
	Users        *loader[string, *user.User]
	MachineUsers *loader[string, *user.MachineUser]
}

type loadersKey struct{}

// byID adapts a service batch lookup to a loader: missing keys load as nil.
func byID[V any](fetch func(context.Context, []string) (map[string]V, error)) func(context.Context, []string) ([]*V, []error) {
	return func(ctx context.Context, keys []string) ([]*V, []error) {
		m, err := fetch(ctx, keys)
		out := make([]*V, len(keys))
		if err != nil {
			errs := make([]error, len(keys))
			for i := range errs {
				errs[i] = err
			}
			return out, errs
		}
		for i, k := range keys {
			if v, ok := m[k]; ok {
				out[i] = &v
			}
		}
		return out, nil
	}
}

// grouped adapts a service lookup of per-key lists to a loader.
func grouped[V any](fetch func(context.Context, []string) (map[string][]V, error)) func(context.Context, []string) ([][]V, []error) {
	return func(ctx context.Context, keys []string) ([][]V, []error) {
		m, err := fetch(ctx, keys)
		out := make([][]V, len(keys))
		if err != nil {
			errs := make([]error, len(keys))
			for i := range errs {
				errs[i] = err
			}
			return out, errs
		}
		for i, k := range keys {
			out[i] = m[k]
		}
		return out, nil
	}
}

// WithLoaders returns ctx carrying fresh loaders for one request.
func WithLoaders(ctx context.Context, svc *service.Service) context.Context {
	return context.WithValue(ctx, loadersKey{}, &Loaders{
		Customers:    newLoader(byID(svc.CustomersByIDs)),
		LabelTypes:   newLoader(byID(svc.LabelTypesByIDs)),
		Labels:       newLoader(grouped(svc.LabelsOfThreads)),
		Fields:       newLoader(grouped(svc.FieldValuesOfThreads)),
		Users:        newLoader(byID(svc.UsersByIDs)),
		MachineUsers: newLoader(byID(svc.MachineUsersByIDs)),
	})
}

// loaders returns the request's loaders (made on first use when a caller,
// such as a test, did not install them).
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return WithLoaders(ctx, r.Svc).Value(loadersKey{}).(*Loaders)
}

// prime seeds the request's loaders with what creating a thread wrote, so
// that answering about it reads nothing back. Permissions were checked by
// preflight for every relation the answer selects.
func (r *Resolver) prime(ctx context.Context, c service.CreatedThread) {
	l := r.loaders(ctx)
	l.Customers.Prime(c.Customer.ID, &c.Customer)
	labels := c.Labels
	if labels == nil {
		labels = []service.TypedLabel{}
	}
	l.Labels.Prime(c.Thread.ID, labels)
	fields := c.Fields
	if fields == nil {
		fields = []field.Value{}
	}
	l.Fields.Prime(c.Thread.ID, fields)
}
