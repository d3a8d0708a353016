package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// APIClient sends GraphQL requests to one endpoint (…/graphql/v1) with an
// API key. It talks to that URL only.
type APIClient struct {
	HTTP *http.Client
	URL  string
	Key  string
}

// GraphQLError is one entry of a response's "errors".
type GraphQLError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// MutationError is Plain's MutationError, as selected by this package.
type MutationError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    string `json:"code"`
	Fields  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"fields"`
}

func (e *MutationError) Error() string {
	s := fmt.Sprintf("mutation error %s (%s): %s", e.Type, e.Code, e.Message)
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return s
}

// mutationErrorFields is the selection of MutationError every mutation here uses.
const mutationErrorFields = `error { message type code fields { field message type } }`

// Do posts query with variables and decodes "data" into out. It fails on a
// non-200 status, on any entry in "errors", or on undecodable JSON.
func (c *APIClient) Do(ctx context.Context, query string, variables, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Key)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []GraphQLError  `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("HTTP %d, body is not JSON: %.200s", resp.StatusCode, raw)
	}
	if len(env.Errors) > 0 {
		e := env.Errors[0]
		return fmt.Errorf("HTTP %d: %s (%s)", resp.StatusCode, e.Message, e.Extensions.Code)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("decoding data: %w", err)
		}
	}
	return nil
}

// CreateThreadMutation is the createThread mutation the load generator
// sends, written as Plain's API reference shows it (thread fields plus the
// MutationError selection), with the labels and thread fields of the new
// thread selected so that the response exercises their resolvers too.
const CreateThreadMutation = `mutation createThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    thread {
      id
      ref
      externalId
      customer { id }
      status
      statusChangedAt { iso8601 }
      title
      description
      previewText
      priority
      labels { id labelType { id name } }
      threadFields { id key type stringValue }
      createdAt { iso8601 }
    }
    ` + mutationErrorFields + `
  }
}`

// CreateThreads is the createThread scenario: one customer, one label type
// and one STRING thread field schema made at set-up with names unique to the
// run, then threads with one text component, that label and that field.
type CreateThreads struct {
	c           *APIClient
	CustomerID  string
	LabelTypeID string
	FieldKey    string
	seq         atomic.Int64
}

// NewCreateThreads creates the scenario's customer, label type and field
// schema through the API. The key needs customer:create, customer:edit,
// labelType:create, threadFieldSchema:create, thread:create, thread:read and
// the read permissions of the selected fields ("all" covers them).
func NewCreateThreads(ctx context.Context, c *APIClient) (*CreateThreads, error) {
	suffix := runSuffix()
	s := &CreateThreads{c: c, FieldKey: "bench_" + suffix}
	var cust struct {
		UpsertCustomer struct {
			Customer *struct{ ID string } `json:"customer"`
			Error    *MutationError       `json:"error"`
		} `json:"upsertCustomer"`
	}
	email := "bench-" + suffix + "@example.com"
	err := c.Do(ctx, `mutation upsertCustomer($input: UpsertCustomerInput!) {
  upsertCustomer(input: $input) { customer { id } `+mutationErrorFields+` } }`,
		map[string]any{"input": map[string]any{
			"identifier": map[string]any{"emailAddress": email},
			"onCreate":   map[string]any{"fullName": "Bench Customer " + suffix, "email": map[string]any{"email": email, "isVerified": true}},
			"onUpdate":   map[string]any{},
		}}, &cust)
	if err := check("upsertCustomer", err, cust.UpsertCustomer.Error, cust.UpsertCustomer.Customer == nil); err != nil {
		return nil, err
	}
	s.CustomerID = cust.UpsertCustomer.Customer.ID

	var lt struct {
		CreateLabelType struct {
			LabelType *struct{ ID string } `json:"labelType"`
			Error     *MutationError       `json:"error"`
		} `json:"createLabelType"`
	}
	err = c.Do(ctx, `mutation createLabelType($input: CreateLabelTypeInput!) {
  createLabelType(input: $input) { labelType { id } `+mutationErrorFields+` } }`,
		map[string]any{"input": map[string]any{"name": "Bench " + suffix}}, &lt)
	if err := check("createLabelType", err, lt.CreateLabelType.Error, lt.CreateLabelType.LabelType == nil); err != nil {
		return nil, err
	}
	s.LabelTypeID = lt.CreateLabelType.LabelType.ID

	var fs struct {
		CreateThreadFieldSchema struct {
			Schema *struct{ ID string } `json:"threadFieldSchema"`
			Error  *MutationError       `json:"error"`
		} `json:"createThreadFieldSchema"`
	}
	err = c.Do(ctx, `mutation createThreadFieldSchema($input: CreateThreadFieldSchemaInput!) {
  createThreadFieldSchema(input: $input) { threadFieldSchema { id } `+mutationErrorFields+` } }`,
		map[string]any{"input": map[string]any{
			"key": s.FieldKey, "label": "Bench " + suffix, "description": "created by threadline bench",
			"type": "STRING", "enumValues": []string{}, "isRequired": false, "isAiAutoFillEnabled": false, "order": 0,
		}}, &fs)
	if err := check("createThreadFieldSchema", err, fs.CreateThreadFieldSchema.Error, fs.CreateThreadFieldSchema.Schema == nil); err != nil {
		return nil, err
	}
	return s, nil
}

func check(what string, err error, merr *MutationError, missing bool) error {
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case merr != nil:
		return fmt.Errorf("%s: %w", what, merr)
	case missing:
		return fmt.Errorf("%s: no result and no error", what)
	}
	return nil
}

// Do creates one thread and checks that the response carries it, with its
// label and field value, and no error. It is an Op.
func (s *CreateThreads) Do(ctx context.Context, _ int) error {
	n := strconv.FormatInt(s.seq.Add(1), 10)
	var out struct {
		CreateThread struct {
			Thread *struct {
				ID           string            `json:"id"`
				Labels       []json.RawMessage `json:"labels"`
				ThreadFields []json.RawMessage `json:"threadFields"`
			} `json:"thread"`
			Error *MutationError `json:"error"`
		} `json:"createThread"`
	}
	err := s.c.Do(ctx, CreateThreadMutation, map[string]any{"input": map[string]any{
		"title":              "Bench thread " + n,
		"customerIdentifier": map[string]any{"customerId": s.CustomerID},
		"components": []any{map[string]any{"componentText": map[string]any{
			"text": "The login button does nothing when I click it (bench request " + n + ").",
		}}},
		"labelTypeIds": []string{s.LabelTypeID},
		"threadFields": []any{map[string]any{"key": s.FieldKey, "type": "STRING", "stringValue": "value " + n}},
	}}, &out)
	th := out.CreateThread.Thread
	if err := check("createThread", err, out.CreateThread.Error, th == nil || th.ID == ""); err != nil {
		return err
	}
	if len(th.Labels) != 1 || len(th.ThreadFields) != 1 {
		return fmt.Errorf("createThread: thread %s has %d labels and %d thread fields, want 1 and 1",
			th.ID, len(th.Labels), len(th.ThreadFields))
	}
	return nil
}

// runSuffix is a name part unique to one run: a timestamp and random bits.
func runSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405") + "_" + hex.EncodeToString(b)
}

// Client returns the API client the scenario uses.
func (s *CreateThreads) Client() *APIClient { return s.c }
