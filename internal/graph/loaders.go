package graph

import (
	"context"
	"sync"

	"github.com/threadline/threadline/internal/service"
)

// A request's loaders batch its relation lookups, so that a list of threads
// costs one query per relation, not one per thread. Each relation declares
// its loader kind beside its resolvers (newLoaderKind); a request makes the
// loaders it uses on first use.

type loadersKey struct{}

// requestLoaders holds the loaders one request has made, by kind.
type requestLoaders struct {
	svc *service.Service
	mu  sync.Mutex
	m   map[any]any
}

// WithLoaders returns ctx carrying an empty set of loaders for one request.
func WithLoaders(ctx context.Context, svc *service.Service) context.Context {
	return context.WithValue(ctx, loadersKey{}, &requestLoaders{svc: svc, m: map[any]any{}})
}

// loaderKind is one kind of request loader: how to fetch a batch of keys.
type loaderKind[K comparable, V any] struct {
	fetch func(*service.Service) func(context.Context, []K) ([]V, []error)
}

func newLoaderKind[K comparable, V any](fetch func(*service.Service) func(context.Context, []K) ([]V, []error)) *loaderKind[K, V] {
	return &loaderKind[K, V]{fetch: fetch}
}

// of returns the request's loader of this kind, made on first use. Outside
// a request (a caller that did not call WithLoaders) it returns a fresh one.
func (k *loaderKind[K, V]) of(ctx context.Context, svc *service.Service) *loader[K, V] {
	rl, ok := ctx.Value(loadersKey{}).(*requestLoaders)
	if !ok {
		return newLoader(k.fetch(svc))
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if l, ok := rl.m[k]; ok {
		return l.(*loader[K, V])
	}
	l := newLoader(k.fetch(rl.svc))
	rl.m[k] = l
	return l
}

// byID adapts a service batch lookup to a loader: missing keys load as nil.
func byID[V any](fetch func(context.Context, []string) (map[string]V, error)) func(context.Context, []string) ([]*V, []error) {
	return func(ctx context.Context, keys []string) ([]*V, []error) {
		m, err := fetch(ctx, keys)
		out := make([]*V, len(keys))
		if err != nil {
			return out, repeat(err, len(keys))
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
			return out, repeat(err, len(keys))
		}
		for i, k := range keys {
			out[i] = m[k]
		}
		return out, nil
	}
}

func repeat(err error, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}
