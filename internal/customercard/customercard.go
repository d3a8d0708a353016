// Package customercard defines customer cards: configurations ("ccc_") of
// the team's HTTPS endpoints that answer, for a customer (and a thread),
// cards made of UI components, and the card instances ("cci_") Threadline
// caches from their answers. The wire protocol (what is sent, what an
// answer must look like) is in protocol.go; fetching is not done here.
package customercard

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Limits Plain documents for customer card configs.
const (
	MaxConfigs        = 25
	MaxTitleLength    = 500
	MaxKeyLength      = 500
	MaxURLLength      = 600
	MaxHeaders        = 20
	MaxHeaderName     = 100
	MaxHeaderValue    = 500
	MinTTLSeconds     = 15
	MaxTTLSeconds     = 31_536_000
	MaxOrder          = 100_000
	DefaultOrder      = 100_000
	ErrorCacheSeconds = 5 * 60 // how long a failed load is shown before the next access loads again
)

// Error codes of customer card configs.
const (
	CodeTooManyConfigs = "too_many_customer_card_configs"
	CodeKeyTaken       = "customer_card_config_key_already_exists"
)

// Header is one header sent with every request of a config.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Config is a customer card config. Keys are unique within a workspace.
type Config struct {
	ID                string
	WorkspaceID       string
	Title             string
	Key               string
	DefaultTTLSeconds int
	APIURL            string
	APIHeaders        []Header
	Order             int
	IsEnabled         bool
	CreatedAt         core.Time
	CreatedBy         core.Actor
	UpdatedAt         core.Time
	UpdatedBy         core.Actor
}

// CreateInput is createCustomerCardConfig's input.
type CreateInput struct {
	Title             string
	Key               string
	DefaultTTLSeconds int
	APIURL            string
	APIHeaders        []Header
}

// UpdateInput is updateCustomerCardConfig's input: nil fields stay
// unchanged; APIHeaders, when not nil, replaces the list.
type UpdateInput struct {
	ID                string
	Title             *string
	Key               *string
	DefaultTTLSeconds *int
	APIURL            *string
	APIHeaders        *[]Header
	Order             *int
	IsEnabled         *bool
}

// ChangesAPIDetails reports whether the update touches the URL or headers,
// which needs a permission of its own.
func (in UpdateInput) ChangesAPIDetails() bool { return in.APIURL != nil || in.APIHeaders != nil }

var keyRe = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

func checkTitle(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len([]rune(s)) > MaxTitleLength:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", MaxTitleLength))
	}
	return s
}

func checkKey(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.Required(field)
	case len(s) > MaxKeyLength:
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", MaxKeyLength))
	case !keyRe.MatchString(s):
		c.Invalid(field, "A key may contain only letters, digits, '-' and '_'")
	}
	return s
}

func checkTTL(c *core.Collector, field string, n int) {
	if n < MinTTLSeconds || n > MaxTTLSeconds {
		c.Invalid(field, fmt.Sprintf("Must be between %d and %d seconds", MinTTLSeconds, MaxTTLSeconds))
	}
}

