package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/config"
)

// createThreadMutation is the createThread mutation the scenario sends,
// written as Plain's API reference shows it (thread fields plus the
// MutationError selection), with the labels and thread fields of the new
// thread selected so that the response exercises their resolvers too.
const createThreadMutation = `mutation createThread($input: CreateThreadInput!) {
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

// createThreads is the createThread scenario: one customer, one label type
// and one STRING thread field schema made at set-up with names unique to the
// run, then threads with one text component, that label and that field.
type createThreads struct {
	c           *apiClient
	customerID  string
	labelTypeID string
	fieldKey    string
	seq         atomic.Int64
}

// createKeyPermissions are what the scenario's key needs besides the read
// permissions of the selected fields (auth.All covers them all).
var createKeyPermissions = []auth.Permission{auth.CustomerCreate, auth.CustomerEdit, auth.LabelTypeCreate,
	auth.ThreadFieldSchemaCreate, auth.ThreadCreate, auth.ThreadRead}

// newCreateThreads creates the scenario's customer, label type and field
// schema through the API with a key holding createKeyPermissions.
func newCreateThreads(ctx context.Context, c *apiClient) (*createThreads, error) {
	suffix := runSuffix()
	s := &createThreads{c: c, fieldKey: "bench_" + suffix}
	var cust struct {
		UpsertCustomer struct {
			Customer *struct{ ID string } `json:"customer"`
			Error    *mutationError       `json:"error"`
		} `json:"upsertCustomer"`
	}
	email := "bench-" + suffix + "@example.com"
	err := c.do(ctx, `mutation upsertCustomer($input: UpsertCustomerInput!) {
  upsertCustomer(input: $input) { customer { id } `+mutationErrorFields+` } }`,
		map[string]any{"input": map[string]any{
			"identifier": map[string]any{"emailAddress": email},
			"onCreate":   map[string]any{"fullName": "Bench Customer " + suffix, "email": map[string]any{"email": email, "isVerified": true}},
			"onUpdate":   map[string]any{},
		}}, &cust)
	if err := checkMutation("upsertCustomer", err, cust.UpsertCustomer.Error, cust.UpsertCustomer.Customer == nil); err != nil {
		return nil, err
	}
	s.customerID = cust.UpsertCustomer.Customer.ID

	var lt struct {
		CreateLabelType struct {
			LabelType *struct{ ID string } `json:"labelType"`
			Error     *mutationError       `json:"error"`
		} `json:"createLabelType"`
	}
	err = c.do(ctx, `mutation createLabelType($input: CreateLabelTypeInput!) {
  createLabelType(input: $input) { labelType { id } `+mutationErrorFields+` } }`,
		map[string]any{"input": map[string]any{"name": "Bench " + suffix}}, &lt)
	if err := checkMutation("createLabelType", err, lt.CreateLabelType.Error, lt.CreateLabelType.LabelType == nil); err != nil {
		return nil, err
	}
	s.labelTypeID = lt.CreateLabelType.LabelType.ID

	var fs struct {
		CreateThreadFieldSchema struct {
			Schema *struct{ ID string } `json:"threadFieldSchema"`
			Error  *mutationError       `json:"error"`
		} `json:"createThreadFieldSchema"`
	}
	err = c.do(ctx, `mutation createThreadFieldSchema($input: CreateThreadFieldSchemaInput!) {
  createThreadFieldSchema(input: $input) { threadFieldSchema { id } `+mutationErrorFields+` } }`,
		map[string]any{"input": map[string]any{
			"key": s.fieldKey, "label": "Bench " + suffix, "description": "created by threadline bench",
			"type": "STRING", "enumValues": []string{}, "isRequired": false, "isAiAutoFillEnabled": false, "order": 0,
		}}, &fs)
	if err := checkMutation("createThreadFieldSchema", err, fs.CreateThreadFieldSchema.Error, fs.CreateThreadFieldSchema.Schema == nil); err != nil {
		return nil, err
	}
	return s, nil
}

// do creates one thread and checks that the response carries it, with its
// label and field value, and no error. It is a bench.Op.
func (s *createThreads) do(ctx context.Context, _ int) error {
	n := strconv.FormatInt(s.seq.Add(1), 10)
	var out struct {
		CreateThread struct {
			Thread *struct {
				ID           string            `json:"id"`
				Labels       []json.RawMessage `json:"labels"`
				ThreadFields []json.RawMessage `json:"threadFields"`
			} `json:"thread"`
			Error *mutationError `json:"error"`
		} `json:"createThread"`
	}
	err := s.c.do(ctx, createThreadMutation, map[string]any{"input": map[string]any{
		"title":              "Bench thread " + n,
		"customerIdentifier": map[string]any{"customerId": s.customerID},
		"components": []any{map[string]any{"componentText": map[string]any{
			"text": "The login button does nothing when I click it (bench request " + n + ").",
		}}},
		"labelTypeIds": []string{s.labelTypeID},
		"threadFields": []any{map[string]any{"key": s.fieldKey, "type": "STRING", "stringValue": "value " + n}},
	}}, &out)
	th := out.CreateThread.Thread
	if err := checkMutation("createThread", err, out.CreateThread.Error, th == nil || th.ID == ""); err != nil {
		return err
	}
	if len(th.Labels) != 1 || len(th.ThreadFields) != 1 {
		return fmt.Errorf("createThread: thread %s has %d labels and %d thread fields, want 1 and 1",
			th.ID, len(th.Labels), len(th.ThreadFields))
	}
	return nil
}

// joinPermissions lists permissions as the --permissions flag takes them.
func joinPermissions(ps []auth.Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}

func benchCreateThreads(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var l loadFlags
	var endpoint, key string
	fs := newFlagSet("bench create-threads",
		"bench create-threads --url URL --key plainApiKey_… [--concurrency N] [--duration D] [--requests M]", stderr)
	fs.StringVar(&endpoint, "url", "http://127.0.0.1:8080/graphql/v1", "the GraphQL endpoint of the server to load; nothing else is contacted")
	fs.StringVar(&key, "key", "", "API key (permissions: "+string(auth.All)+", or "+joinPermissions(createKeyPermissions)+" and the reads of the response)")
	l.register(fs)
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if err := requireFlags(fs, "url", "key"); err != nil {
		return err
	}
	if err := l.validate(); err != nil {
		return err
	}
	client, closeFn, err := newAPIClient(endpoint, key, l.cfg.Concurrency)
	if err != nil {
		return err
	}
	defer closeFn()
	s, err := newCreateThreads(ctx, client)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	l.out.header(stdout, stderr, "bench create-threads %s (customer %s, label type %s, field %s)\n",
		endpoint, s.customerID, s.labelTypeID, s.fieldKey)
	res, err := l.out.run(ctx, l.cfg, s.do, stderr)
	if err != nil {
		return err
	}
	return l.out.report(res, "", "threads/s", stdout, stderr)
}
