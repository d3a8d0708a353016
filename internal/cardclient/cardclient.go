// Package cardclient requests customer cards from the teams' card APIs
// over HTTPS: under the outbound address policy (netguard: private,
// loopback and link-local addresses refused when connecting, whatever the
// name resolved to), with a time limit, no redirects, no proxy, and a
// limit on the size of the answer read. It implements service.CardFetcher.
package cardclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/netguard"
)

// UserAgent is sent with every card request.
const UserAgent = "Threadline-Customer-Cards/1.0"

// Options configure a Client.
type Options struct {
	// Timeout bounds a whole request, answer included.
	Timeout time.Duration
	// MaxResponseBytes bounds the answer read; a longer one fails its
	// cards with CARD_TOO_BIG.
	MaxResponseBytes int64
	// AllowPrivate lets requests reach private, loopback and link-local
	// addresses (tests, self-hosted card APIs on the same network).
	AllowPrivate bool
	// RootCAs, when set, replaces the system's certificate authorities.
	RootCAs *x509.CertPool
}

// Client sends card requests.
type Client struct {
	http *http.Client
	opt  Options
}

// New returns a Client.
func New(opt Options) *Client {
	dialer := &net.Dialer{Timeout: opt.Timeout, Control: netguard.Guard(opt.AllowPrivate)}
	tr := &http.Transport{
		Proxy:               nil, // a proxy would dial for us, past the guard
		DialContext:         dialer.DialContext,
		TLSClientConfig:     &tls.Config{RootCAs: opt.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: opt.Timeout,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Client{opt: opt, http: &http.Client{Transport: tr, Timeout: opt.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Fetch sends call and reads the answer; a failure to get a complete
// answer is reported in the reply, never as a Go error.
func (c *Client) Fetch(ctx context.Context, call customercard.Call) customercard.Reply {
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, call.URL, bytes.NewReader(call.Body))
	if err != nil {
		return failure(customercard.ErrRequest, "invalid_url", "The card API URL cannot be requested.")
	}
	for _, h := range call.Headers {
		req.Header.Set(h.Name, h.Value)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Plain-Request-Signature", call.Signature)
	resp, err := c.http.Do(req)
	if err != nil {
		return c.requestFailure(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opt.MaxResponseBytes+1))
	if err != nil {
		return c.requestFailure(err)
	}
	if int64(len(body)) > c.opt.MaxResponseBytes {
		size := resp.ContentLength
		if size < int64(len(body)) {
			size = int64(len(body))
		}
		return customercard.Reply{Failure: &customercard.ErrorDetail{Kind: customercard.ErrCardTooBig,
			SizeBytes: clampInt(size), MaxSizeBytes: clampInt(c.opt.MaxResponseBytes),
			Message: fmt.Sprintf("The card API answered more than %d bytes.", c.opt.MaxResponseBytes)}}
	}
	return customercard.Reply{StatusCode: resp.StatusCode, Body: body}
}

// requestFailure classifies an error of sending or reading.
func (c *Client) requestFailure(err error) customercard.Reply {
	var blocked *netguard.BlockedError
	var ne net.Error
	switch {
	case errors.As(err, &blocked):
		return failure(customercard.ErrRequest, "blocked_address",
			"The card API's address is private, loopback or link-local, which this server may not reach.")
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		secs := int(math.Ceil(c.opt.Timeout.Seconds()))
		return customercard.Reply{Failure: &customercard.ErrorDetail{Kind: customercard.ErrTimeout, TimeoutSeconds: secs,
			Message: fmt.Sprintf("The card API did not answer within %d seconds.", secs)}}
	}
	var tlsErr *tls.CertificateVerificationError
	if errors.As(err, &tlsErr) {
		return failure(customercard.ErrRequest, "tls_verification_failed", "The card API's TLS certificate is not trusted.")
	}
	return failure(customercard.ErrRequest, "request_failed", "The card API could not be reached.")
}

func failure(kind customercard.ErrorKind, code, msg string) customercard.Reply {
	return customercard.Reply{Failure: &customercard.ErrorDetail{Kind: kind, ErrorCode: code, Message: msg}}
}

func clampInt(n int64) int {
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n)
}
