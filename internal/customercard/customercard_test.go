package customercard

import (
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/core"
)

func TestNewConfig(t *testing.T) {
	at := core.FromMillis(1)
	good := CreateInput{Title: "Usage", Key: "usage_1", DefaultTTLSeconds: 60, APIURL: "https://cards.example.com/u",
		APIHeaders: []Header{{Name: "Authorization", Value: "Bearer x"}}}
	c, err := New("w_1", good, at, core.SystemActor)
	if err != nil || c.Order != DefaultOrder || !c.IsEnabled || c.Key != "usage_1" {
		t.Fatalf("New = %+v, %v", c, err)
	}
	for name, in := range map[string]CreateInput{
		"http URL":       {Title: "T", Key: "k", DefaultTTLSeconds: 60, APIURL: "http://cards.example.com"},
		"no host":        {Title: "T", Key: "k", DefaultTTLSeconds: 60, APIURL: "https:///x"},
		"long URL":       {Title: "T", Key: "k", DefaultTTLSeconds: 60, APIURL: "https://x.io/" + strings.Repeat("a", 600)},
		"bad key":        {Title: "T", Key: "a key", DefaultTTLSeconds: 60, APIURL: "https://x.io"},
		"short TTL":      {Title: "T", Key: "k", DefaultTTLSeconds: 14, APIURL: "https://x.io"},
		"no title":       {Title: " ", Key: "k", DefaultTTLSeconds: 60, APIURL: "https://x.io"},
		"header twice":   {Title: "T", Key: "k", DefaultTTLSeconds: 60, APIURL: "https://x.io", APIHeaders: []Header{{"A", "1"}, {"a", "2"}}},
		"header newline": {Title: "T", Key: "k", DefaultTTLSeconds: 60, APIURL: "https://x.io", APIHeaders: []Header{{"A", "1\r\nB: 2"}}},
	} {
		if _, err := New("w_1", in, at, core.SystemActor); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	o := c
	o.APIHeaders = []Header{{Name: "authorization", Value: "Bearer x"}}
	if !c.SameEndpoint(o) {
		t.Error("header names are not compared case-insensitively")
	}
	o.APIHeaders[0].Value = "Bearer y"
	if c.SameEndpoint(o) {
		t.Error("different header values share an endpoint")
	}
}

func TestOutcomes(t *testing.T) {
	keys := []string{"a", "b"}
	ttls := map[string]int{"a": 60, "b": 90}
	kind := func(o Outcome) ErrorKind {
		if o.Error == nil {
			return ""
		}
		return o.Error.Kind
	}
	for name, c := range map[string]struct {
		reply Reply
		want  [2]ErrorKind
		ttlA  int
	}{
		"both":      {Reply{StatusCode: 200, Body: []byte(`{"cards":[{"key":"a","timeToLiveSeconds":30,"components":[{"componentText":{"text":"x"}}]},{"key":"b","components":null}]}`)}, [2]ErrorKind{}, 30},
		"one":       {Reply{StatusCode: 200, Body: []byte(`{"cards":[{"key":"b","components":[]}]}`)}, [2]ErrorKind{ErrMissingCard, ""}, 0},
		"status":    {Reply{StatusCode: 503}, [2]ErrorKind{ErrStatusCode, ErrStatusCode}, 0},
		"redirect":  {Reply{StatusCode: 302}, [2]ErrorKind{ErrStatusCode, ErrStatusCode}, 0},
		"malformed": {Reply{StatusCode: 200, Body: []byte(`{"cards":`)}, [2]ErrorKind{ErrResponseBody, ErrResponseBody}, 0},
		"no cards":  {Reply{StatusCode: 200, Body: []byte(`{}`)}, [2]ErrorKind{ErrResponseBody, ErrResponseBody}, 0},
		"bad TTL":   {Reply{StatusCode: 200, Body: []byte(`{"cards":[{"key":"a","timeToLiveSeconds":1.5},{"key":"b","timeToLiveSeconds":5}]}`)}, [2]ErrorKind{ErrResponseBody, ErrResponseBody}, 0},
		"bad parts": {Reply{StatusCode: 200, Body: []byte(`{"cards":[{"key":"a","components":[{"componentText":{}}]},{"key":"b","components":"x"}]}`)}, [2]ErrorKind{ErrResponseBody, ErrResponseBody}, 0},
		"failure":   {Reply{Failure: &ErrorDetail{Kind: ErrTimeout, TimeoutSeconds: 15}}, [2]ErrorKind{ErrTimeout, ErrTimeout}, 0},
		"too big":   {Reply{Failure: &ErrorDetail{Kind: ErrCardTooBig, SizeBytes: 9, MaxSizeBytes: 8}}, [2]ErrorKind{ErrCardTooBig, ErrCardTooBig}, 0},
	} {
		got := Outcomes(keys, ttls, c.reply)
		if kind(got["a"]) != c.want[0] || kind(got["b"]) != c.want[1] {
			t.Errorf("%s: a %q, b %q; want %q", name, kind(got["a"]), kind(got["b"]), c.want)
		}
		if c.ttlA != 0 && got["a"].TTLSeconds != c.ttlA {
			t.Errorf("%s: a's TTL %d, want %d", name, got["a"].TTLSeconds, c.ttlA)
		}
		if c.want[1] == ErrCardTooBig && got["b"].Error.CardKey != "b" {
			t.Errorf("%s: CARD_TOO_BIG names card %q", name, got["b"].Error.CardKey)
		}
	}
	both := Outcomes(keys, ttls, Reply{StatusCode: 200, Body: []byte(`{"cards":[{"key":"a"},{"key":"b"}]}`)})
	cfg := Config{ID: "ccc_1", WorkspaceID: "w_1", DefaultTTLSeconds: 90}
	at := core.FromMillis(1_000_000)
	if i := NewInstance(cfg, "c_1", nil, both["b"], at, core.SystemActor); i.State != StateLoaded || i.ExpiresAt.Millis() != at.Millis()+90_000 {
		t.Errorf("loaded instance: %+v", i)
	}
	failed := NewInstance(cfg, "c_1", nil, Outcome{Error: &ErrorDetail{Kind: ErrUnknown}}, at, core.SystemActor)
	if failed.State != StateError || failed.ExpiresAt.Millis() != at.Millis()+ErrorCacheSeconds*1000 || !failed.Fresh(at) {
		t.Errorf("failed instance: %+v", failed)
	}
}

func TestSign(t *testing.T) {
	// The SDK's test vector for webhooks (secret "secret", body "hello-world").
	if got := Sign("secret", []byte("hello-world")); got != "1bff4699de4fb5202a4b1e6cefd7b5fdfb02d19a67a1eb371dd417a45b0a47df" {
		t.Errorf("Sign = %s", got)
	}
}
