package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/threadline/threadline/internal/metrics"
	"github.com/threadline/threadline/internal/ratelimit"
)

// Options tune a server; the zero value is a server without a rate limit.
type Options struct {
	// RequestTimeout bounds the work of one request; its context also ends
	// when the client goes away, and resolvers and SQL stop with it.
	RequestTimeout time.Duration
	// RateLimit, when set, limits each workspace's API-key requests.
	RateLimit *ratelimit.Limiter
	// Metrics, when set, records requests and refusals.
	Metrics *metrics.Metrics
	// PublicURL is the URL clients reach the server at, which attachment
	// upload and download links start with; empty means the scheme and
	// host of each request. An https one makes the web app's session
	// cookie Secure on every request.
	PublicURL string
	// LoginLimit, when set, limits the web app's sign-in attempts per
	// client address and per email.
	LoginLimit *ratelimit.Limiter
	// Context bounds the server's background work (the web app's live
	// updates); nil means none.
	Context context.Context
}

func (o Options) withDefaults() Options {
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	return o
}

// rateLimitedBody is the body Plain answers a request over the limit with.
const rateLimitedBody = `{"errors":[{"message":"Too Many Requests - Rate limit exceeded","extensions":{"code":"RATE_LIMITED"}}]}`

// allow counts a request of workspace against the rate limit and sets
// Plain's headers; over the limit it answers 429 and reports false. A
// failing limiter lets the request through (and logs): the limit protects
// the server, it is not worth refusing every request for.
func (h *graphQLHandler) allow(w http.ResponseWriter, r *http.Request, workspace string) bool {
	if h.opts.RateLimit == nil {
		return true
	}
	d, err := h.opts.RateLimit.Take(r.Context(), workspace)
	if err != nil {
		h.log.WarnContext(r.Context(), "rate limiter failed; request let through", "err", err)
		return true
	}
	hd := w.Header()
	hd.Set("X-Ratelimit-Limit", strconv.FormatUint(d.Limit, 10))
	hd.Set("X-Ratelimit-Remaining", strconv.FormatUint(d.Remaining, 10))
	hd.Set("X-Ratelimit-Reset", d.Reset.UTC().Format("2006-01-02T15:04:05.000Z"))
	if d.Allowed {
		return true
	}
	wait := max(1, int(math.Ceil(time.Until(d.Reset).Seconds())))
	hd.Set("Retry-After", strconv.Itoa(wait))
	hd.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprint(w, rateLimitedBody)
	setLogAttr(r.Context(), "rate_limited", true)
	h.opts.Metrics.RateLimited("api")
	return false
}
