package sqldb

import (
	"slices"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/tier"
	"github.com/threadline/threadline/internal/webhook"
)

// readCache holds the workspace configuration a transaction has read
// (webhook targets, thread field schemas, label types, the default tier),
// which every createThread and every event reads again: a group-commit
// transaction reads each once for all its requests.
//
// Caching across the requests of one batch is sound: a request joins a
// batch before the batch's first statement runs, so whatever a write
// acknowledged before the request was made had committed before the cache
// was filled. Every statement t runs at once (exec: any write but the
// deferred inserts, which touch none of these tables) empties the cache,
// and so does a request's rollback (Rewind): these tables are written
// through exec only.
type readCache struct {
	targets    map[string][]webhook.Target      // by workspace
	schemas    map[string][]field.Schema        // by workspace
	labelTypes map[string]map[string]label.Type // by workspace, then id
	noType     map[string]map[string]bool       // ids read and not found, by workspace
	defTier    map[string]*tier.Tier            // by workspace; nil: the workspace has none
}

// forget empties the cache.
func (c *readCache) forget() { *c = readCache{} }

func (c *readCache) getTargets(ws string) ([]webhook.Target, bool) {
	ts, ok := c.targets[ws]
	return slices.Clone(ts), ok
}

func (c *readCache) putTargets(ws string, ts []webhook.Target) {
	if c.targets == nil {
		c.targets = map[string][]webhook.Target{}
	}
	c.targets[ws] = slices.Clone(ts)
}

func (c *readCache) getSchemas(ws string) ([]field.Schema, bool) {
	fs, ok := c.schemas[ws]
	return slices.Clone(fs), ok
}

func (c *readCache) putSchemas(ws string, fs []field.Schema) {
	if c.schemas == nil {
		c.schemas = map[string][]field.Schema{}
	}
	c.schemas[ws] = slices.Clone(fs)
}

// getLabelTypes returns the label types of ids that exist, in the order of
// ids, if every id was read before.
func (c *readCache) getLabelTypes(ws string, ids []string) ([]label.Type, bool) {
	var out []label.Type
	seen := map[string]bool{}
	for _, id := range ids {
		if l, ok := c.labelTypes[ws][id]; ok {
			if !seen[id] {
				seen[id] = true
				out = append(out, l)
			}
		} else if !c.noType[ws][id] {
			return nil, false
		}
	}
	return out, true
}

// putLabelTypes keeps what reading ids found.
func (c *readCache) putLabelTypes(ws string, ids []string, found []label.Type) {
	if c.labelTypes == nil {
		c.labelTypes, c.noType = map[string]map[string]label.Type{}, map[string]map[string]bool{}
	}
	if c.labelTypes[ws] == nil {
		c.labelTypes[ws], c.noType[ws] = map[string]label.Type{}, map[string]bool{}
	}
	for _, id := range ids {
		c.noType[ws][id] = true
	}
	for _, l := range found {
		delete(c.noType[ws], l.ID)
		c.labelTypes[ws][l.ID] = l
	}
}

// getDefaultTier returns the default tier read for ws (nil: none), and
// whether it was read.
func (c *readCache) getDefaultTier(ws string) (*tier.Tier, bool) {
	t, ok := c.defTier[ws]
	return cloneTier(t), ok
}

// putDefaultTier keeps the default tier read for ws (nil: none).
func (c *readCache) putDefaultTier(ws string, t *tier.Tier) {
	if c.defTier == nil {
		c.defTier = map[string]*tier.Tier{}
	}
	c.defTier[ws] = cloneTier(t)
}

// cloneTier copies t and what its pointers point to.
func cloneTier(t *tier.Tier) *tier.Tier {
	if t == nil {
		return nil
	}
	c := *t
	if t.ExternalID != nil {
		c.ExternalID = core.Ptr(*t.ExternalID)
	}
	if t.DeletedAt != nil {
		c.DeletedAt = core.Ptr(*t.DeletedAt)
	}
	if t.DeletedBy != nil {
		c.DeletedBy = core.Ptr(*t.DeletedBy)
	}
	return &c
}
