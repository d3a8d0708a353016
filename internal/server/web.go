package server

import (
	"context"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/graph"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/web"
)

// newWebHandler builds the agent web app, served at "/" beside the API:
// its sign-ins limited by opts.LoginLimit, its cookies Secure when the
// public URL is https.
func newWebHandler(svc *service.Service, log *slog.Logger, opts Options) (*web.Handler, error) {
	wo := web.Options{SecureCookies: strings.HasPrefix(opts.PublicURL, "https://"),
		AttachmentDownloadPath: graph.AttachmentDownloadPath, Context: opts.Context}
	if lim := opts.LoginLimit; lim != nil {
		wo.LoginLimit = func(ctx context.Context, key string) (bool, time.Duration, error) {
			d, err := lim.Take(ctx, key)
			if err != nil {
				return true, 0, err
			}
			if !d.Allowed {
				opts.Metrics.RateLimited("login")
			}
			return d.Allowed, time.Duration(math.Max(1, time.Until(d.Reset).Seconds())) * time.Second, nil
		}
	}
	return web.New(svc, log, wo)
}
