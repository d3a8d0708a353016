// Package storetest is the conformance suite every storage backend must
// pass: one table of behaviours (suite), run against SQLite and PostgreSQL
// by their packages' tests, that covers every method of every interface of
// package store (TestSuiteCoversEveryMethod keeps it so). It also holds the
// storage benchmarks' support (BenchBareInsert, SeedList).
package storetest

import (
	"context"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/workspace"
)

// Factory returns a fresh, migrated, empty store closed when the test ends.
type Factory func(t *testing.T) store.Store

// Run runs the whole suite against the backend made by newStore, each test
// on a fresh store.
func Run(t *testing.T, newStore Factory) {
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// conformance is one test of the suite and the store methods it covers,
// each named "Interface.Method" after an interface of package store.
type conformance struct {
	name   string
	covers []string
	fn     func(t *testing.T, st store.Store)
}

// suite is every conformance test, in the order Run runs them: the one
// place tests are registered.
var suite = []conformance{
	// The store and its transactions.
	{"Backend", []string{"Store.Backend"}, testBackend},
	{"WorkspaceRoundTrip", []string{"Store.View", "Store.Update", "WorkspaceStore.CreateWorkspace",
		"WorkspaceStore.GetWorkspace", "WorkspaceStore.UpdateWorkspaceHMAC"}, testWorkspaceRoundTrip},
	{"UpdateWorkspace", []string{"WorkspaceStore.UpdateWorkspace"}, testUpdateWorkspace},
	{"FailedUpdateWritesNothing", []string{"Store.Update"}, testFailedUpdate},
	{"ConcurrentUpdatesIsolated", []string{"Store.Update"}, testConcurrentUpdatesIsolated},
	{"BatchedUpdatesFailAlone", []string{"Store.Update"}, testBatchIsolation},
	{"BatchedInsertFailuresFailAlone", []string{"Store.Update", "OutboxStore.AppendEvent"}, testBatchInsertFailures},
	{"BatchedUpdatesPublishOnlyCommitted", []string{"PublishStore.Publish", "Broadcaster.Subscribe"}, testBatchPublishes},
	{"CloseEndsTheStore", []string{"Store.Close"}, testClose},
	{"SettingOnce", []string{"WorkspaceStore.SetSettingOnce", "WorkspaceStore.Setting"}, testSettingOnce},
	{"CountersDistinctUnderConcurrency", []string{"WorkspaceStore.NextCounter"}, testCounters},
	{"AllocatorDistinctUnderConcurrency", []string{"Allocator.Allocate"}, testAllocate},
	{"WindowCounts", []string{"WindowCounter.CountInWindow"}, testWindowCounter},
	{"SecretsSealedAtRest", []string{"SecretKeeper.UseSecrets"}, testSecretsSealed},
	{"LastKeyChange", []string{"APIKeyStore.LastKeyChange"}, testLastKeyChange},
	{"PublishedOnCommit", []string{"PublishStore.Publish", "Broadcaster.Subscribe"}, testPublish},
	{"NotFound", []string{"WorkspaceStore.GetWorkspace", "WorkspaceStore.Setting", "UserStore.GetUser",
		"UserStore.GetUserByEmail", "UserStore.GetMachineUser"}, testNotFound},

	// Users, machine users and API keys.
	{"Users", []string{"UserStore.CreateUser", "UserStore.GetUser", "UserStore.GetUserByEmail"}, testUsers},
	{"UsersByIDs", []string{"UserStore.GetUsers", "UserStore.GetMachineUsers"}, testUsersByIDs},
	{"MachineUsersAndKeys", []string{"UserStore.CreateMachineUser", "UserStore.GetMachineUser", "APIKeyStore.CreateAPIKey",
		"APIKeyStore.APIKeyByHash", "APIKeyStore.ListAPIKeys", "APIKeyStore.RevokeAPIKey"}, testMachineUsersAndKeys},
	{"UserChangesAndLists", []string{"UserStore.UpdateUser", "UserStore.ListUsers"}, testUserChangesAndLists},
	{"MachineUserChangesAndLists", []string{"UserStore.UpdateMachineUser", "UserStore.ListMachineUsers"}, testMachineUserChangesAndLists},
	{"APIKeysOfMachineUser", []string{"APIKeyStore.GetAPIKey", "APIKeyStore.ListAPIKeysOfMachineUser",
		"APIKeyStore.UpdateAPIKey", "APIKeyStore.RevokeAPIKeysOfMachineUser"}, testAPIKeysOfMachineUser},

	// The outbox and webhook deliveries: claims, leases and their locks first.
	{"Outbox", []string{"OutboxStore.AppendEvent", "OutboxStore.ListEvents"}, testOutbox},
	{"GetEvent", []string{"OutboxStore.GetEvent"}, testGetEvent},
	{"ClaimDeliveriesDueInKeyOrder", []string{"WebhookStore.ClaimDeliveries", "WebhookStore.CreateDelivery",
		"WebhookStore.FinishAttempt"}, testClaimDueInKeyOrder},
	{"ClaimDeliveriesLeases", []string{"WebhookStore.ClaimDeliveries", "WebhookStore.FinishAttempt",
		"WebhookStore.GetDelivery"}, testClaimLeases},
	{"ConcurrentClaimersNeverShare", []string{"WebhookStore.ClaimDeliveries", "WebhookStore.FinishAttempt"}, testConcurrentClaimers},
	{"ClaimSkipsLockedDeliveries", []string{"WebhookStore.ClaimDeliveries"}, testClaimSkipsLocked},
	{"HasDueDeliveries", []string{"WebhookStore.HasDueDeliveries", "WebhookStore.DeliveryBacklog"}, testHasDueDeliveries},
	{"Instrumented", []string{"Instrumented.OnCommit", "Instrumented.Pool"}, testInstrumented},
	{"Deliveries", []string{"WebhookStore.CreateDelivery", "WebhookStore.GetDelivery", "WebhookStore.ListDeliveries"}, testDeliveries},
	{"CancelDeliveries", []string{"WebhookStore.CancelDeliveries"}, testCancelDeliveries},
	{"Attempts", []string{"WebhookStore.CreateAttempt", "WebhookStore.ListAttempts"}, testAttempts},
	{"Targets", []string{"WebhookStore.CreateTarget", "WebhookStore.GetTarget", "WebhookStore.UpdateTarget",
		"WebhookStore.DeleteTarget", "WebhookStore.ListTargets", "WebhookStore.LockTarget"}, testTargets},
	{"TargetsListedAfterWrites", []string{"WebhookStore.ListTargets", "WebhookStore.CreateTarget", "WebhookStore.UpdateTarget",
		"WebhookStore.DeleteTarget"}, testTargetsListedAfterWrites},
	{"ConfigReadAfterWrites", []string{"LabelStore.GetLabelTypes", "FieldStore.ListFieldSchemas"}, testConfigReadAfterWrites},

	// Row locks: concurrent changes of one row serialise.
	{"LocksSerialiseChanges", []string{"ThreadStore.LockThread", "CustomerStore.LockCustomer", "LabelStore.LockLabelType",
		"FieldStore.LockFieldSchema", "WebhookStore.LockTarget"}, testLocksSerialise},
	{"LockThreadWaitsForHolder", []string{"ThreadStore.LockThread"}, testLockThreadWaits},

	// Customers.
	{"CustomerUniqueness", []string{"CustomerStore.CreateCustomer", "CustomerStore.UpdateCustomer",
		"CustomerStore.GetCustomer", "CustomerStore.GetCustomerByExternalID"}, testCustomerUniqueness},
	{"CustomerPagination", []string{"CustomerStore.ListCustomers", "CustomerStore.CountCustomers"}, testCustomerPagination},
	{"CustomerReads", []string{"CustomerStore.GetCustomer", "CustomerStore.GetCustomerByEmail", "CustomerStore.GetCustomers",
		"CustomerStore.LockCustomer", "CustomerStore.CountCustomers"}, testCustomerReads},
	{"DeleteCustomerCascades", []string{"CustomerStore.DeleteCustomer"}, testDeleteCustomerCascades},

	// Label types and labels.
	{"LabelTypes", []string{"LabelStore.CreateLabelType", "LabelStore.ListLabelTypes", "LabelStore.SetLabelTypeArchived"}, testLabelTypes},
	{"Labels", []string{"LabelStore.GetLabelType", "LabelStore.LockLabelType", "LabelStore.GetLabelTypes", "LabelStore.CreateLabel",
		"LabelStore.GetLabels", "LabelStore.DeleteLabel", "LabelStore.LabelsOfThreads"}, testLabels},

	// Thread field schemas and values.
	{"FieldSchemas", []string{"FieldStore.CreateFieldSchema", "FieldStore.ListFieldSchemas", "FieldStore.UpdateFieldSchema",
		"FieldStore.DeleteFieldSchema"}, testFieldSchemas},
	{"FieldValues", []string{"FieldStore.GetFieldSchema", "FieldStore.LockFieldSchema", "FieldStore.CreateFieldValue",
		"FieldStore.GetFieldValue", "FieldStore.UpdateFieldValue", "FieldStore.DeleteFieldValue",
		"FieldStore.FieldValuesOfThreads"}, testFieldValues},

	// Threads and their timelines.
	{"ThreadRoundTrip", []string{"ThreadStore.CreateThread", "ThreadStore.GetThread", "ThreadStore.GetThreadByRef",
		"ThreadStore.GetThreadByExternalID", "ThreadStore.CreateTimelineEntry", "ThreadStore.TimelineOfThread",
		"LabelStore.CreateLabel", "LabelStore.LabelsOfThreads", "FieldStore.CreateFieldValue",
		"FieldStore.FieldValuesOfThreads"}, testThreadRoundTrip},
	{"ThreadChanges", []string{"ThreadStore.UpdateThread", "ThreadStore.LockThread", "ThreadStore.CreateTimelineEntry",
		"ThreadStore.TimelineOfThread"}, testThreadChanges},
	{"SnoozeWake", []string{"ThreadStore.NextWake", "ThreadStore.DueSnoozedThreads", "ThreadStore.UpdateThread"}, testSnoozeWake},
	{"DueSnoozedThreads", []string{"ThreadStore.DueSnoozedThreads", "ThreadStore.NextWake"}, testDueSnoozedThreads},
	{"DueSnoozedThreadsSkipsLocked", []string{"ThreadStore.DueSnoozedThreads"}, testDueSnoozedSkipsLocked},
	{"ThreadListKeyset", []string{"ThreadStore.ListThreads"}, testThreadListKeyset},
	{"CountThreads", []string{"ThreadStore.CountThreads", "ThreadStore.ListThreads"}, testCountThreads},
	{"ThreadListByLastInbound", []string{"ThreadStore.ListThreads", "ThreadListExplainer.ExplainListThreads"}, testThreadListByLastInbound},
	{"ExplainListThreads", []string{"ThreadListExplainer.ExplainListThreads"}, testExplainListThreads},
	{"ThreadCustomerAndDeletion", []string{"ThreadStore.SetThreadCustomer", "ThreadStore.DeleteThread",
		"ThreadStore.ListDeletedThreads", "ThreadStore.ListThreads"}, testThreadCustomerAndDeletion},
	{"AdditionalAssignees", []string{"ThreadStore.AddAdditionalAssignee", "ThreadStore.RemoveAdditionalAssignee",
		"ThreadStore.AdditionalAssigneesOfThreads"}, testAdditionalAssignees},
	{"LabelTypeChanges", []string{"LabelStore.UpdateLabelType", "LabelStore.GetLabelTypeByExternalID"}, testLabelTypeChanges},
	{"CustomerSpamMark", []string{"CustomerStore.UpdateCustomer"}, testCustomerSpamMark},
	{"FindCustomerForThread", []string{"CustomerStore.FindCustomerForThread"}, testFindCustomerForThread},
	{"BulkSeedThreads", []string{"BulkSeeder.SeedThreads"}, testBulkSeedThreads},

	// Timelines, notes, events and attachments.
	{"TimelinePages", []string{"TimelineStore.ListTimeline", "ThreadStore.CreateTimelineEntry"}, testTimelinePages},
	{"TimelineEntryChanges", []string{"TimelineStore.GetTimelineEntry", "TimelineStore.TimelineEntriesOfSource",
		"TimelineStore.UpdateTimelineEntry", "TimelineStore.DeleteTimelineEntry", "TimelineStore.RecentThreadsOfCustomer"},
		testTimelineEntryChanges},
	{"ExplainListTimeline", []string{"TimelineExplainer.ExplainListTimeline"}, testExplainListTimeline},
	{"Notes", []string{"NoteStore.CreateNote", "NoteStore.GetNote", "NoteStore.LockNote", "NoteStore.UpdateNote",
		"NoteStore.CustomerNotes"}, testNotes},
	{"TimelineEvents", []string{"EventStore.CreateTimelineEvent", "EventStore.GetTimelineEventByExternalID",
		"EventStore.CustomerEvents"}, testTimelineEvents},
	{"CustomerEntries", []string{"EventStore.CustomerEntries"}, testCustomerEntries},
	{"Attachments", []string{"AttachmentStore.CreateAttachment", "AttachmentStore.GetAttachments",
		"AttachmentStore.LockAttachment", "AttachmentStore.StoreAttachmentContent", "AttachmentStore.AttachmentContent",
		"AttachmentStore.DeleteExpiredUploads"}, testAttachments},

	// Accounts: companies, tenants, tiers, customer groups, customer cards.
	{"Companies", []string{"CompanyStore.CreateCompany", "CompanyStore.UpdateCompany", "CompanyStore.FindCompanies",
		"CompanyStore.LockCompany", "CompanyStore.ListCompanies"}, testCompanies},
	{"Tenants", []string{"TenantStore.CreateTenant", "TenantStore.UpdateTenant", "TenantStore.FindTenants",
		"TenantStore.LockTenant", "TenantStore.ListTenants"}, testTenants},
	{"TenantMemberships", []string{"TenantStore.AddTenantMembership", "TenantStore.RemoveTenantMembership",
		"TenantStore.TenantMembershipsOf"}, testTenantMemberships},
	{"Tiers", []string{"TierStore.CreateTier", "TierStore.UpdateTier", "TierStore.FindTiers", "TierStore.LockTier",
		"TierStore.ListTiers", "TierStore.DefaultTier"}, testTiers},
	{"DefaultTierInTx", []string{"TierStore.DefaultTier"}, testDefaultTierInTx},
	{"TierMemberships", []string{"TierStore.SetTierMembership", "TierStore.DeleteTierMembership",
		"TierStore.TierMembershipsOfMembers", "TierStore.TierMembershipsOf", "TierStore.CountTierMemberships"}, testTierMemberships},
	{"CustomerGroups", []string{"CustomerGroupStore.CreateCustomerGroup", "CustomerGroupStore.UpdateCustomerGroup",
		"CustomerGroupStore.DeleteCustomerGroup", "CustomerGroupStore.FindCustomerGroups", "CustomerGroupStore.LockCustomerGroup",
		"CustomerGroupStore.ListCustomerGroups"}, testCustomerGroups},
	{"GroupMemberships", []string{"CustomerGroupStore.AddGroupMembership", "CustomerGroupStore.RemoveGroupMembership",
		"CustomerGroupStore.GroupMembershipsOf"}, testGroupMemberships},
	{"CardConfigs", []string{"CardStore.CreateCardConfig", "CardStore.UpdateCardConfig", "CardStore.DeleteCardConfig",
		"CardStore.GetCardConfig", "CardStore.LockCardConfig", "CardStore.ListCardConfigs"}, testCardConfigs},
	{"CardInstances", []string{"CardStore.CardInstances", "CardStore.SaveCardInstance"}, testCardInstances},
	// The web app: sign-in and sessions; search.
	{"Credentials", []string{"UserStore.Credentials", "UserStore.SetPassword", "UserStore.UpdateUser"}, testCredentials},
	{"Sessions", []string{"SessionStore.CreateSession", "SessionStore.SessionByTokenHash", "SessionStore.TouchSession",
		"SessionStore.DeleteSession", "SessionStore.DeleteUserSessions", "SessionStore.DeleteExpiredSessions"}, testSessions},
	{"SearchThreads", []string{"SearchStore.SearchThreads", "ThreadStore.UpdateThread", "TimelineStore.DeleteTimelineEntry"}, testSearchThreads},
	{"SearchCustomers", []string{"SearchStore.SearchCustomers", "CustomerStore.UpdateCustomer"}, testSearchCustomers},
	{"CountThreadsUpTo", []string{"ThreadStore.CountThreadsUpTo"}, testCountThreadsUpTo},
	{"AccountFilters", []string{"ThreadStore.ListThreads", "ThreadStore.CountThreads", "CustomerStore.ListCustomers",
		"CustomerStore.CountCustomers"}, testAccountFilters},
	// Email: support addresses, emails and their sending, IMAP mailboxes.
	{"SupportAddresses", []string{"EmailStore.CreateSupportAddress", "EmailStore.SupportAddress",
		"EmailStore.ListSupportAddresses", "EmailStore.DeleteSupportAddress"}, testSupportAddresses},
	{"Emails", []string{"EmailStore.CreateEmail", "EmailStore.GetEmail", "EmailStore.LockEmail", "EmailStore.UpdateEmail",
		"EmailStore.EmailsByMessageID", "EmailStore.LatestEmails"}, testEmails},
	{"ClaimEmails", []string{"EmailStore.ClaimEmails", "EmailStore.FinishSend", "EmailStore.HasDueEmails",
		"EmailStore.EmailBacklog"}, testClaimEmails},
	{"ClaimEmailsSkipsLocked", []string{"EmailStore.ClaimEmails"}, testClaimEmailsSkipsLocked},
	{"SupportAddressFilter", []string{"ThreadStore.ListThreads"}, testSupportAddressFilter},
	{"Mailboxes", []string{"EmailStore.CreateMailbox", "EmailStore.ListMailboxes", "EmailStore.DeleteMailbox",
		"EmailStore.ClaimMailbox", "EmailStore.SaveMailboxPosition", "EmailStore.ReleaseMailbox"}, testMailboxes},
	{"MailboxPasswordsSealed", []string{"SecretKeeper.UseSecrets", "EmailStore.CreateMailbox"}, testMailboxPasswordsSealed},
}

var ctx = context.Background()

// concurrentUpdates reports whether two Updates of st run at the same time,
// each holding its row locks until it ends (PostgreSQL). SQLite's single
// writer runs Updates one after another: there, a test must never make one
// Update wait for another, or it waits forever.
func concurrentUpdates(st store.Store) bool { return st.Backend() == "postgres" }

// NewWorkspace returns a valid workspace value (not stored).
func NewWorkspace(name string) workspace.Workspace {
	now := core.SystemClock{}.Now()
	return workspace.Workspace{ID: core.NewID(core.PrefixWorkspace), Name: name, PublicName: name,
		HMACSecret: auth.NewSecret(), HMACUpdatedAt: now, HMACUpdatedBy: core.SystemActor,
		CreatedAt: now, CreatedBy: core.SystemActor, UpdatedAt: now, UpdatedBy: core.SystemActor,
		DomainNames: []string{}}
}

// MustCreateWorkspace stores a new workspace and returns it.
func MustCreateWorkspace(t *testing.T, st store.Store, name string) workspace.Workspace {
	t.Helper()
	w := NewWorkspace(name)
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.CreateWorkspace(ctx, w) }); err != nil {
		t.Fatal(err)
	}
	return w
}

// NewCustomer returns a valid customer value (not stored).
func NewCustomer(ws, name, email string) customer.Customer {
	return customer.New(ws, customer.CreateFields{FullName: name, Email: email}, core.SystemClock{}.Now(), core.SystemActor)
}

func mustUpdate(t *testing.T, st store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := st.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func mustView(t *testing.T, st store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := st.View(ctx, fn); err != nil {
		t.Fatal(err)
	}
}
