package sqldb

import (
	"context"

	"github.com/threadline/threadline/internal/core"
)

// LastKeyChange returns when the most recent revocation or change of any
// key of any workspace happened (zero for none): a cheap poll that tells
// caches of keys whether to empty themselves.
func (t *Tx) LastKeyChange(ctx context.Context) (core.Time, error) {
	var revoked, updated int64
	err := t.row(ctx, `SELECT COALESCE(MAX(revoked_at), 0), COALESCE(MAX(updated_at), 0) FROM api_keys`).Scan(&revoked, &updated)
	return core.FromMillis(max(revoked, updated)), t.wrap(err)
}
