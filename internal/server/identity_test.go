package server

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/service"
)

// mutationErr returns the error of a mutation's output, or nil.
func mutationErr(r response, name string) map[string]any {
	e, _ := path(r.Body, "data", name, "error").(map[string]any)
	return e
}

// mustMutateNamed posts a mutation that must succeed and returns its output.
func (e *env) mustMutateNamed(t *testing.T, key, name, doc string) map[string]any {
	t.Helper()
	r := e.post(key, doc, nil)
	out, _ := path(r.Body, "data", name).(map[string]any)
	if r.Status != 200 || out == nil || out["error"] != nil {
		t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
	}
	return out
}

// fieldErr returns "type code field/fieldType" of a mutation's error, to
// compare in one string.
func fieldErr(r response, name string) string {
	er := mutationErr(r, name)
	if er == nil {
		return "no error: " + r.Raw
	}
	s := fmt.Sprintf("%v %v", er["type"], er["code"])
	fields, _ := er["fields"].([]any)
	for _, f := range fields {
		f := f.(map[string]any)
		s += fmt.Sprintf(" %v/%v", f["field"], f["type"])
	}
	return s
}

// TestUsers: users lists every user of the workspace, deleted ones
// included and filterable; a status change is stamped and evented once;
// a deleted user stays readable but cannot be assigned; myUser is null for
// an API key.
func TestUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := service.System(context.Background(), e.ws)
		var ids []string
		for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			u, err := e.svc.CreateUser(ctx, email, "Agent "+email)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		other, _ := e.svc.CreateWorkspace(context.Background(), "Other")
		if _, err := e.svc.CreateUser(service.System(context.Background(), other.ID), "z@example.com", "Z"); err != nil {
			t.Fatal(err)
		}
		key := e.key(e.ws, auth.All)
		list := func(args string) []string {
			r := e.post(key, `{ users`+args+` { edges { node { id } } pageInfo { hasNextPage } } }`, nil)
			var got []string
			edges, _ := path(r.Body, "data", "users", "edges").([]any)
			for _, x := range edges {
				got = append(got, path(x, "node", "id").(string))
			}
			return got
		}
		if got := list(""); !slices.Equal(got, ids) {
			t.Errorf("users = %v, want %v (creation order, this workspace only)", got, ids)
		}
		if got := list("(first: 2)"); !slices.Equal(got, ids[:2]) {
			t.Errorf("users(first: 2) = %v", got)
		}

		st := e.mustMutateNamed(t, key, "changeUserStatus", `mutation { changeUserStatus(input: {userId: "`+ids[0]+`", status: ONLINE}) {
			user { status statusChangedAt { iso8601 } createdAt { iso8601 } updatedBy { ... on MachineUserActor { machineUserId } } } error { message } } }`)
		if path(st, "user", "status") != "ONLINE" || path(st, "user", "updatedBy", "machineUserId") == nil {
			t.Errorf("changeUserStatus: %v", st)
		}
		if n := len(e.events(t, string(event.UserStatusChanged))); n != 1 {
			t.Errorf("changeUserStatus wrote %d events, want 1", n)
		}
		e.mustMutateNamed(t, key, "changeUserStatus", `mutation { changeUserStatus(input: {userId: "`+ids[0]+`", status: ONLINE}) { error { message } } }`)
		if n := len(e.events(t, string(event.UserStatusChanged))); n != 1 {
			t.Errorf("setting the same status again wrote %d events, want 1 in all", n)
		}

		e.mustMutateNamed(t, key, "deleteUser", `mutation { deleteUser(input: {userId: "`+ids[1]+`"}) { error { message } } }`)
		r := e.post(key, `{ user(userId: "`+ids[1]+`") { isDeleted deletedAt { iso8601 } deletedBy { ... on MachineUserActor { machineUserId } } } }`, nil)
		if path(r.Body, "data", "user", "isDeleted") != true || path(r.Body, "data", "user", "deletedBy", "machineUserId") == nil {
			t.Errorf("deleted user: %s", r.Raw)
		}
		if got := list(`(filters: {isAssignableToThread: true})`); !slices.Equal(got, []string{ids[0], ids[2]}) {
			t.Errorf("assignable users = %v", got)
		}
		if got := list(`(filters: {isAssignableToThread: false})`); !slices.Equal(got, ids[1:2]) {
			t.Errorf("users not assignable = %v", got)
		}
		if got := list(`(filters: {isAssignableToTask: true})`); len(got) != 0 {
			t.Errorf("users assignable to tasks = %v, want none: tasks do not exist", got)
		}
		for name, c := range map[string]struct{ doc, want string }{
			"delete twice":        {`mutation { deleteUser(input: {userId: "` + ids[1] + `"}) { error { type code fields { field type } } } }`, "VALIDATION not_found userId/NOT_FOUND"},
			"status of a deleted": {`mutation { changeUserStatus(input: {userId: "` + ids[1] + `", status: AWAY}) { error { type code fields { field type } } } }`, "VALIDATION not_found userId/NOT_FOUND"},
		} {
			r := e.post(key, c.doc, nil)
			if got := fieldErr(r, map[bool]string{true: "deleteUser", false: "changeUserStatus"}[name == "delete twice"]); got != c.want {
				t.Errorf("%s: %s, want %s", name, got, c.want)
			}
		}
		f := e.fixture(t)
		th := e.newThread(t, key, f, "")
		r = e.post(key, `mutation { assignThread(input: {threadId: "`+th+`", userId: "`+ids[1]+`"}) { error { type code fields { field type } } } }`, nil)
		if got := fieldErr(r, "assignThread"); got != "VALIDATION not_found userId/NOT_FOUND" {
			t.Errorf("assigning a deleted user: %s", got)
		}
		if r := e.post(key, `{ myUser { id } }`, nil); path(r.Body, "data", "myUser") != nil || r.Status != 200 {
			t.Errorf("myUser with an API key: %s, want null", r.Raw)
		}
		r = e.post(key, `{ roles { edges { node { id key name isAssignableToThread } } pageInfo { hasNextPage } } }`, nil)
		want := `{"data":{"roles":{"edges":[` +
			`{"node":{"id":"role_owner","key":"OWNER","name":"Owner","isAssignableToThread":true}},` +
			`{"node":{"id":"role_admin","key":"ADMIN","name":"Admin","isAssignableToThread":true}},` +
			`{"node":{"id":"role_support","key":"SUPPORT","name":"Support","isAssignableToThread":true}},` +
			`{"node":{"id":"role_viewer","key":"VIEWER","name":"Viewer","isAssignableToThread":false}}],` +
			`"pageInfo":{"hasNextPage":false}}}}`
		if r.Raw != want {
			t.Errorf("roles: %s", r.Raw)
		}
		r = e.post(key, `{ user(userId: "`+ids[0]+`") { role { key permissions } roles { key } } }`, nil)
		if k := path(r.Body, "data", "user", "role", "key"); k != "SUPPORT" {
			t.Errorf("a user's role: %s", r.Raw)
		}
		perms, _ := path(r.Body, "data", "user", "role", "permissions").([]any)
		if !slices.Contains(perms, any("thread:reply")) || slices.Contains(perms, any("webhookTarget:create")) {
			t.Errorf("support's permissions: %v", perms)
		}
	})
}
