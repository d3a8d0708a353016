package server

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/company"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customercard"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/graph"
	"github.com/threadline/threadline/internal/graph/generated"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/storetest"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/tier"
	"github.com/threadline/threadline/internal/timeline"
)

// servedSchema is the schema the server executes.
func servedSchema() *ast.Schema {
	return generated.NewExecutableSchema(generated.Config{}).Schema()
}

// relationFields are the fields gqlgen resolves with a resolver of ours
// ("Thread.customer"): their value is not part of the object that holds
// them, so each must declare who may select it. Read from the generated
// resolver interfaces, not kept by hand.
func relationFields(schema *ast.Schema) map[string]bool {
	out := map[string]bool{}
	root := reflect.TypeFor[generated.ResolverRoot]()
	for i := range root.NumMethod() {
		m := root.Method(i)
		def := schema.Types[m.Name]
		iface := m.Type.Out(0)
		for j := range iface.NumMethod() {
			for _, f := range def.Fields {
				if strings.EqualFold(f.Name, iface.Method(j).Name) {
					out[def.Name+"."+f.Name] = true
				}
			}
		}
	}
	return out
}

// TestAccessDeclared walks every field and operation of the served schema:
// each root operation and each relation declares its access rule
// (@requires or @public); every other field is part of the object that
// holds it, readable by whoever reached that object, unless its type
// declares more (User, MachineUser).
func TestAccessDeclared(t *testing.T) {
	schema := servedSchema()
	rules, err := graph.ServedRules()
	if err != nil {
		t.Fatal(err)
	}
	relations := relationFields(schema)
	if !relations["Thread.customer"] || !relations["Query.thread"] {
		t.Fatalf("relation fields not found: %v", relations)
	}
	declared, carried := 0, 0
	for _, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			name := def.Name + "." + f.Name
			_, ok := rules.Of(def.Name, f.Name)
			mustDeclare := def.Name == "Query" || def.Name == "Mutation" || relations[name]
			switch {
			case ok:
				declared++
			case mustDeclare:
				t.Errorf("%s declares no access rule: give it @requires(permissions: [...]) or @public(reason: ...)", name)
			default:
				carried++
			}
		}
	}
	t.Logf("%d fields declare their access rule; %d are part of the object holding them", declared, carried)
}

// accessWorld is what the access samples act on.
type accessWorld struct {
	customerID, threadID, userThreadID, botThreadID, labelID, labelTypeID, userID, userEmail, botID string
	// Accounts: the customer works for the company, is in the tenant and
	// the group; the thread is about the tenant, which is in the tier.
	companyID, tenantID, tierID, groupID, cardConfigID string
}

