package graph

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// A batch waits for more keys at least minBatchWait (so that resolvers
// delayed by a busy scheduler still join) and at most maxBatchWait.
const (
	minBatchWait = 100 * time.Microsecond
	maxBatchWait = 500 * time.Microsecond
)

// loader batches the lookups of one request: keys asked for while sibling
// resolvers are still starting (gqlgen runs them in goroutines) are fetched
// together, and every key is fetched at most once per request.
//
// Instead of sleeping for a fixed window (which the OS timer rounds up to a
// millisecond or more), a batch yields the processor until a few yields in
// a row bring no new key, or maxBatchWait passes.
type loader[K comparable, V any] struct {
	fetch func(context.Context, []K) ([]V, []error)
	mu    sync.Mutex
	cache map[K]*loaded[V]
	batch *batch[K, V]
}

type loaded[V any] struct {
	done chan struct{}
	v    V
	err  error
}

type batch[K comparable, V any] struct {
	keys    []K
	results []*loaded[V]
}

func newLoader[K comparable, V any](fetch func(context.Context, []K) ([]V, []error)) *loader[K, V] {
	return &loader[K, V]{fetch: fetch, cache: map[K]*loaded[V]{}}
}

// Load returns the value of key, fetching it with the keys of the current batch.
func (l *loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	l.mu.Lock()
	r, ok := l.cache[key]
	if !ok {
		r = &loaded[V]{done: make(chan struct{})}
		l.cache[key] = r
		if l.batch == nil {
			l.batch = &batch[K, V]{}
			go l.run(ctx, l.batch)
		}
		l.batch.keys = append(l.batch.keys, key)
		l.batch.results = append(l.batch.results, r)
	}
	l.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// Prime records the value of key unless it is already known.
func (l *loader[K, V]) Prime(key K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.cache[key]; !ok {
		r := &loaded[V]{done: make(chan struct{}), v: v}
		close(r.done)
		l.cache[key] = r
	}
}

func (l *loader[K, V]) size(b *batch[K, V]) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(b.keys)
}

// errFetchPanicked answers the loads of a batch whose fetch panicked.
var errFetchPanicked = errors.New("internal error while loading")

// run waits for the batch to fill, then fetches it. A panicking fetch fails
// the batch's loads instead of the process.
func (l *loader[K, V]) run(ctx context.Context, b *batch[K, V]) {
	fetched := false
	defer func() {
		if p := recover(); p != nil && !fetched {
			for _, r := range b.results {
				r.err = fmt.Errorf("%w: %v", errFetchPanicked, p)
				close(r.done)
			}
		}
	}()
	start := time.Now()
	deadline := start.Add(maxBatchWait)
	seen, quiet := 0, 0
	for (quiet < 4 || time.Since(start) < minBatchWait) && time.Now().Before(deadline) {
		runtime.Gosched()
		if n := l.size(b); n == seen {
			quiet++
		} else {
			seen, quiet = n, 0
		}
	}
	l.mu.Lock()
	if l.batch == b {
		l.batch = nil
	}
	keys, results := b.keys, b.results
	l.mu.Unlock()
	vals, errs := l.fetch(ctx, keys)
	fetched = true
	for i, r := range results {
		if i < len(vals) {
			r.v = vals[i]
		}
		if i < len(errs) && errs[i] != nil {
			r.err = errs[i]
		}
		close(r.done)
	}
}
