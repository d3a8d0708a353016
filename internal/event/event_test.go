package event

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/tier"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/workspace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	t0    = core.FromMillis(1767225600000) // 2026-01-01T00:00:00Z
	t1    = t0.Add(time.Hour)
	agent = core.Actor{Type: core.ActorUser, ID: "u_1"}
	bot   = core.Actor{Type: core.ActorMachineUser, ID: "mu_1"}
)

// fixture is a thread with every part set.
func fixture() (thread.Thread, ThreadParts) {
	th := thread.Thread{ID: "th_1", Ref: 7, ExternalID: core.Ptr("ext-1"), CustomerID: "c_1", Title: "Printer on fire",
		Description: core.Ptr("It is."), Priority: thread.PriorityUrgent, Status: thread.StatusTodo,
		StatusDetail: thread.DetailCreated, StatusChangedAt: t0, StatusChangedBy: bot, Channel: "API",
		Assignee: &agent, AssignedAt: &t0, CreatedAt: t0, CreatedBy: bot, UpdatedAt: t1, UpdatedBy: agent}
	c := customer.Customer{ID: "c_1", FullName: "Grace Hopper", ShortName: core.Ptr("Grace"), Email: "grace@example.com",
		CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}
	lt := label.Type{ID: "lt_1", Name: "Bug", Icon: core.Ptr("🐛"), CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}
	l := label.Label{ID: "l_1", ThreadID: th.ID, TypeID: lt.ID, CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}
	v := field.Value{ID: "tf_1", ThreadID: th.ID, Key: "plan", Type: field.TypeString, String: core.Ptr("pro"),
		CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}
	u := user.User{ID: "u_1", Email: "ada@example.com", FullName: "Ada Lovelace", PublicName: "Ada",
		Status: user.StatusOffline, CreatedAt: t0, CreatedBy: core.SystemActor, UpdatedAt: t0, UpdatedBy: core.SystemActor}
	return th, ThreadParts{Customer: c, Labels: []label.Label{l}, LabelTypes: []label.Type{lt}, Values: []field.Value{v},
		Assignee: NewUser(u)}
}

