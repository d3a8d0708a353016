package server

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/storetest"
)

// seedDocument is the createThread request of Plain's docs, verbatim.
const seedDocument = `mutation createThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    thread {
      id
      externalId
      customer {
        id
      }
      status
      statusChangedAt {
        iso8601
        unixTimestamp
      }
      title
      previewText
      priority
      threadFields {
        id
        key
        type
        stringValue
        booleanValue
      }
    }
    error {
      message
      type
      code
      fields {
        field
        message
        type
      }
    }
  }
}`

// fixture is a workspace set up for thread tests through the service.
type fixture struct {
	customer  customer.Customer
	labelType label.Type
	archived  label.Type
}

func (e *env) fixture(t *testing.T) fixture {
	t.Helper()
	ctx := service.System(context.Background(), e.ws)
	c, _, err := e.svc.UpsertCustomer(ctx, service.UpsertCustomerInput{
		Identifier: customer.Identifier{EmailAddress: core.Ptr("ann@example.com")},
		OnCreate:   customer.CreateFields{FullName: "Ann Customer", Email: "ann@example.com", EmailVerified: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	lt, err := e.svc.CreateLabelType(ctx, label.CreateInput{Name: "Bug"})
	if err != nil {
		t.Fatal(err)
	}
	arch, err := e.svc.CreateLabelType(ctx, label.CreateInput{Name: "Old"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetLabelTypeArchived(ctx, arch.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, s := range []field.SchemaInput{
		{Key: "my_string_field", Label: "String", Type: field.TypeString},
		{Key: "my_enum_field", Label: "Enum", Type: field.TypeEnum, EnumValues: []string{"any specified value", "other"}},
		{Key: "my_bool_field", Label: "Bool", Type: field.TypeBool},
	} {
		if _, err := e.svc.CreateThreadFieldSchema(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return fixture{customer: c, labelType: lt, archived: arch}
}

func seedInput(f fixture, fields ...map[string]any) map[string]any {
	if len(fields) == 0 {
		fields = []map[string]any{{"key": "my_string_field", "type": "STRING", "stringValue": "any value"}}
	}
	return map[string]any{"input": map[string]any{
		"title":              "Bug Report",
		"customerIdentifier": map[string]any{"customerId": f.customer.ID},
		"components": []any{map[string]any{"componentText": map[string]any{
			"text": "The login button is not working, it doesn't do anything."}}},
		"labelTypeIds": []any{f.labelType.ID},
		"threadFields": fields,
	}}
}

func path(m any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			mm, _ := m.(map[string]any)
			m = mm[k]
		case int:
			l, _ := m.([]any)
			if k >= len(l) {
				return nil
			}
			m = l[k]
		}
	}
	return m
}

var (
	threadIDRe = regexp.MustCompile(`^th_[0-9A-HJKMNP-TV-Z]{26}$`)
	fieldIDRe  = regexp.MustCompile(`^tf_[0-9A-HJKMNP-TV-Z]{26}$`)
)

// countRows counts a table's rows straight in the database.
func countRows(t *testing.T, st store.Store, table string) int {
	t.Helper()
	return storetest.CountRows(t, st, table)
}

func TestSeedCreateThread(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.ThreadCreate, auth.ThreadRead)
		variants := []struct {
			name  string
			field map[string]any
			check func(tf map[string]any) bool
		}{
			{"STRING", map[string]any{"key": "my_string_field", "type": "STRING", "stringValue": "any value"},
				func(tf map[string]any) bool { return tf["stringValue"] == "any value" && tf["booleanValue"] == nil }},
			{"ENUM", map[string]any{"key": "my_enum_field", "type": "ENUM", "stringValue": "any specified value"},
				func(tf map[string]any) bool { return tf["stringValue"] == "any specified value" }},
			{"BOOL", map[string]any{"key": "my_bool_field", "type": "BOOL", "booleanValue": true},
				func(tf map[string]any) bool { return tf["booleanValue"] == true && tf["stringValue"] == nil }},
		}
		for i, v := range variants {
			before := time.Now().UnixMilli()
			r := e.post(key, seedDocument, seedInput(f, v.field))
			if r.Status != 200 {
				t.Fatalf("%s: status %d: %s", v.name, r.Status, r.Raw)
			}
			out := path(r.Body, "data", "createThread").(map[string]any)
			if out["error"] != nil {
				t.Fatalf("%s: error %s", v.name, r.Raw)
			}
			th := out["thread"].(map[string]any)
			ts, _ := strconv.ParseInt(path(th, "statusChangedAt", "unixTimestamp").(string), 10, 64)
			iso, _ := time.Parse(time.RFC3339Nano, path(th, "statusChangedAt", "iso8601").(string))
			tf := path(th, "threadFields", 0).(map[string]any)
			switch {
			case !threadIDRe.MatchString(th["id"].(string)), th["externalId"] != nil,
				path(th, "customer", "id") != f.customer.ID, th["status"] != "TODO", th["title"] != "Bug Report",
				th["previewText"] != "The login button is not working, it doesn't do anything.", th["priority"] != float64(2),
				ts < before || ts > time.Now().UnixMilli() || iso.UnixMilli() != ts,
				len(th["threadFields"].([]any)) != 1, !fieldIDRe.MatchString(tf["id"].(string)), tf["key"] != v.field["key"],
				tf["type"] != v.name, !v.check(tf):
				t.Fatalf("%s: thread %s", v.name, r.Raw)
			}
			// Refs count up per workspace.
			got, err := e.svc.Thread(service.System(context.Background(), e.ws), service.ThreadLookup{Ref: fmt.Sprintf("T-%d", i+1)})
			if err != nil || got == nil || got.ID != th["id"] {
				t.Fatalf("%s: threadByRef T-%d = %+v, %v", v.name, i+1, got, err)
			}
		}
		// Everything the thread consists of was written with it.
		for table, want := range map[string]int{"threads": 3, "labels": 3, "thread_field_values": 3, "timeline_entries": 3} {
			if n := countRows(t, e.st, table); n != want {
				t.Errorf("%s has %d rows, want %d", table, n, want)
			}
		}
		evs := e.events(t, "thread.thread_created")
		if len(evs) != 3 {
			t.Fatalf("%d thread.thread_created events, want 3", len(evs))
		}
	})
}

func (e *env) events(t *testing.T, typ string) []event.Record {
	t.Helper()
	var out []event.Record
	err := e.st.View(context.Background(), func(tx store.Tx) error {
		evs, err := tx.ListEvents(context.Background(), e.ws, 0, 10000)
		for _, ev := range evs {
			if string(ev.Type) == typ {
				out = append(out, ev)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const createThreadDoc = `mutation createThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    thread { id ref }
    error { __typename message type code fields { field message type } }
  }
}`

func TestCreateThreadInvalidInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		ctx := service.System(context.Background(), e.ws)
		if _, err := e.svc.CreateThreadFieldSchema(ctx, field.SchemaInput{Key: "required_field", Label: "R", Type: field.TypeString,
			IsRequired: true, DependsOnLabelTypes: []string{f.archived.ID}}); err != nil {
			t.Fatal(err)
		}
		key := e.key(e.ws, auth.All)
		text := []any{map[string]any{"componentText": map[string]any{"text": "hello"}}}
		base := func(mod func(in map[string]any)) map[string]any {
			in := map[string]any{"title": "T", "customerIdentifier": map[string]any{"customerId": f.customer.ID}, "components": text}
			mod(in)
			return map[string]any{"input": in}
		}
		cases := []struct {
			name, code, field, ftype string
			vars                     map[string]any
		}{
			{"unknown customer id", "not_found", "customerIdentifier.customerId", "NOT_FOUND",
				base(func(in map[string]any) {
					in["customerIdentifier"] = map[string]any{"customerId": "c_01H14DFQ4PDYBH398J1E99TWSS"}
				})},
			{"unknown customer email", "not_found", "customerIdentifier.emailAddress", "NOT_FOUND",
				base(func(in map[string]any) {
					in["customerIdentifier"] = map[string]any{"emailAddress": "nobody@example.com"}
				})},
			{"unknown customer external id", "not_found", "customerIdentifier.externalId", "NOT_FOUND",
				base(func(in map[string]any) { in["customerIdentifier"] = map[string]any{"externalId": "nope"} })},
			{"two identifiers", "input_validation", "customerIdentifier", "VALIDATION",
				base(func(in map[string]any) {
					in["customerIdentifier"] = map[string]any{"customerId": f.customer.ID, "externalId": "x"}
				})},
			{"empty components", "input_validation", "components", "VALIDATION",
				base(func(in map[string]any) { in["components"] = []any{} })},
			{"empty text", "input_validation", "components.0.componentText.text", "REQUIRED",
				base(func(in map[string]any) {
					in["components"] = []any{map[string]any{"componentText": map[string]any{"text": " "}}}
				})},
			{"bad link url", "input_validation", "components.0.componentLinkButton.linkButtonUrl", "VALIDATION",
				base(func(in map[string]any) {
					in["components"] = []any{map[string]any{"componentLinkButton": map[string]any{"linkButtonLabel": "x", "linkButtonUrl": "javascript:alert(1)"}}}
				})},
			{"priority out of range", "input_validation", "priority", "VALIDATION", base(func(in map[string]any) { in["priority"] = 4 })},
			{"unknown label type", "not_found", "labelTypeIds.0", "NOT_FOUND",
				base(func(in map[string]any) { in["labelTypeIds"] = []any{"lt_01H14DFQ4PDYBH398J1E99TWSS"} })},
			{"archived label type", "input_validation", "labelTypeIds.0", "VALIDATION",
				base(func(in map[string]any) { in["labelTypeIds"] = []any{f.archived.ID} })},
			{"unknown field key", "not_found", "threadFields.0.key", "NOT_FOUND", base(func(in map[string]any) {
				in["threadFields"] = []any{map[string]any{"key": "nope", "type": "STRING", "stringValue": "x"}}
			})},
			{"wrong field type", "input_validation", "threadFields.0.type", "VALIDATION", base(func(in map[string]any) {
				in["threadFields"] = []any{map[string]any{"key": "my_string_field", "type": "BOOL", "booleanValue": true}}
			})},
			{"enum value not allowed", "input_validation", "threadFields.0.stringValue", "VALIDATION", base(func(in map[string]any) {
				in["threadFields"] = []any{map[string]any{"key": "my_enum_field", "type": "ENUM", "stringValue": "nope"}}
			})},
			{"missing field value", "input_validation", "threadFields.0.booleanValue", "REQUIRED", base(func(in map[string]any) {
				in["threadFields"] = []any{map[string]any{"key": "my_bool_field", "type": "BOOL"}}
			})},
			{"field given twice", "input_validation", "threadFields.1.key", "VALIDATION", base(func(in map[string]any) {
				in["labelTypeIds"] = []any{f.labelType.ID} // the required field depends on another label: not required here
				in["threadFields"] = []any{map[string]any{"key": "required_field", "type": "STRING", "stringValue": "ok"},
					map[string]any{"key": "required_field", "type": "STRING", "stringValue": "twice"}}
			})},
			{"unknown assignee", "not_found", "assignedTo.userId", "NOT_FOUND",
				base(func(in map[string]any) { in["assignedTo"] = map[string]any{"userId": "u_01H14DFQ4PDYBH398J1E99TWSS"} })},
			{"unknown tenant", "not_found", "tenantIdentifier.externalId", "NOT_FOUND",
				base(func(in map[string]any) { in["tenantIdentifier"] = map[string]any{"externalId": "acme"} })},
			{"title too long", "input_validation", "title", "VALIDATION",
				base(func(in map[string]any) { in["title"] = strings.Repeat("x", 501) })},
		}
		threads, events := countRows(t, e.st, "threads"), countRows(t, e.st, "outbox")
		for _, c := range cases {
			r := e.post(key, createThreadDoc, c.vars)
			if r.Status != 200 {
				t.Fatalf("%s: status %d (never a 4xx/5xx for invalid input): %s", c.name, r.Status, r.Raw)
			}
			out := path(r.Body, "data", "createThread").(map[string]any)
			er, _ := out["error"].(map[string]any)
			if out["thread"] != nil || er == nil || er["__typename"] != "MutationError" || er["type"] != "VALIDATION" || er["code"] != c.code {
				t.Errorf("%s: %s", c.name, r.Raw)
				continue
			}
			found := false
			for _, fe := range er["fields"].([]any) {
				fe := fe.(map[string]any)
				found = found || (fe["field"] == c.field && fe["type"] == c.ftype)
			}
			if !found {
				t.Errorf("%s: no %s error on %s: %s", c.name, c.ftype, c.field, r.Raw)
			}
		}
		if n := countRows(t, e.st, "threads"); n != threads {
			t.Errorf("invalid requests wrote %d threads", n-threads)
		}
		if n := countRows(t, e.st, "outbox"); n != events {
			t.Errorf("invalid requests wrote %d events", n-events)
		}
		// A required field that applies: its label is on the thread.
		ctx2 := service.System(context.Background(), e.ws)
		if _, err := e.svc.SetLabelTypeArchived(ctx2, f.archived.ID, false); err != nil {
			t.Fatal(err)
		}
		r := e.post(key, createThreadDoc, base(func(in map[string]any) { in["labelTypeIds"] = []any{f.archived.ID} }))
		if path(r.Body, "data", "createThread", "error", "fields", 0, "field") != "threadFields" ||
			path(r.Body, "data", "createThread", "error", "fields", 0, "type") != "REQUIRED" {
			t.Errorf("missing required field: %s", r.Raw)
		}
	})
}

func TestConcurrentCreateThread(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.ThreadCreate, auth.ThreadRead)
		const n = 200
		refs := make([]string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := map[string]any{"input": map[string]any{"title": fmt.Sprintf("t%d", i),
					"customerIdentifier": map[string]any{"customerId": f.customer.ID},
					"components":         []any{map[string]any{"componentText": map[string]any{"text": "x"}}}}}
				r := e.post(key, createThreadDoc, in)
				ref, _ := path(r.Body, "data", "createThread", "thread", "ref").(string)
				if ref == "" {
					t.Errorf("request %d: %s", i, r.Raw)
				}
				refs[i] = ref
			}(i)
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, r := range refs {
			seen[r] = true
		}
		if len(seen) != n {
			t.Fatalf("%d distinct refs for %d threads", len(seen), n)
		}
		if got := countRows(t, e.st, "threads"); got != n {
			t.Fatalf("%d threads stored, want %d", got, n)
		}
	})
}
