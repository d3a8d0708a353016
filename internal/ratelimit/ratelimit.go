// Package ratelimit limits the API-key traffic of each workspace to a number
// of requests per fixed window, as Plain does (1,000 a minute on its highest
// plan). It uses go-limiter's interface and in-memory store; with several
// replicas the count lives in the shared database, so the limit holds across
// them.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/sethvargo/go-limiter"
	"github.com/sethvargo/go-limiter/memorystore"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/store"
)

// Decision is the outcome of one request's take.
type Decision struct {
	Allowed   bool
	Limit     uint64
	Remaining uint64
	Reset     time.Time // when the window ends and the count starts again
}

// Limiter decides whether a workspace may make one more request.
type Limiter struct {
	store limiter.Store
}

// New returns a limiter of perWindow requests each window. With a shared
// counter (several replicas on one database) the count is kept there;
// otherwise in memory.
func New(perWindow int, window time.Duration, shared store.WindowCounter, clock core.Clock) (*Limiter, error) {
	if perWindow <= 0 || window <= 0 {
		return nil, fmt.Errorf("rate limit: %d per %v is not a limit", perWindow, window)
	}
	if shared != nil {
		return &Limiter{store: &sharedStore{counter: shared, tokens: uint64(perWindow), window: window, clock: clock}}, nil
	}
	st, err := memorystore.New(&memorystore.Config{Tokens: uint64(perWindow), Interval: window})
	if err != nil {
		return nil, err
	}
	return &Limiter{store: st}, nil
}

// Take counts one request of key and says whether it is allowed.
func (l *Limiter) Take(ctx context.Context, key string) (Decision, error) {
	tokens, remaining, reset, ok, err := l.store.Take(ctx, key)
	if err != nil {
		return Decision{}, err
	}
	return Decision{Allowed: ok, Limit: tokens, Remaining: remaining, Reset: time.Unix(0, int64(reset)).UTC()}, nil
}

// Close stops the limiter's store.
func (l *Limiter) Close(ctx context.Context) error { return l.store.Close(ctx) }

// sharedStore is a go-limiter store over a database counter of fixed windows
// aligned to the clock (every replica agrees where a window starts).
type sharedStore struct {
	counter store.WindowCounter
	tokens  uint64
	window  time.Duration
	clock   core.Clock
}

func (s *sharedStore) bounds() (start core.Time, reset uint64) {
	now := s.clock.Now()
	w := s.window.Milliseconds()
	startMS := now.Millis() - now.Millis()%w
	return core.FromMillis(startMS), uint64((startMS + w) * int64(time.Millisecond))
}

// Take counts one request in the current window.
func (s *sharedStore) Take(ctx context.Context, key string) (tokens, remaining, reset uint64, ok bool, err error) {
	start, reset := s.bounds()
	n, err := s.counter.CountInWindow(ctx, key, start)
	if err != nil {
		return 0, 0, 0, false, err
	}
	if uint64(n) > s.tokens {
		return s.tokens, 0, reset, false, nil
	}
	return s.tokens, s.tokens - uint64(n), reset, true, nil
}

// Get is not needed by Threadline.
func (s *sharedStore) Get(ctx context.Context, key string) (uint64, uint64, error) {
	return 0, 0, fmt.Errorf("ratelimit: Get is not supported by the shared store")
}

// Set is not needed by Threadline.
func (s *sharedStore) Set(ctx context.Context, key string, tokens uint64, interval time.Duration) error {
	return fmt.Errorf("ratelimit: Set is not supported by the shared store")
}

// Burst is not needed by Threadline.
func (s *sharedStore) Burst(ctx context.Context, key string, tokens uint64) error {
	return fmt.Errorf("ratelimit: Burst is not supported by the shared store")
}

// Close has nothing to release: the counter belongs to the store.
func (s *sharedStore) Close(ctx context.Context) error { return nil }
