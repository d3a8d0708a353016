package sqldb

import (
	"context"

	"github.com/threadline/threadline/internal/core"
)

// LastRevocation returns when the most recent revocation of any key of any
// workspace happened (zero for none): a cheap poll that tells caches of
// keys whether to empty themselves.
func (t *Tx) LastRevocation(ctx context.Context) (core.Time, error) {
	var ms int64
	err := t.row(ctx, `SELECT COALESCE(MAX(revoked_at), 0) FROM api_keys`).Scan(&ms)
	return core.FromMillis(ms), t.wrap(err)
}