func (e *env) accessWorld(t *testing.T) accessWorld {
	t.Helper()
	ctx := service.System(context.Background(), e.ws)
	f := e.fixture(t)
	w := accessWorld{customerID: f.customer.ID, labelTypeID: f.labelType.ID, userEmail: "agent@example.com"}
	u, err := e.svc.CreateUser(ctx, w.userEmail, "Agent")
	if err != nil {
		t.Fatal(err)
	}
	w.userID = u.ID
	k, err := e.svc.CreateAPIKey(ctx, "bot", []auth.Permission{auth.ThreadRead}, "")
	if err != nil {
		t.Fatal(err)
	}
	w.botID = k.Key.MachineUserID
	for _, dst := range []*string{&w.threadID, &w.userThreadID, &w.botThreadID} {
		th, err := e.svc.CreateThread(ctx, service.CreateThreadInput{Title: core.Ptr("T"),
			Customer: customer.Identifier{CustomerID: &f.customer.ID}, LabelTypeIDs: []string{f.labelType.ID}})
		if err != nil {
			t.Fatal(err)
		}
		*dst = th.ID
	}
	if _, err := e.svc.AssignThread(ctx, w.userThreadID, service.AssigneeInput{UserID: &w.userID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AssignThread(ctx, w.botThreadID, service.AssigneeInput{MachineUserID: &w.botID}); err != nil {
		t.Fatal(err)
	}
	labels, err := e.svc.LabelsOfThreads(ctx, []string{w.threadID})
	if err != nil || len(labels[w.threadID]) != 1 {
		t.Fatalf("labels: %v %v", labels, err)
	}
	w.labelID = labels[w.threadID][0].Label.ID
	e.conversationWorld(t, ctx, &w)
	e.accessAccounts(t, ctx, &w)
	return w
}

// conversationWorld gives the access world's thread a labels change, a
// note and a thread event, whose timeline entries the samples read.
func (e *env) conversationWorld(t *testing.T, ctx context.Context, w *accessWorld) {
	t.Helper()
	lt, err := e.svc.CreateLabelType(ctx, label.CreateInput{Name: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddLabels(ctx, w.threadID, []string{lt.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateNote(ctx, service.CreateNoteInput{CustomerID: w.customerID, ThreadID: &w.threadID,
		Content: note.Content{Text: "Internal"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateThreadEvent(ctx, w.threadID, timeline.EventInput{Title: "Deployed",
		Components: []component.Component{{Text: &component.Text{Text: "v2"}}}}); err != nil {
		t.Fatal(err)
	}
	// An email to the customer, answering the API thread.
	if _, err := e.svc.AddSupportAddress(ctx, "help@access.test", "Access Support"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ReplyToThread(ctx, service.ReplyInput{ThreadID: w.threadID, Text: "By email"}); err != nil {
		t.Fatal(err)
	}
}

// accessAccounts gives the access world its accounts and a card config.
func (e *env) accessAccounts(t *testing.T, ctx context.Context, w *accessWorld) {
	t.Helper()
	co, _, err := e.svc.UpsertCompany(ctx, company.UpsertInput{Identifier: company.Identifier{DomainName: core.Ptr("acme-access.io")},
		Name: "Acme", DomainName: "acme-access.io", AccountOwnerUserID: &w.userID})
	check(t, err)
	te, _, err := e.svc.UpsertTenant(ctx, tenant.UpsertInput{Identifier: tenant.Identifier{ExternalID: core.Ptr("acc-access")},
		ExternalID: "acc-access", Name: "Acme account"})
	check(t, err)
	tr, err := e.svc.CreateTier(ctx, tier.CreateInput{Name: "Gold", ExternalID: "gold-access", Color: "#ffd700",
		Members: []tier.Member{{TenantID: &te.ID}, {CompanyID: &co.ID}}})
	check(t, err)
	g, err := e.svc.CreateCustomerGroup(ctx, customergroup.Fields{Name: "VIP", Key: "vip-access", Color: "#ff0000"})
	check(t, err)
	_, err = e.svc.UpdateCustomerCompany(ctx, w.customerID, &company.Identifier{ID: &co.ID})
	check(t, err)
	_, err = e.svc.ChangeCustomerTenants(ctx, service.AddTenants, customer.Identifier{CustomerID: &w.customerID},
		[]tenant.Identifier{{ID: &te.ID}})
	check(t, err)
	_, err = e.svc.AddCustomerToCustomerGroups(ctx, w.customerID, []customergroup.Identifier{{ID: &g.ID}})
	check(t, err)
	_, err = e.svc.UpdateThreadTenant(ctx, w.threadID, &tenant.Identifier{ID: &te.ID})
	check(t, err)
	cfg, err := e.svc.CreateCustomerCardConfig(ctx, customercard.CreateInput{Title: "Plan", Key: "plan-access",
		DefaultTTLSeconds: 60, APIURL: "https://cards.example.com/plan"})
	check(t, err)
	w.companyID, w.tenantID, w.tierID, w.groupID, w.cardConfigID = co.ID, te.ID, tr.ID, g.ID, cfg.ID
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// accessSamples are documents that select every operation and every field
// with a declared permission at least once (TestAccessEnforced checks that
// they do). Mutations that would destroy the world name ids that do not
// exist: a key holding the permissions gets NOT_FOUND, not FORBIDDEN.
func accessSamples(w accessWorld) []string {
	th := `thread(threadId: "` + w.threadID + `")`
	missing := `"x_01H14DFQ4PDYBH398J1E99TWSS"`
	return append([]string{
		`{ myWorkspace { id workspaceEmailSettings { isEnabled } } }`,
		`{ workspaceHmac { hmacSecret } }`,
		`{ user(userId: "` + w.userID + `") { id email } }`,
		`{ userByEmail(email: "` + w.userEmail + `") { id } }`,
		`{ customer(customerId: "` + w.customerID + `") { id } }`,
		`{ customerByEmail(email: "ann@example.com") { id } }`,
		`{ customerByExternalId(externalId: "x") { id } }`,
		`{ customers { edges { node { id } } } }`,
		`{ searchCustomers(searchQuery: {or: [{fullName: {caseInsensitiveContains: "a"}}]}) { edges { node { id } } } }`,
		`{ labelType(labelTypeId: "` + w.labelTypeID + `") { id } }`,
		`{ labelTypes { edges { node { id } } } }`,
		`{ threadFieldSchema(threadFieldSchemaId: ` + missing + `) { id } }`,
		`{ threadFieldSchemas { edges { node { key } } } }`,
		`{ ` + th + ` { id customer { id } threadFields { key } tenant { id } tier { id } } }`,
		`{ ` + th + ` { customer { fullName company { id } } } }`,
		`{ ` + th + ` { labels { id } } }`,
		`{ ` + th + ` { labels { labelType { name } } } }`,
		`{ thread(threadId: "` + w.userThreadID + `") { assignedTo { __typename ... on User { email } } } }`,
		`{ thread(threadId: "` + w.botThreadID + `") { assignedTo { ... on MachineUser { fullName } } } }`,
		`{ threadByRef(ref: "T-1") { id } }`,
		`{ threadByExternalId(customerId: "` + w.customerID + `", externalId: "x") { id } }`,
		`{ threads { edges { node { id } } } }`,
		`{ searchThreads(searchQuery: {term: "t"}) { edges { node { thread { id } } } } }`,
		`{ webhookTarget(webhookTargetId: ` + missing + `) { id } }`,
		`{ webhookTargets { edges { node { id } } } }`,
		`{ webhookDeliveryAttempts(webhookTargetId: ` + missing + `) { edges { node { id } } } }`,
		`mutation { regenerateWorkspaceHmac { workspaceHmac { hmacSecret } error { type code message } } }`,
		`mutation { upsertCustomer(input: {identifier: {emailAddress: "z@example.com"}, onCreate: {fullName: "Z", email: {email: "z@example.com", isVerified: false}}, onUpdate: {}}) { customer { id } error { type code message } } }`,
		`mutation { deleteCustomer(input: {customerId: ` + missing + `}) { error { type code message } } }`,
		`mutation { createLabelType(input: {name: "x"}) { labelType { id } error { type code message } } }`,
		`mutation { archiveLabelType(input: {labelTypeId: ` + missing + `}) { error { type code message } } }`,
		`mutation { unarchiveLabelType(input: {labelTypeId: ` + missing + `}) { error { type code message } } }`,
		`mutation { addLabels(input: {threadId: "` + w.threadID + `", labelTypeIds: ["` + w.labelTypeID + `"]}) { labels { id labelType { id } } error { type code message } } }`,
		`mutation { removeLabels(input: {labelIds: [` + missing + `]}) { error { type code message } } }`,
		`mutation { createThreadFieldSchema(input: {key: "k", label: "K", description: "", enumValues: [], isAiAutoFillEnabled: false, isRequired: false, order: 0, type: STRING}) { threadFieldSchema { id } error { type code message } } }`,
		`mutation { updateThreadFieldSchema(input: {threadFieldSchemaId: ` + missing + `, label: {value: "x"}}) { error { type code message } } }`,
		`mutation { deleteThreadFieldSchema(input: {threadFieldSchemaId: ` + missing + `}) { error { type code message } } }`,
		`mutation { upsertThreadField(input: {identifier: {threadId: "` + w.threadID + `", key: "my_string_field"}, type: STRING, stringValue: "v"}) { threadField { id } error { type code message } } }`,
		`mutation { deleteThreadField(input: {identifier: {threadId: ` + missing + `, key: "my_string_field"}}) { error { type code message } } }`,
		`mutation { createThread(input: {customerIdentifier: {customerId: "` + w.customerID + `"}, components: [{componentText: {text: "x"}}]}) { thread { customer { id fullName } labels { labelType { name } } assignedTo { ... on User { email } ... on MachineUser { fullName } } } error { type code message } } }`,
		`mutation { markThreadAsDone(input: {threadId: ` + missing + `}) { thread { id } error { type code message } } }`,
		`mutation { markThreadAsTodo(input: {threadId: ` + missing + `}) { thread { id } error { type code message } } }`,
		`mutation { snoozeThread(input: {threadId: ` + missing + `, durationSeconds: 60}) { thread { id } error { type code message } } }`,
		`mutation { changeThreadPriority(input: {threadId: ` + missing + `, priority: 1}) { thread { id } error { type code message } } }`,
		`mutation { assignThread(input: {threadId: ` + missing + `, userId: "` + w.userID + `"}) { thread { id } error { type code message } } }`,
		`mutation { unassignThread(input: {threadId: ` + missing + `}) { thread { id } error { type code message } } }`,
		`mutation { createWebhookTarget(input: {url: "https://example.com/hook", description: "d", isEnabled: false, eventSubscriptions: []}) { webhookTarget { id } error { type code message } } }`,
		`mutation { updateWebhookTarget(input: {webhookTargetId: ` + missing + `, description: {value: "x"}}) { error { type code message } } }`,
		`mutation { deleteWebhookTarget(input: {webhookTargetId: ` + missing + `}) { error { type code message } } }`,
	}, append(conversationSamples(w, th, missing), accountSamples(w, missing)...)...)
}

// conversationSamples select the timeline, notes, events, chats and
// attachments.
func conversationSamples(w accessWorld, th, missing string) []string {
	cust := `"` + w.customerID + `"`
	entries := func(sel string) string {
		return `{ ` + th + ` { timelineEntries { edges { node { ` + sel + ` } } } } }`
	}
	return []string{
		entries(`id llmText entry { __typename }`),
		entries(`entry { ... on NoteEntry { text } }`),
		entries(`entry { ... on ThreadEventEntry { title } }`),
		entries(`entry { ... on ThreadLabelsChangedEntry { nextLabels { id } previousLabels { id } } }`),
		entries(`entry { ... on EmailEntry { emailId textContent sendStatus to { emailActor { ... on CustomerEmailActor { customerId } } } } }`),
		entries(`entry { ... on EmailEntry { to { emailActor { ... on CustomerEmailActor { customer { fullName } } } } } }`),
		`{ timelineEntries(customerId: ` + cust + `) { edges { node { id } } } }`,
		`{ timelineEntry(customerId: ` + cust + `, timelineEntryId: ` + missing + `) { id } }`,
		`mutation { createNote(input: {customerId: ` + cust + `, threadId: "` + w.threadID + `", text: "x"}) { note { id customer { fullName } } error { type code message } } }`,
		`mutation { updateNote(input: {noteId: ` + missing + `, text: "x"}) { note { id } error { type code message } } }`,
		`mutation { deleteNote(input: {noteId: ` + missing + `}) { note { id } error { type code message } } }`,
		`mutation { createThreadEvent(input: {threadId: ` + missing + `, title: "t", components: [{componentText: {text: "x"}}]}) { threadEvent { id } error { type code message } } }`,
		`mutation { createCustomerEvent(input: {customerIdentifier: {customerId: ` + missing + `}, title: "t", components: [{componentText: {text: "x"}}]}) { customerEvent { id } error { type code message } } }`,
		`mutation { sendChat(input: {customerId: ` + missing + `, text: "x"}) { chat { id } error { type code message } } }`,
		`mutation { sendCustomerChat(input: {customerId: ` + cust + `, threadId: ` + missing + `, text: "x"}) { chat { id } error { type code message } } }`,
		`mutation { replyToThread(input: {threadId: ` + missing + `, textContent: "x"}) { error { type code message } } }`,
		`mutation { sendNewEmail(input: {customerId: ` + cust + `, subject: "s", textContent: "x"}) { email { id customer { fullName } thread { id } } error { type code message } } }`,
		`mutation { replyToEmail(input: {inReplyToEmailId: ` + missing + `, textContent: "x"}) { email { id attachments { id } } error { type code message } } }`,
		`mutation { createAttachmentUploadUrl(input: {customerId: ` + missing + `, fileName: "a.png", fileSizeBytes: 1, attachmentType: CHAT}) { attachmentUploadUrl { uploadFormUrl } error { type code message } } }`,
		`mutation { createAttachmentDownloadUrl(input: {attachmentId: ` + missing + `}) { attachmentDownloadUrl { downloadUrl } error { type code message } } }`,
	}
}

// accountSamples are the access samples of companies, tenants, tiers,
// customer groups and customer cards.
func accountSamples(w accessWorld, missing string) []string {
	cust := `customer(customerId: "` + w.customerID + `")`
	return []string{
		`{ company(companyId: "` + w.companyID + `") { id accountOwner { id } tier { id } } }`,
		`{ companies { edges { node { id } } } }`,
		`{ searchCompanies(searchQuery: {term: "acme"}) { edges { node { company { id } } } } }`,
		`{ tenant(tenantId: "` + w.tenantID + `") { id tier { id } } }`,
		`{ tenants { edges { node { id } } } }`,
		`{ searchTenants(searchQuery: {term: "acme"}) { edges { node { tenant { id } } } } }`,
		`{ tier(tierId: "` + w.tierID + `") { id memberships { totalCount } } }`,
		`{ tiers { edges { node { id } } } }`,
		`{ customerGroup(customerGroupId: "` + w.groupID + `") { id } }`,
		`{ customerGroups { edges { node { id } } } }`,
		`{ ` + cust + ` { company { id } } }`,
		`{ ` + cust + ` { tenantMemberships { edges { node { createdAt { iso8601 } } } } } }`,
		`{ ` + cust + ` { tenantMemberships { edges { node { tenant { id } } } } } }`,
		`{ ` + cust + ` { customerGroupMemberships { edges { node { customerId } } } } }`,
		`{ ` + cust + ` { customerGroupMemberships { edges { node { customerGroup { id } } } } } }`,
		`{ customerCardConfig(customerCardConfigId: "` + w.cardConfigID + `") { id apiUrl } }`,
		`{ customerCardConfigs { id apiHeaders { name } } }`,
		`{ customerCardInstances(customerId: "` + w.customerID + `") { id } }`,
		`mutation { upsertCompany(input: {identifier: {companyDomainName: "new-access.io"}, name: "New", domainName: "new-access.io"}) { company { id } error { type code message } } }`,
		`mutation { updateCustomerCompany(input: {customerId: ` + missing + `, companyIdentifier: null}) { customer { id } error { type code message } } }`,
		`mutation { deleteCompany(input: {companyIdentifier: {companyId: ` + missing + `}}) { error { type code message } } }`,
		`mutation { upsertTenant(input: {identifier: {externalId: "new-access"}, externalId: "new-access", name: "New"}) { tenant { id } error { type code message } } }`,
		`mutation { addCustomerToTenants(input: {customerIdentifier: {customerId: ` + missing + `}, tenantIdentifiers: []}) { error { type code message } } }`,
		`mutation { removeCustomerFromTenants(input: {customerIdentifier: {customerId: ` + missing + `}, tenantIdentifiers: []}) { error { type code message } } }`,
		`mutation { setCustomerTenants(input: {customerIdentifier: {customerId: ` + missing + `}, tenantIdentifiers: []}) { error { type code message } } }`,
		`mutation { updateThreadTenant(input: {threadId: ` + missing + `, tenantIdentifier: null}) { thread { id } error { type code message } } }`,
		`mutation { deleteTenant(input: {tenantIdentifier: {tenantId: ` + missing + `}}) { error { type code message } } }`,
		`mutation { createTier(input: {name: "New", externalId: "new-access", color: "#000000", memberIdentifiers: []}) { tier { id } error { type code message } } }`,
		`mutation { updateTier(input: {tierId: ` + missing + `}) { tier { id } error { type code message } } }`,
		`mutation { deleteTier(input: {tierId: ` + missing + `}) { error { type code message } } }`,
		`mutation { addMembersToTier(input: {tierIdentifier: {tierId: ` + missing + `}, memberIdentifiers: []}) { memberships { __typename } error { type code message } } }`,
		`mutation { removeMembersFromTier(input: {memberIdentifiers: [{tenantId: ` + missing + `}]}) { memberships { __typename } error { type code message } } }`,
		`mutation { updateTenantTier(input: {tenantIdentifier: {tenantId: ` + missing + `}, tierIdentifier: null}) { error { type code message } } }`,
		`mutation { updateCompanyTier(input: {companyIdentifier: {companyId: ` + missing + `}, tierIdentifier: null}) { error { type code message } } }`,
		`mutation { updateThreadTier(input: {threadId: ` + missing + `, tierIdentifier: null}) { thread { id } error { type code message } } }`,
		`mutation { createCustomerGroup(input: {name: "New", key: "new-access", color: "#000000"}) { customerGroup { id } error { type code message } } }`,
		`mutation { upsertCustomerGroup(input: {identifier: {customerGroupKey: "up-access"}, name: "Up", key: "up-access", color: "#000000"}) { customerGroup { id } error { type code message } } }`,
		`mutation { updateCustomerGroup(input: {customerGroupId: ` + missing + `}) { error { type code message } } }`,
		`mutation { deleteCustomerGroup(input: {customerGroupId: ` + missing + `}) { error { type code message } } }`,
		`mutation { addCustomerToCustomerGroups(input: {customerId: ` + missing + `, customerGroupIdentifiers: [{customerGroupKey: "vip-access"}]}) { customerGroupMemberships { customerGroup { id } } error { type code message } } }`,
		`mutation { removeCustomerFromCustomerGroups(input: {customerId: ` + missing + `, customerGroupIdentifiers: [{customerGroupKey: "vip-access"}]}) { error { type code message } } }`,
		`mutation { createCustomerCardConfig(input: {title: "New", key: "new-access", defaultTimeToLiveSeconds: 60, apiUrl: "https://cards.example.com/new", apiHeaders: []}) { customerCardConfig { id apiUrl } error { type code message } } }`,
		`mutation { updateCustomerCardConfig(input: {customerCardConfigId: ` + missing + `}) { error { type code message } } }`,
		`mutation { deleteCustomerCardConfig(input: {customerCardConfigId: ` + missing + `}) { error { type code message } } }`,
		`mutation { reloadCustomerCardInstance(input: {customerCardConfigId: ` + missing + `, customerId: "` + w.customerID + `"}) { error { type code message } } }`,
	}
}

// sampleNeeds is what the schema declares a sample needs: its root
// operation's permissions and those of every field it selects.
func sampleNeeds(t *testing.T, rules *graph.Rules, schema *ast.Schema, doc string) (root *ast.Field, need []auth.Permission) {
	t.Helper()
	q, errs := gqlparser.LoadQuery(schema, doc)
	if len(errs) > 0 {
		t.Fatalf("sample does not validate: %v\n%s", errs, doc)
	}
	op := q.Operations[0]
	root = op.SelectionSet[0].(*ast.Field)
	rule, _ := rules.Of(root.ObjectDefinition.Name, root.Name)
	need = slices.Clone(rule.Permissions)
	for _, p := range rules.SelectionNeeds(root.SelectionSet) {
		if !slices.Contains(need, p) {
			need = append(need, p)
		}
	}
	return root, need
}

// selected records every (type, field) a validated selection names.
func selected(sel ast.SelectionSet, into map[string]bool) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				into[s.ObjectDefinition.Name+"."+s.Name] = true
			}
			selected(s.SelectionSet, into)
		case *ast.InlineFragment:
			selected(s.SelectionSet, into)
		case *ast.FragmentSpread:
			selected(s.Definition.SelectionSet, into)
		}
	}
}

// TestAccessEnforced: for every declared permission of every operation and
// field, a key lacking it is refused (queries: HTTP 403 FORBIDDEN;
// mutations: a forbidden MutationError, and nothing written) and a key
// holding what the schema declares is not.
func TestAccessEnforced(t *testing.T) {
	schema := servedSchema()
	rules, err := graph.ServedRules()
	if err != nil {
		t.Fatal(err)
	}
	forEachBackend(t, func(t *testing.T, e *env) {
		w := e.accessWorld(t)
		covered := map[string]bool{}
		for _, doc := range slices.Concat(accessSamples(w), relationSamples(e.relationWorld(t, w)), compatSamples(w, e.ws)) {
			root, need := sampleNeeds(t, rules, schema, doc)
			q, _ := gqlparser.LoadQuery(schema, doc)
			selected(q.Operations[0].SelectionSet, covered)
			e.checkAccess(t, root, need, doc)
		}
		checkSamplesCover(t, rules, schema, covered)
	})
}

// checkAccess posts doc with a key holding need, then with keys lacking
// one permission of need each.
func (e *env) checkAccess(t *testing.T, root *ast.Field, need []auth.Permission, doc string) {
	t.Helper()
	mutation := root.ObjectDefinition.Name == "Mutation"
	if r := e.post(e.key(e.ws, without(need, "")...), doc, nil); refusedFor(r, root.Name, mutation) != "" {
		t.Errorf("%s with %v was refused: %s", root.Name, need, r.Raw)
	}
	for _, p := range need {
		key := e.key(e.ws, without(need, p)...)
		before := storetest.Digest(t, e.st)
		r := e.post(key, doc, nil)
		if got := refusedFor(r, root.Name, mutation); got != string(p) {
			t.Errorf("%s without %s: refused for %q: %d %s", root.Name, p, got, r.Status, r.Raw)
		}
		if mutation && storetest.Digest(t, e.st) != before {
			t.Errorf("%s without %s wrote to the database", root.Name, p)
		}
	}
}

// refusedFor returns the permission a response was refused for, "" when it
// was not refused, or "?" when it was refused in another shape.
func refusedFor(r response, rootField string, mutation bool) string {
	const prefix, suffix = `Insufficient permissions, missing "`, `".`
	msg := ""
	if mutation {
		er, _ := path(r.Body, "data", rootField, "error").(map[string]any)
		if er == nil || er["type"] != "FORBIDDEN" {
			return ""
		}
		if r.Status != 200 || er["code"] != "forbidden" {
			return "?"
		}
		msg, _ = er["message"].(string)
	} else {
		errs, _ := r.Body["errors"].([]any)
		if len(errs) == 0 {
			return ""
		}
		first, _ := errs[0].(map[string]any)
		if code(first) != "FORBIDDEN" {
			return ""
		}
		if r.Status != 403 || r.Body["data"] != nil {
			return "?"
		}
		msg, _ = first["message"].(string)
	}
	if !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, suffix) {
		return "?"
	}
	return strings.TrimSuffix(strings.TrimPrefix(msg, prefix), suffix)
}

// filler is a permission no operation of the schema asks for: it lets a
// test key hold "nothing else" (a key holds at least one permission).
const filler = auth.ChatAppCreate

// without returns ps without p, plus filler.
func without(ps []auth.Permission, p auth.Permission) []auth.Permission {
	out := []auth.Permission{filler}
	for _, q := range ps {
		if q != p {
			out = append(out, q)
		}
	}
	return out
}

// checkSamplesCover fails for a root operation, or a field with a declared
// permission, that no sample selects.
func checkSamplesCover(t *testing.T, rules *graph.Rules, schema *ast.Schema, covered map[string]bool) {
	for _, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		for _, f := range def.Fields {
			name := def.Name + "." + f.Name
			rule, ok := rules.Of(def.Name, f.Name)
			if slices.Contains(rule.Permissions, filler) {
				t.Errorf("%s asks for %s, the tests' filler permission: choose another filler", name, filler)
			}
			root := def.Name == "Query" || def.Name == "Mutation"
			if strings.HasPrefix(f.Name, "__") || !(root || ok && len(rule.Permissions) > 0 && !rule.OnType) {
				continue
			}
			if !covered[name] {
				t.Errorf("no access sample selects %s: add one to accessSamples", name)
			}
		}
		if rule, ok := typeRule(rules, def); ok && !anyCovered(covered, def) {
			t.Errorf("no access sample selects a field of %s (needs %v)", def.Name, rule.Permissions)
		}
	}
}

// typeRule reports the rule a type declares for all its fields.
func typeRule(rules *graph.Rules, def *ast.Definition) (graph.Rule, bool) {
	for _, f := range def.Fields {
		if r, ok := rules.Of(def.Name, f.Name); ok && r.OnType {
			return r, true
		}
	}
	return graph.Rule{}, false
}

func anyCovered(covered map[string]bool, def *ast.Definition) bool {
	for _, f := range def.Fields {
		if covered[def.Name+"."+f.Name] {
			return true
		}
	}
	return false
}
