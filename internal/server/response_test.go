package server

import (
	"encoding/json"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestResponseBodyAsMarshaled: a response is written with the bytes that
// encoding/json gives the response object, data included (HTML-safe
// escapes and all), without encoding data again.
func TestResponseBodyAsMarshaled(t *testing.T) {
	type marshaled struct {
		Errors []wireError      `json:"errors,omitempty"`
		Data   *json.RawMessage `json:"data,omitempty"`
	}
	errs := []wireError{{Message: "a <b> & c", Locations: []wireLocation{}, Path: ast.Path{ast.PathName("threads"), ast.PathIndex(0)},
		Extensions: map[string]any{"code": "FORBIDDEN"}}}
	for _, data := range []json.RawMessage{
		nil,
		json.RawMessage(`null`),
		json.RawMessage(`{"threads":{"edges":[{"node":{"title":"plain","n":1.5e3,"ok":true,"x":null}}]}}`),
		json.RawMessage(`{"t":"<script>&amp;</script> \u2028\u2029 é \"q\" \\u003c"}`),
		json.RawMessage(`{"t":"… é"}`),
		json.RawMessage("{\"t\":\"a\u2028b\u2029c <\"}"),
	} {
		for _, es := range [][]wireError{nil, errs} {
			m := marshaled{Errors: es}
			if data != nil {
				m.Data = &data
			}
			want, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := responseBody(data, es)
			if err != nil || string(got) != string(want) {
				t.Errorf("data %s, %d errors:\n got %s, %v\nwant %s", data, len(es), got, err, want)
			}
		}
	}
}
