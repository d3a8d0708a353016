package customercard

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
)

// State is what became of the last load of a card.
type State string

// The states a stored card instance can be in.
const (
	StateLoaded State = "LOADED"
	StateError  State = "ERROR"
)

// ErrorKind says why a card failed to load, one kind per member of Plain's
// CustomerCardInstanceErrorDetail union.
type ErrorKind string

// The kinds of load failure.
const (
	ErrTimeout      ErrorKind = "TIMEOUT"       // no complete answer within the timeout
	ErrStatusCode   ErrorKind = "STATUS_CODE"   // an answer that is not 2xx
	ErrResponseBody ErrorKind = "RESPONSE_BODY" // an answer that is not the protocol's JSON
	ErrCardTooBig   ErrorKind = "CARD_TOO_BIG"  // an answer over the size limit
	ErrMissingCard  ErrorKind = "MISSING_CARD"  // an answer without the card
	ErrRequest      ErrorKind = "REQUEST"       // no answer: refused address, network error
	ErrUnknown      ErrorKind = "UNKNOWN"
)

// ErrorDetail describes a failed load; which fields are set depends on
// Kind. Its JSON is how instances store it.
type ErrorDetail struct {
	Kind           ErrorKind `json:"kind"`
	Message        string    `json:"message"`
	StatusCode     int       `json:"statusCode,omitempty"`
	TimeoutSeconds int       `json:"timeoutSeconds,omitempty"`
	SizeBytes      int       `json:"sizeBytes,omitempty"`
	MaxSizeBytes   int       `json:"maxSizeBytes,omitempty"`
	ErrorCode      string    `json:"errorCode,omitempty"`
	CardKey        string    `json:"cardKey,omitempty"`
}

// Instance is the cached result of the last load of one card for one
// customer (and thread): loaded components or an error, until ExpiresAt.
type Instance struct {
	ID          string
	WorkspaceID string
	ConfigID    string
	CustomerID  string
	ThreadID    *string
	State       State
	// Components are the card's components when loaded; nil when the API
	// returned the card without components.
	Components []component.Component
	Error      *ErrorDetail
	LoadedAt   core.Time
	ExpiresAt  core.Time
	CreatedAt  core.Time
	CreatedBy  core.Actor
	UpdatedAt  core.Time
	UpdatedBy  core.Actor
}

// Fresh reports whether the instance may still be shown at now.
func (i Instance) Fresh(now core.Time) bool { return now.Millis() < i.ExpiresAt.Millis() }

// Request is the JSON body sent to a card API: the keys of the cards
// wanted, the customer, and the thread and its tenant when there is one.
type Request struct {
	CardKeys []string        `json:"cardKeys"`
	Customer RequestCustomer `json:"customer"`
	Thread   *RequestRef     `json:"thread"`
	Tenant   *RequestRef     `json:"tenant"`
}

// RequestCustomer is the customer of a Request.
type RequestCustomer struct {
	ID         string  `json:"id"`
	Email      string  `json:"email"`
	ExternalID *string `json:"externalId"`
}

// RequestRef is a thread or tenant of a Request.
type RequestRef struct {
	ID         string  `json:"id"`
	ExternalID *string `json:"externalId"`
}

// Call is one request to a card API.
type Call struct {
	URL     string
	Headers []Header
	Body    []byte
	// Signature is the lower-case hex HMAC-SHA256 of Body with the
	// workspace secret, sent as Plain-Request-Signature.
	Signature string
}

// Reply is what a card API answered to a Call. Failure is set when there
// was no complete answer (a timeout, an answer over the size limit, a
// refused address or a network error); otherwise StatusCode and Body are.
type Reply struct {
	StatusCode int
	Body       []byte
	Failure    *ErrorDetail
}

// Outcome is what one load gave one card: components and the seconds to
// keep them, or an error.
type Outcome struct {
	Components []component.Component
	TTLSeconds int
	Error      *ErrorDetail
}

// response is the JSON a card API answers.
type response struct {
	Cards *[]responseCard `json:"cards"`
}

type responseCard struct {
	Key               *string         `json:"key"`
	TimeToLiveSeconds *json.Number    `json:"timeToLiveSeconds"`
	Components        json.RawMessage `json:"components"`
}