// decode returns the JSON encoding of v, decoded.
func decode(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPayloads checks every payload: it encodes its type as eventType,
// knows its order key, and is listed as a webhook event or not.
func TestPayloads(t *testing.T) {
	th, parts := fixture()
	c := ThreadChange{Thread: NewThread(th, parts), PreviousThread: NewThread(th, ThreadParts{Customer: parts.Customer})}
	cust, f := NewCustomer(parts.Customer), NewThreadField(parts.Values[0])
	lt := parts.LabelTypes[0]
	sc := field.Schema{ID: "tfs_1", Key: "plan", Type: field.TypeString}
	group := customergroup.Group{ID: "cg_1", WorkspaceID: "w_1", Name: "VIP", Key: "vip", Color: "#ff0000",
		CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot}
	member := customergroup.Member{Group: group, Membership: customergroup.NewMembership("w_1", "c_1", "cg_1", t1, agent)}
	tests := []struct {
		p        Payload
		typ      Type
		orderKey string
		keys     []string // the payload's properties besides eventType
	}{
		{NewThreadCreated(c.Thread), ThreadCreated, "th_1", []string{"thread"}},
		{NewThreadStatusTransitioned(c), ThreadStatusTransitioned, "th_1", []string{"thread", "previousThread"}},
		{NewThreadAssignmentTransitioned(c), ThreadAssignmentTransitioned, "th_1", []string{"thread", "previousThread"}},
		{NewThreadPriorityChanged(c), ThreadPriorityChanged, "th_1", []string{"thread", "previousThread"}},
		{NewThreadLabelsChanged(c, LabelsAdded), ThreadLabelsChanged, "th_1", []string{"thread", "previousThread", "changeType"}},
		{NewThreadFieldCreated(c, f), ThreadFieldCreated, "th_1", []string{"thread", "previousThread", "threadField"}},
		{NewThreadFieldUpdated(c, f, f), ThreadFieldUpdated, "th_1", []string{"thread", "previousThread", "threadField", "previousThreadField"}},
		{NewThreadFieldDeleted(c, f), ThreadFieldDeleted, "th_1", []string{"thread", "previousThread", "previousThreadField"}},
		{NewThreadNoteCreated(c.Thread, conversationNote()), ThreadNoteCreated, "th_1", []string{"thread", "note"}},
		{NewThreadChatSent(c.Thread, conversationChat()), ThreadChatSent, "th_1", []string{"thread", "chat"}},
		{NewThreadChatReceived(c.Thread, conversationChat()), ThreadChatReceived, "th_1", []string{"thread", "chat"}},
		{NewThreadEmailReceived(c.Thread, NewEmail(fixtureEmail(true), nil)), ThreadEmailReceived, "th_1", []string{"thread", "email"}},
		{NewThreadEmailSent(c.Thread, NewEmail(fixtureEmail(false), nil)), ThreadEmailSent, "th_1", []string{"thread", "email"}},
		{NewTimelineEntryChanged(conversationEntry(), nil), TimelineEntryChanged, "th_1",
			[]string{"changeType", "timelineEntry", "previousTimelineEntry"}},
		{NewCustomerCreated(cust), CustomerCreated, "c_1", []string{"customer"}},
		{NewCustomerUpdated(cust, cust), CustomerUpdated, "c_1", []string{"customer", "previousCustomer"}},
		{NewCustomerDeleted(cust), CustomerDeleted, "c_1", []string{"previousCustomer"}},
		{NewLabelTypeCreated(lt), LabelTypeCreated, "", labelTypeKeys},
		{NewLabelTypeArchived(lt), LabelTypeArchived, "", labelTypeKeys},
		{NewLabelTypeUnarchived(lt), LabelTypeUnarchived, "", labelTypeKeys},
		{NewLabelTypeUpdated(lt), LabelTypeUpdated, "", labelTypeKeys},
		{NewThreadTitleChanged(c), ThreadTitleChanged, "", []string{"thread", "previousThread"}},
		{NewThreadCustomerChanged(c), ThreadCustomerChanged, "", []string{"thread", "previousThread"}},
		{NewThreadExternalIDChanged(c), ThreadExternalIDChanged, "", []string{"thread", "previousThread"}},
		{NewThreadDeleted(c.PreviousThread), ThreadDeleted, "", []string{"previousThread"}},
		{NewThreadAdditionalAssigneesTransitioned(c), ThreadAdditionalAssigneesTransitioned, "", []string{"thread", "previousThread"}},
		{NewThreadFieldSchemaCreated(sc), ThreadFieldSchemaCreated, "", []string{"id", "key", "type"}},
		{NewThreadFieldSchemaUpdated(sc), ThreadFieldSchemaUpdated, "", []string{"id", "key"}},
		{NewThreadFieldSchemaDeleted(sc), ThreadFieldSchemaDeleted, "", []string{"id", "key"}},
		{NewUserCreated(user.User{ID: "u_1", Email: "a@b.c", FullName: "A"}), UserCreated, "", []string{"id", "email", "fullName"}},
		{NewAPIKeyCreated(auth.APIKey{ID: "ak_1", Name: "k", MachineUserID: "mu_1", Hash: "secret", Permissions: []auth.Permission{auth.All}}),
			APIKeyCreated, "", []string{"id", "name", "machineUserId", "permissions"}},
		{NewAPIKeyRevoked("ak_1"), APIKeyRevoked, "", []string{"id"}},
		{NewUserStatusChanged(user.User{ID: "u_1", Status: user.StatusOnline}, user.StatusOffline), UserStatusChanged, "",
			[]string{"id", "status", "previousStatus"}},
		{NewUserDeleted(user.User{ID: "u_1", Email: "a@b.c"}), UserDeleted, "", []string{"id", "email"}},
		{NewUserRoleChanged(user.User{ID: "u_1", Role: "ADMIN"}, "SUPPORT"), UserRoleChanged, "", []string{"id", "role", "previousRole"}},
		{NewMachineUserCreated(user.MachineUser{ID: "mu_1"}), MachineUserCreated, "", machineUserKeys},
		{NewMachineUserUpdated(user.MachineUser{ID: "mu_1"}), MachineUserUpdated, "", machineUserKeys},
		{NewMachineUserDeleted(user.MachineUser{ID: "mu_1"}), MachineUserDeleted, "", machineUserKeys},
		{NewAPIKeyUpdated(auth.APIKey{ID: "ak_1", Name: "k", Hash: "secret"}), APIKeyUpdated, "", []string{"id", "name", "permissions"}},
		{NewWorkspaceUpdated(workspace.Workspace{ID: "w_1", HMACSecret: "secret"}), WorkspaceUpdated, "",
			[]string{"id", "name", "publicName", "domainNames"}},
		{NewWorkspaceCreated(workspace.Workspace{ID: "w_1", Name: "W", PublicName: "W", HMACSecret: "secret", CreatedAt: t0}),
			WorkspaceCreated, "", []string{"id", "name", "publicName", "createdAt"}},
		{NewWorkspaceHMACRegenerated("w_1"), WorkspaceHMACRegenerated, "", []string{"workspaceId"}},
		{NewThreadTenantUpdated(c), ThreadTenantUpdated, "th_1", []string{"thread", "previousThread"}},
		{NewThreadTierUpdated(c), ThreadTierUpdated, "", []string{"thread", "previousThread"}},
		{NewCustomerGroupChanged(&group, nil), CustomerGroupChanged, "cg_1", []string{"changeType", "customerGroup"}},
		{NewCustomerGroupChanged(&group, &group), CustomerGroupChanged, "cg_1", []string{"changeType", "customerGroup", "previousCustomerGroup"}},
		{NewCustomerGroupChanged(nil, &group), CustomerGroupChanged, "cg_1", []string{"changeType", "previousCustomerGroup"}},
		{NewCustomerGroupMembershipsChanged(ChangeAdded, NewCustomer(parts.Customer, member), cust), CustomerGroupMembershipsChanged,
			"c_1", []string{"changeType", "customer", "previousCustomer"}},
		{NewAccountChanged(CompanyCreated, NewCompanyRecord(company.Company{ID: "co_1", Name: "Acme", DomainName: "acme.io"})),
			CompanyCreated, "", []string{"account"}},
		{NewAccountChanged(TenantDeleted, NewTenantRecord(tenant.Tenant{ID: "te_1", ExternalID: "a", DeletedAt: &t1})),
			TenantDeleted, "", []string{"account"}},
		{NewAccountChanged(TierUpdated, NewTierRecord(tier.Tier{ID: "tier_1"})), TierUpdated, "", []string{"account"}},
		{NewMembershipsChanged(TierMembershipsChanged, "tier_1", []string{"te_1"}, nil), TierMembershipsChanged, "",
			[]string{"of", "added", "removed"}},
		{NewMembershipsChanged(CustomerTenantMembershipsChanged, "c_1", nil, []string{"te_1"}), CustomerTenantMembershipsChanged, "",
			[]string{"of", "added", "removed"}},
		{NewCardConfigChanged(CardConfigCreated, customercard.Config{ID: "ccc_1", Key: "k", APIURL: "https://x"}), CardConfigCreated, "",
			[]string{"id", "key", "title"}},
	}
	seen := map[Type]bool{}
	for _, tc := range tests {
		seen[tc.typ] = true
		m := decode(t, tc.p)
		if tc.p.Type() != tc.typ || m["eventType"] != string(tc.typ) {
			t.Errorf("%T: Type() = %s, eventType = %v; want %s", tc.p, tc.p.Type(), m["eventType"], tc.typ)
		}
		if tc.p.OrderKey() != tc.orderKey {
			t.Errorf("%s: order key %q, want %q", tc.typ, tc.p.OrderKey(), tc.orderKey)
		}
		var keys []string
		for k := range m {
			if k != "eventType" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		want := slices.Sorted(slices.Values(tc.keys))
		if !slices.Equal(keys, want) {
			t.Errorf("%s: properties %v, want %v", tc.typ, keys, want)
		}
		isThreadTag := tc.typ == ThreadLabelsChanged || tc.typ == ThreadFieldCreated || tc.typ == ThreadFieldUpdated || tc.typ == ThreadFieldDeleted
		if tc.typ.ChangesLabelsOrFields() != isThreadTag {
			t.Errorf("%s: ChangesLabelsOrFields = %v", tc.typ, !isThreadTag)
		}
		if tc.typ.IsWebhook() != (tc.orderKey != "") {
			t.Errorf("%s: IsWebhook = %v", tc.typ, tc.typ.IsWebhook())
		}
	}
	for _, typ := range WebhookTypes() {
		if !seen[typ] {
			t.Errorf("no payload tested for webhook type %s", typ)
		}
		if typ.Description() == "" {
			t.Errorf("webhook type %s has no description", typ)
		}
	}
	w := WebhookTypes()
	w[0] = "changed"
	if WebhookTypes()[0] != ThreadCreated {
		t.Error("WebhookTypes shares its slice with the caller")
	}
}

var machineUserKeys = []string{"id", "fullName", "publicName", "description", "type"}

var labelTypeKeys = []string{"id", "name", "icon", "externalId", "isExcludedFromAi", "isArchived", "archivedAt", "archivedBy",
	"createdAt", "createdBy", "updatedAt", "updatedBy"}

func TestNewRecord(t *testing.T) {
	r, err := NewRecord("w_1", NewAPIKeyRevoked("ak_1"), bot, t1)
	if err != nil {
		t.Fatal(err)
	}
	if !core.ValidID(r.ID, core.PrefixEvent) || r.WorkspaceID != "w_1" || r.Type != APIKeyRevoked || r.Actor != bot ||
		r.CreatedAt != t1 || r.Seq != 0 || string(r.Payload) != `{"eventType":"apiKey.api_key_revoked","id":"ak_1"}` {
		t.Errorf("record = %+v (%s)", r, r.Payload)
	}
}

func TestActors(t *testing.T) {
	tests := []struct {
		a                 core.Actor
		actor, internalTo map[string]any
	}{
		{agent, map[string]any{"actorType": "user", "userId": "u_1"}, nil},
		{bot, map[string]any{"actorType": "machineUser", "machineUserId": "mu_1"}, nil},
		{core.SystemActor, map[string]any{"actorType": "system", "system": "system"}, nil},
		{core.Actor{Type: core.ActorSystem}, map[string]any{"actorType": "system", "system": ""}, nil},
		{core.Actor{Type: core.ActorCustomer, ID: "c_1"}, map[string]any{"actorType": "customer", "customerId": "c_1"}, map[string]any{"actorType": "UNKNOWN"}},
		{core.Actor{Type: core.ActorDeletedCustomer, ID: "c_2"}, map[string]any{"actorType": "customer", "customerId": "c_2"}, map[string]any{"actorType": "UNKNOWN"}},
		{core.Actor{Type: "robot", ID: "r_1"}, map[string]any{"actorType": "UNKNOWN"}, nil},
	}
	for _, tc := range tests {
		if got := decode(t, NewActor(tc.a)); !reflect.DeepEqual(got, tc.actor) {
			t.Errorf("NewActor(%v) = %v, want %v", tc.a, got, tc.actor)
		}
		internal := tc.internalTo
		if internal == nil {
			internal = tc.actor
		}
		if got := decode(t, NewInternalActor(tc.a)); !reflect.DeepEqual(got, internal) {
			t.Errorf("NewInternalActor(%v) = %v, want %v", tc.a, got, internal)
		}
	}
}

// TestNullAndEmpty checks the properties that are null, empty or left
// out when Threadline has nothing to show.
func TestNullAndEmpty(t *testing.T) {
	c := customer.Customer{ID: "c_1", CreatedAt: t0, UpdatedAt: t0}
	m := decode(t, NewCustomer(c))
	if v, ok := m["markedAsSpamBy"]; !ok || v != nil {
		t.Errorf("customer not spam: markedAsSpamBy = %v, %v; want null", v, ok)
	}
	for _, k := range []string{"shortName", "externalId", "markedAsSpamAt"} {
		if v, ok := m[k]; !ok || v != nil {
			t.Errorf("customer: %s = %v, %v; want null", k, v, ok)
		}
	}
	if !reflect.DeepEqual(m["customerGroupMemberships"], []any{}) {
		t.Errorf("customerGroupMemberships = %v", m["customerGroupMemberships"])
	}
	c.MarkedAsSpamAt = &t1
	if v, ok := decode(t, NewCustomer(c))["markedAsSpamBy"]; ok {
		t.Errorf("spam customer: markedAsSpamBy = %v, want it left out", v)
	}

	th := decode(t, NewThread(thread.Thread{ID: "th_1", CreatedAt: t0}, ThreadParts{Customer: c}))
	for _, k := range []string{"labels", "threadFields", "additionalAssignees", "supportEmailAddresses"} {
		if !reflect.DeepEqual(th[k], []any{}) {
			t.Errorf("thread: %s = %#v, want []", k, th[k])
		}
	}
	for _, k := range []string{"assignee", "assignedAt", "statusDetail", "externalId", "description", "previewText",
		"firstInboundMessageInfo", "firstOutboundMessageInfo", "lastInboundMessageInfo", "lastOutboundMessageInfo"} {
		if v, ok := th[k]; !ok || v != nil {
			t.Errorf("thread: %s = %v, %v; want null", k, v, ok)
		}
	}
	u := decode(t, NewUser(user.User{ID: "u_1", Status: "ASLEEP", CreatedBy: core.Actor{Type: core.ActorCustomer, ID: "c_1"}}))
	if u["status"] != "UNKNOWN_USER_STATUS" || u["deletedAt"] != nil || u["deletedBy"] != nil ||
		!reflect.DeepEqual(u["createdBy"], map[string]any{"actorType": "UNKNOWN"}) {
		t.Errorf("user = %v", u)
	}
	mu := decode(t, NewMachineUser(user.MachineUser{ID: "mu_1", DeletedAt: &t1, UpdatedBy: agent}))
	if mu["description"] != nil || mu["deletedAt"] != t1.ISO8601() || !reflect.DeepEqual(mu["deletedBy"], map[string]any{"actorType": "user", "userId": "u_1"}) {
		t.Errorf("deleted machine user = %v", mu)
	}
	lt := decode(t, NewLabelType(label.Type{ID: "lt_1", ArchivedAt: &t1}))
	if lt["isArchived"] != true || lt["archivedAt"] != t1.ISO8601() || lt["archivedBy"] != nil {
		t.Errorf("archived label type, archiver unknown = %v", lt)
	}
}

func TestStatusDetail(t *testing.T) {
	snooze := thread.Thread{StatusDetail: thread.DetailWaitingForDuration, StatusChangedAt: t0, WaitingUntil: &t1}
	tests := []struct {
		th   thread.Thread
		want map[string]any
	}{
		{thread.Thread{}, nil},
		{thread.Thread{StatusDetail: thread.DetailCreated, CreatedAt: t0}, map[string]any{"type": "CREATED", "createdAt": t0.ISO8601()}},
		{snooze, map[string]any{"type": "WAITING_FOR_DURATION", "waitingUntil": t1.ISO8601(), "durationSeconds": 3600.0}},
		{thread.Thread{StatusDetail: thread.DetailWaitingForDuration, StatusChangedAt: t0},
			map[string]any{"type": "WAITING_FOR_DURATION", "waitingUntil": t0.ISO8601(), "durationSeconds": 0.0}},
		{thread.Thread{StatusDetail: thread.DetailWaitingForCustomer, CreatedAt: t0}, map[string]any{"type": "WAITING_FOR_CUSTOMER"}},
		{thread.Thread{StatusDetail: thread.DetailDoneManuallySet}, map[string]any{"type": "DONE_MANUALLY_SET"}},
		{thread.Thread{StatusDetail: "THREAD_LINK_UPDATED"}, map[string]any{"type": "THREAD_LINK_UPDATED"}},
		{thread.Thread{StatusDetail: "SOMETHING_NEW"}, map[string]any{"type": "UNKNOWN"}},
	}
	for _, tc := range tests {
		got := decode(t, NewThread(tc.th, ThreadParts{}))["statusDetail"]
		if tc.want == nil && got != nil || tc.want != nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("detail %q: %v, want %v", tc.th.StatusDetail, got, tc.want)
		}
	}
}

func TestAssignees(t *testing.T) {
	th, parts := fixture()
	for _, tc := range []struct {
		assignee Assignee
		want     map[string]any
	}{
		{AssigneeRef{ID: "u_gone"}, map[string]any{"id": "u_gone"}},
		{NewMachineUser(user.MachineUser{ID: "mu_1", FullName: "Bot", Description: core.Ptr("d"), CreatedAt: t0, UpdatedAt: t0}),
			map[string]any{"id": "mu_1", "fullName": "Bot", "publicName": "", "description": "d", "createdAt": t0.ISO8601(),
				"createdBy": map[string]any{"actorType": "UNKNOWN"}, "updatedAt": t0.ISO8601(), "updatedBy": map[string]any{"actorType": "UNKNOWN"},
				"deletedAt": nil, "deletedBy": nil}},
	} {
		parts.Assignee = tc.assignee
		if got := decode(t, NewThread(th, parts))["assignee"]; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("assignee %T = %v, want %v", tc.assignee, got, tc.want)
		}
	}
}

// TestGolden pins the encoding of the two largest payloads (go test
// -update rewrites the files).
func TestGolden(t *testing.T) {
	th, parts := fixture()
	prev := th
	prev.Priority, prev.UpdatedAt, prev.Assignee, prev.AssignedAt = thread.DefaultPriority, t0, nil, nil
	prevParts := parts
	prevParts.Assignee = nil
	for name, p := range map[string]Payload{
		"thread_created.json": NewThreadCreated(NewThread(th, parts)),
		"thread_field_updated.json": NewThreadFieldUpdated(
			ThreadChange{Thread: NewThread(th, parts), PreviousThread: NewThread(prev, prevParts)},
			NewThreadField(parts.Values[0]), NewThreadField(field.Value{ID: "tf_1", ThreadID: "th_1", Key: "plan",
				Type: field.TypeString, String: core.Ptr("free"), CreatedAt: t0, CreatedBy: bot, UpdatedAt: t0, UpdatedBy: bot})),
	} {
		got, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != string(got)+"\n" {
			t.Errorf("%s changed:\n%s", path, got)
		}
	}
}
