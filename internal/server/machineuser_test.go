package server

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/event"
)

// TestMachineUsersAndKeys: machine users are created, listed, changed and
// deleted; keys are minted for them with permissions the caller holds,
// listed without secrets, changed and deleted; a deleted key, or any key of
// a deleted machine user, authenticates nothing from then on.
func TestMachineUsersAndKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		admin := e.key(e.ws, auth.All)
		mu := e.mustMutateNamed(t, admin, "createMachineUser", `mutation { createMachineUser(input: {fullName: " Deploy bot ", publicName: "Bot", description: "CI"}) {
			machineUser { id fullName publicName description type isDeleted createdBy { __typename } } error { message } } }`)
		m := mu["machineUser"].(map[string]any)
		id := m["id"].(string)
		if m["fullName"] != "Deploy bot" || m["type"] != "API_USER" || m["description"] != "CI" || m["isDeleted"] != false {
			t.Errorf("created machine user: %v", m)
		}
		e.mustMutateNamed(t, admin, "createMachineUser", `mutation { createMachineUser(input: {fullName: "Agent", publicName: "Agent", type: AI_AGENT}) { error { message } } }`)
		r := e.post(admin, `{ machineUsers(filters: {type: AI_AGENT}) { edges { node { fullName } } } }`, nil)
		if got := path(r.Body, "data", "machineUsers", "edges", 0, "node", "fullName"); got != "Agent" ||
			len(path(r.Body, "data", "machineUsers", "edges").([]any)) != 1 {
			t.Errorf("AI agents: %s", r.Raw)
		}
		up := e.mustMutateNamed(t, admin, "updateMachineUser", `mutation { updateMachineUser(input: {machineUserId: "`+id+`", publicName: {value: "Robot"}, description: {value: " "}}) {
			machineUser { fullName publicName description } error { message } } }`)
		if path(up, "machineUser", "publicName") != "Robot" || path(up, "machineUser", "fullName") != "Deploy bot" || path(up, "machineUser", "description") != nil {
			t.Errorf("updated machine user: %v", up)
		}

		k := e.mustMutateNamed(t, admin, "createApiKey", `mutation { createApiKey(input: {machineUserId: "`+id+`", description: "ci", permissions: ["thread:read", "machineUser:read"]}) {
			apiKey { id description permissions isDeleted } apiKeySecret error { message } } }`)
		secret, _ := k["apiKeySecret"].(string)
		keyID := path(k, "apiKey", "id").(string)
		if !strings.HasPrefix(secret, auth.KeyPrefix) || path(k, "apiKey", "description") != "ci" {
			t.Fatalf("created key: %v", k)
		}
		me := e.post(secret, `{ myMachineUser { id } myPermissions { permissions } }`, nil)
		if path(me.Body, "data", "myMachineUser", "id") != id ||
			!slices.Equal(toStrings(path(me.Body, "data", "myPermissions", "permissions")), []string{"machineUser:read", "thread:read"}) {
			t.Errorf("the new key: %s", me.Raw)
		}
		if n := len(e.events(t, string(event.APIKeyCreated))); n < 2 {
			t.Errorf("%d api_key_created events", n)
		}
		// A key cannot grant what it does not hold, nor an unknown permission.
		r = e.post(secret, `mutation { createApiKey(input: {machineUserId: "`+id+`", permissions: ["thread:read"]}) { error { type code } } }`, nil)
		if got := fieldErr(r, "createApiKey"); got != "FORBIDDEN forbidden" {
			t.Errorf("createApiKey without apiKey:create: %s", got)
		}
		granter := e.key(e.ws, auth.APIKeyCreate, auth.ThreadRead)
		for doc, want := range map[string]string{
			`permissions: ["customer:read"]`:                 "FORBIDDEN insufficient_permissions",
			`permissions: ["thread:read", "thread:raed"]`:    "VALIDATION input_validation permissions.1/VALIDATION",
			`permissions: []`:                                "VALIDATION input_validation permissions/VALIDATION",
			`permissions: ["thread:read"], description: " "`: "",
		} {
			r := e.post(granter, `mutation { createApiKey(input: {machineUserId: "`+id+`", `+doc+`}) { apiKey { description } error { type code fields { field type } } } }`, nil)
			got := fieldErr(r, "createApiKey")
			if want == "" {
				if mutationErr(r, "createApiKey") != nil || path(r.Body, "data", "createApiKey", "apiKey", "description") != nil {
					t.Errorf("%s: %s, want a key without description", doc, r.Raw)
				}
			} else if got != want {
				t.Errorf("%s: %s, want %s", doc, got, want)
			}
		}

		upd := e.mustMutateNamed(t, admin, "updateApiKey", `mutation { updateApiKey(input: {apiKeyId: "`+keyID+`", description: "ci 2", permissions: ["thread:read"]}) {
			apiKey { description permissions updatedBy { __typename } } error { message } } }`)
		if path(upd, "apiKey", "description") != "ci 2" || !slices.Equal(toStrings(path(upd, "apiKey", "permissions")), []string{"thread:read"}) {
			t.Errorf("updated key: %v", upd)
		}
		if r := e.post(secret, `{ myMachineUser { id } }`, nil); r.Status != 403 {
			t.Errorf("the key without machineUser:read any more: %d %s", r.Status, r.Raw)
		}
		list := e.post(admin, `{ machineUser(machineUserId: "`+id+`") { apiKeys(first: 10) { edges { node { id description } } } apiKey(apiKeyId: "`+keyID+`") { id } } }`, nil)
		if n := len(path(list.Body, "data", "machineUser", "apiKeys", "edges").([]any)); n != 2 ||
			path(list.Body, "data", "machineUser", "apiKey", "id") != keyID || strings.Contains(list.Raw, auth.KeyPrefix) {
			t.Errorf("keys of the machine user: %s", list.Raw)
		}
		adminMU := path(e.post(admin, `{ myMachineUser { id } }`, nil).Body, "data", "myMachineUser", "id").(string)
		if r := e.post(admin, `{ machineUser(machineUserId: "`+adminMU+`") { apiKey(apiKeyId: "`+keyID+`") { id } } }`, nil); path(r.Body, "data", "machineUser", "apiKey") != nil {
			t.Errorf("another machine user's key: %s", r.Raw)
		}

		del := e.mustMutateNamed(t, admin, "deleteApiKey", `mutation { deleteApiKey(input: {apiKeyId: "`+keyID+`"}) { apiKey { isDeleted deletedAt { iso8601 } deletedBy { __typename } } error { message } } }`)
		if path(del, "apiKey", "isDeleted") != true || path(del, "apiKey", "deletedBy", "__typename") != "MachineUserActor" {
			t.Errorf("deleted key: %v", del)
		}
		if r := e.post(secret, `{ myWorkspace { id } }`, nil); r.Status != 401 {
			t.Errorf("a deleted key still authenticates: %d", r.Status)
		}
		if got := fieldErr(e.post(admin, `mutation { deleteApiKey(input: {apiKeyId: "`+keyID+`"}) { error { type code fields { field type } } } }`, nil), "deleteApiKey"); got != "VALIDATION not_found apiKeyId/NOT_FOUND" {
			t.Errorf("deleting a deleted key: %s", got)
		}

		second := e.mustMutateNamed(t, admin, "createApiKey", `mutation { createApiKey(input: {machineUserId: "`+id+`", permissions: ["thread:read"]}) { apiKeySecret error { message } } }`)["apiKeySecret"].(string)
		e.mustMutateNamed(t, admin, "deleteMachineUser", `mutation { deleteMachineUser(input: {machineUserId: "`+id+`"}) { machineUser { isDeleted } error { message } } }`)
		if r := e.post(second, `{ myWorkspace { id } }`, nil); r.Status != 401 {
			t.Errorf("a key of a deleted machine user still authenticates: %d", r.Status)
		}
		for name, doc := range map[string]string{
			"createApiKey":      `mutation { createApiKey(input: {machineUserId: "` + id + `", permissions: ["thread:read"]}) { error { type code fields { field type } } } }`,
			"updateMachineUser": `mutation { updateMachineUser(input: {machineUserId: "` + id + `", fullName: {value: "x"}}) { error { type code fields { field type } } } }`,
		} {
			if got := fieldErr(e.post(admin, doc, nil), name); got != "VALIDATION not_found machineUserId/NOT_FOUND" {
				t.Errorf("%s of a deleted machine user: %s", name, got)
			}
		}
		for doc, want := range map[string]string{
			`fullName: "", publicName: "x"`:                                     "VALIDATION input_validation fullName/REQUIRED",
			`fullName: "x", publicName: "x", avatar: {workspaceFileId: "wf_1"}`: "VALIDATION not_found avatar.workspaceFileId/NOT_FOUND",
		} {
			if got := fieldErr(e.post(admin, `mutation { createMachineUser(input: {`+doc+`}) { error { type code fields { field type } } } }`, nil), "createMachineUser"); got != want {
				t.Errorf("createMachineUser(%s): %s, want %s", doc, got, want)
			}
		}
		other, _ := e.svc.CreateWorkspace(context.Background(), "Other")
		otherKey := e.key(other.ID, auth.All)
		if r := e.post(otherKey, `{ machineUser(machineUserId: "`+id+`") { id } }`, nil); path(r.Body, "data", "machineUser") != nil {
			t.Errorf("machine user read from another workspace: %s", r.Raw)
		}
		if got := fieldErr(e.post(otherKey, `mutation { deleteApiKey(input: {apiKeyId: "`+keyID+`"}) { error { type code fields { field type } } } }`, nil), "deleteApiKey"); got != "VALIDATION not_found apiKeyId/NOT_FOUND" {
			t.Errorf("deleteApiKey from another workspace: %s", got)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestWorkspaceAndPermissions: workspace(id) and myWorkspaces show the
// key's own workspace only; updateWorkspace changes names and domain names;
// myPermissions spells out "all"; permissions lists every one.
func TestWorkspaceAndPermissions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		key := e.key(e.ws, auth.All)
		other, _ := e.svc.CreateWorkspace(context.Background(), "Other")
		r := e.post(key, `{ mine: workspace(workspaceId: "`+e.ws+`") { id } theirs: workspace(workspaceId: "`+other.ID+`") { id }
			myWorkspaces { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } }`, nil)
		if path(r.Body, "data", "mine", "id") != e.ws || path(r.Body, "data", "theirs") != nil ||
			path(r.Body, "data", "myWorkspaces", "edges", 0, "node", "id") != e.ws || len(path(r.Body, "data", "myWorkspaces", "edges").([]any)) != 1 {
			t.Errorf("workspaces: %s", r.Raw)
		}
		up := e.mustMutateNamed(t, key, "updateWorkspace", `mutation { updateWorkspace(input: {name: {value: " Acme "}, domainNames: ["Acme.com", "acme.com", "acme.co.uk"]}) {
			workspace { name publicName domainNames } error { message } } }`)
		if path(up, "workspace", "name") != "Acme" || !slices.Equal(toStrings(path(up, "workspace", "domainNames")), []string{"acme.com", "acme.co.uk"}) {
			t.Errorf("updated workspace: %v", up)
		}
		if r := e.post(key, `{ myWorkspace { name domainNames } }`, nil); path(r.Body, "data", "myWorkspace", "name") != "Acme" ||
			len(path(r.Body, "data", "myWorkspace", "domainNames").([]any)) != 2 {
			t.Errorf("read back: %s", r.Raw)
		}
		for doc, want := range map[string]string{
			`domainNames: ["acme.com", "not a domain"]`: "VALIDATION input_validation domainNames.1/VALIDATION",
			`name: {value: "  "}`:                       "VALIDATION input_validation name/REQUIRED",
			`logo: {workspaceFileId: "wf_1"}`:           "VALIDATION not_found logo.workspaceFileId/NOT_FOUND",
		} {
			if got := fieldErr(e.post(key, `mutation { updateWorkspace(input: {`+doc+`}) { error { type code fields { field type } } } }`, nil), "updateWorkspace"); got != want {
				t.Errorf("updateWorkspace(%s): %s, want %s", doc, got, want)
			}
		}
		if n := len(e.events(t, string(event.WorkspaceUpdated))); n != 1 {
			t.Errorf("%d workspace_updated events, want 1", n)
		}
		r = e.post(key, `{ myPermissions { permissions } permissions { permissions } }`, nil)
		mine, all := toStrings(path(r.Body, "data", "myPermissions", "permissions")), toStrings(path(r.Body, "data", "permissions", "permissions"))
		if len(all) != len(auth.Known) || !slices.Equal(mine, all) || !slices.IsSorted(all) || slices.Contains(all, "all") {
			t.Errorf("permissions: mine %d, all %d (known %d)", len(mine), len(all), len(auth.Known))
		}
		narrow := e.key(e.ws, auth.ThreadRead)
		if r := e.post(narrow, `{ myPermissions { permissions } }`, nil); !slices.Equal(toStrings(path(r.Body, "data", "myPermissions", "permissions")), []string{"thread:read"}) {
			t.Errorf("myPermissions of a thread:read key: %s", r.Raw)
		}
	})
}