// Outcomes reads reply as the answer for the cards of keys, each with its
// config's default TTL (in ttls). Every key gets an outcome: the answer's
// failure, its status, its malformed body, or the card it holds (or
// MISSING_CARD), with components validated as UI components and a TTL
// between MinTTLSeconds and MaxTTLSeconds.
func Outcomes(keys []string, ttls map[string]int, reply Reply) map[string]Outcome {
	out := make(map[string]Outcome, len(keys))
	fail := func(d ErrorDetail) map[string]Outcome {
		for _, k := range keys {
			e := d
			if e.Kind == ErrCardTooBig {
				e.CardKey = k
			}
			out[k] = Outcome{Error: &e}
		}
		return out
	}
	switch {
	case reply.Failure != nil:
		return fail(*reply.Failure)
	case reply.StatusCode < 200 || reply.StatusCode > 299:
		return fail(ErrorDetail{Kind: ErrStatusCode, StatusCode: reply.StatusCode,
			Message: fmt.Sprintf("The card API answered with HTTP status %d.", reply.StatusCode)})
	}
	var r response
	if err := json.Unmarshal(reply.Body, &r); err != nil || r.Cards == nil {
		return fail(ErrorDetail{Kind: ErrResponseBody, Message: "The card API did not answer with JSON of the form {\"cards\": [...]}."})
	}
	byKey := map[string]responseCard{}
	for _, c := range *r.Cards {
		if c.Key != nil {
			if _, dup := byKey[*c.Key]; !dup {
				byKey[*c.Key] = c
			}
		}
	}
	for _, k := range keys {
		c, ok := byKey[k]
		if !ok {
			out[k] = Outcome{Error: &ErrorDetail{Kind: ErrMissingCard, CardKey: k,
				Message: fmt.Sprintf("The card API's answer has no card with key %q.", k)}}
			continue
		}
		out[k] = readCard(c, ttls[k])
	}
	return out
}

// readCard checks one card of an answer.
func readCard(c responseCard, defaultTTL int) Outcome {
	bad := func(msg string) Outcome { return Outcome{Error: &ErrorDetail{Kind: ErrResponseBody, Message: msg}} }
	o := Outcome{TTLSeconds: defaultTTL}
	if c.TimeToLiveSeconds != nil {
		n, err := c.TimeToLiveSeconds.Int64()
		if err != nil || n < MinTTLSeconds || n > MaxTTLSeconds {
			return bad(fmt.Sprintf("timeToLiveSeconds must be a whole number between %d and %d.", MinTTLSeconds, MaxTTLSeconds))
		}
		o.TTLSeconds = int(n)
	}
	if len(c.Components) == 0 || string(c.Components) == "null" {
		return o
	}
	cs, err := component.Unmarshal(c.Components)
	if err != nil {
		return bad("components must be a list of UI components.")
	}
	if len(cs) == 0 { // a card without components, as Plain shows it: null
		return o
	}
	if err := component.Validate("components", cs); err != nil {
		e, _ := core.AsError(err)
		msg := "components are not valid UI components"
		if e != nil && len(e.Fields) > 0 {
			msg += fmt.Sprintf(": %s: %s", e.Fields[0].Field, e.Fields[0].Message)
		}
		return bad(msg + ".")
	}
	o.Components = component.Normalize(cs)
	return o
}

// NewInstance is the instance one load's outcome makes of a card, kept
// for the outcome's TTL, or ErrorCacheSeconds after a failure.
func NewInstance(cfg Config, customerID string, threadID *string, o Outcome, at core.Time, by core.Actor) Instance {
	i := Instance{ID: core.NewID(core.PrefixCardInstance), WorkspaceID: cfg.WorkspaceID, ConfigID: cfg.ID,
		CustomerID: customerID, ThreadID: threadID, State: StateLoaded, Components: o.Components, LoadedAt: at,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, UpdatedBy: by}
	ttl := o.TTLSeconds
	if o.Error != nil {
		i.State, i.Error, i.Components, ttl = StateError, o.Error, nil, ErrorCacheSeconds
	}
	i.ExpiresAt = core.FromMillis(at.Millis() + int64(ttl)*1000)
	return i
}

// Marshal encodes a request body.
func Marshal(r Request) ([]byte, error) {
	if r.CardKeys == nil {
		r.CardKeys = []string{}
	}
	return json.Marshal(r)
}

// Sign is the Plain-Request-Signature of a body: the lower-case hex
// HMAC-SHA256 of it with the workspace secret, as webhooks are signed.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