// CheckURL reports why raw cannot be a card API URL: it must be an
// absolute https URL of at most MaxURLLength characters; plain http is
// refused, as Plain refuses it.
func CheckURL(raw string) string {
	if len(raw) > MaxURLLength {
		return fmt.Sprintf("String must contain at most %d character(s)", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return "Must be a valid URL"
	}
	if u.Scheme != "https" {
		return "Must start with https://"
	}
	return ""
}

func checkAPIURL(c *core.Collector, field, s string) string {
	s = strings.TrimSpace(s)
	if msg := CheckURL(s); msg != "" {
		c.Invalid(field, msg)
	}
	return s
}

func checkHeaders(c *core.Collector, field string, hs []Header) []Header {
	if len(hs) > MaxHeaders {
		c.Invalid(field, fmt.Sprintf("Array must contain at most %d element(s)", MaxHeaders))
		return hs
	}
	out := make([]Header, 0, len(hs))
	seen := map[string]bool{}
	for i, h := range hs {
		p := fmt.Sprintf("%s.%d", field, i)
		name, value := strings.TrimSpace(h.Name), strings.TrimSpace(h.Value)
		switch {
		case name == "" || len(name) > MaxHeaderName || strings.ContainsAny(name, " :\r\n\t"):
			c.Invalid(p+".name", fmt.Sprintf("Must be a header name of 1 to %d characters", MaxHeaderName))
		case seen[strings.ToLower(name)]:
			c.Invalid(p+".name", "Header "+name+" is given twice")
		}
		seen[strings.ToLower(name)] = true
		if value == "" || len(value) > MaxHeaderValue || strings.ContainsAny(value, "\r\n") {
			c.Invalid(p+".value", fmt.Sprintf("Must be 1 to %d characters on one line", MaxHeaderValue))
		}
		out = append(out, Header{Name: name, Value: value})
	}
	return out
}

// New validates a create input and returns the new config: enabled, at
// the default order (after every other).
func New(workspaceID string, in CreateInput, at core.Time, by core.Actor) (Config, error) {
	var c core.Collector
	cfg := Config{ID: core.NewID(core.PrefixCardConfig), WorkspaceID: workspaceID, Order: DefaultOrder, IsEnabled: true,
		DefaultTTLSeconds: in.DefaultTTLSeconds, CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	cfg.Title = checkTitle(&c, "title", in.Title)
	cfg.Key = checkKey(&c, "key", in.Key)
	checkTTL(&c, "defaultTimeToLiveSeconds", in.DefaultTTLSeconds)
	cfg.APIURL = checkAPIURL(&c, "apiUrl", in.APIURL)
	cfg.APIHeaders = checkHeaders(&c, "apiHeaders", in.APIHeaders)
	return cfg, c.Err()
}

// Apply validates an update and returns cfg changed.
func (cfg Config) Apply(in UpdateInput, at core.Time, by core.Actor) (Config, error) {
	var c core.Collector
	n := cfg
	if in.Title != nil {
		n.Title = checkTitle(&c, "title.value", *in.Title)
	}
	if in.Key != nil {
		n.Key = checkKey(&c, "key.value", *in.Key)
	}
	if in.DefaultTTLSeconds != nil {
		checkTTL(&c, "defaultTimeToLiveSeconds.value", *in.DefaultTTLSeconds)
		n.DefaultTTLSeconds = *in.DefaultTTLSeconds
	}
	if in.APIURL != nil {
		n.APIURL = checkAPIURL(&c, "apiUrl.value", *in.APIURL)
	}
	if in.APIHeaders != nil {
		n.APIHeaders = checkHeaders(&c, "apiHeaders", *in.APIHeaders)
	}
	if in.Order != nil {
		if *in.Order < 0 || *in.Order > MaxOrder {
			c.Invalid("order.value", fmt.Sprintf("Must be between 0 and %d", MaxOrder))
		}
		n.Order = *in.Order
	}
	if in.IsEnabled != nil {
		n.IsEnabled = *in.IsEnabled
	}
	if err := c.Err(); err != nil {
		return cfg, err
	}
	n.UpdatedAt, n.UpdatedBy = at, by
	return n, nil
}

// SameEndpoint reports whether two configs are loaded by one request:
// the same URL and the same headers (names compared case-insensitively).
func (cfg Config) SameEndpoint(o Config) bool { return cfg.endpoint() == o.endpoint() }

func (cfg Config) endpoint() string {
	hs := make([]string, len(cfg.APIHeaders))
	for i, h := range cfg.APIHeaders {
		hs[i] = strings.ToLower(h.Name) + ":" + h.Value
	}
	slices.Sort(hs)
	return cfg.APIURL + "\n" + strings.Join(hs, "\n")
}
