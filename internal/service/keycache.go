package service

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/store"
)

// keyCache keeps the API keys requests authenticated with recently, so
// that a request does not read its key from the database. A change of
// access (a key revoked) empties it at once on this replica and, through
// the store's broadcast, on every other; keyTTL bounds how stale an entry
// can be if a broadcast is missed.
type keyCache struct {
	mu sync.RWMutex
	m  map[string]cachedKey // by key hash
}

type cachedKey struct {
	key auth.APIKey
	at  time.Time
}

const (
	keyTTL       = 10 * time.Second
	maxCacheKeys = 10000
)

func (c *keyCache) get(hash string) (auth.APIKey, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[hash]
	if !ok || time.Since(e.at) > keyTTL {
		return auth.APIKey{}, false
	}
	return e.key, true
}

func (c *keyCache) put(hash string, k auth.APIKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCacheKeys {
		c.m = map[string]cachedKey{}
	}
	c.m[hash] = cachedKey{key: k, at: time.Now()}
}

// clear forgets every key.
func (c *keyCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// keyPoll is how often the cache asks the store for revocations it may
// not have heard of (from another process on a SQLite file, or a missed
// broadcast).
const keyPoll = time.Second

// RunCacheInvalidation empties the API key cache whenever any replica or
// process changes access (revokes or changes a key), until ctx ends: at once when the
// store broadcasts the change, within keyPoll otherwise.
func (s *Service) RunCacheInvalidation(ctx context.Context) error {
	var changes <-chan string
	if b, ok := s.store.(store.Broadcaster); ok {
		ch, err := b.Subscribe(ctx, event.Topic)
		if err != nil {
			return err
		}
		changes = ch
	}
	tick := time.NewTicker(keyPoll)
	defer tick.Stop()
	var seen core.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg := <-changes:
			var n event.Notice
			if json.Unmarshal([]byte(msg), &n) == nil && n.Type.ChangesAccess() {
				s.keys.clear()
			}
		case <-tick.C:
			var last core.Time
			err := s.store.View(ctx, func(tx store.Tx) (err error) { last, err = tx.LastKeyChange(ctx); return err })
			if err == nil && last != seen {
				if !seen.IsZero() || !last.IsZero() {
					s.keys.clear()
				}
				seen = last
			}
		}
	}
}
