package server

// compatSamples select the operations Plain's current client brought in:
// users, machine users, API keys, permissions, roles, workspaces, thread
// edits and deletion, label type updates, spam marks, bulk thread fields
// and webhook versions.
// Mutations name ids that do not exist where they would change the world;
// keys are granted the filler permission, which every test key holds.
func compatSamples(w accessWorld, ws string) []string {
	missing := `"x_01H14DFQ4PDYBH398J1E99TWSS"`
	errSel := `error { type code message }`
	return []string{
		`{ myUser { __typename } }`,
		`{ users { edges { node { id } } } }`,
		`{ roles { edges { node { id } } } }`,
		`{ machineUser(machineUserId: "` + w.botID + `") { id } }`,
		`{ machineUsers { edges { node { id } } } }`,
		`{ myMachineUser { fullName } }`,
		`{ myPermissions { permissions } }`,
		`{ permissions { permissions } }`,
		`{ workspace(workspaceId: "` + ws + `") { id } }`,
		`{ myWorkspaces { edges { node { id } } } }`,
		`mutation { changeUserStatus(input: {userId: "` + w.userID + `", status: ONLINE}) { user { status } ` + errSel + ` } }`,
		`mutation { deleteUser(input: {userId: ` + missing + `}) { ` + errSel + ` } }`,
		`mutation { createMachineUser(input: {fullName: "Bot", publicName: "Bot"}) { machineUser { id } ` + errSel + ` } }`,
		`mutation { updateMachineUser(input: {machineUserId: ` + missing + `, fullName: {value: "B"}}) { ` + errSel + ` } }`,
		`mutation { deleteMachineUser(input: {machineUserId: ` + missing + `}) { ` + errSel + ` } }`,
		`mutation { createApiKey(input: {machineUserId: ` + missing + `, permissions: ["` + string(filler) + `"]}) { apiKeySecret ` + errSel + ` } }`,
		`mutation { updateApiKey(input: {apiKeyId: ` + missing + `, permissions: ["` + string(filler) + `"]}) { ` + errSel + ` } }`,
		`mutation { deleteApiKey(input: {apiKeyId: ` + missing + `}) { ` + errSel + ` } }`,
		`mutation { updateWorkspace(input: {publicName: {value: "Acme"}}) { workspace { id } ` + errSel + ` } }`,
		`{ threadsByExternalId(externalId: "x") { edges { node { id } } } }`,
		`{ deletedThreads { edges { node { threadId } } } }`,
		`{ labelTypeByExternalId(externalId: "x") { id } }`,
		`{ webhookVersions { edges { node { version } } } }`,
		`{ subscriptionEventTypes { eventType } }`,
		`mutation { updateThreadTitle(input: {threadId: ` + missing + `, title: "T"}) { thread { id } ` + errSel + ` } }`,
		`mutation { updateThreadExternalId(input: {threadId: ` + missing + `, externalId: "x"}) { thread { id } ` + errSel + ` } }`,
		`mutation { changeThreadCustomer(input: {threadId: ` + missing + `, customerId: "` + w.customerID + `"}) { thread { id } ` + errSel + ` } }`,
		`mutation { deleteThread(input: {threadId: ` + missing + `}) { ` + errSel + ` } }`,
		`mutation { updateLabelType(input: {labelTypeId: ` + missing + `, name: {value: "x"}}) { labelType { id } ` + errSel + ` } }`,
		`mutation { markCustomerAsSpam(input: {customerId: ` + missing + `}) { customer { id } ` + errSel + ` } }`,
		`mutation { unmarkCustomerAsSpam(input: {customerId: ` + missing + `}) { customer { id } ` + errSel + ` } }`,
		`mutation { bulkUpsertThreadFields(input: {inputs: [{identifier: {threadId: ` + missing + `, key: "k"}, type: STRING, stringValue: "v"}]}) { results { result } ` + errSel + ` } }`,
		`mutation { reorderThreadFieldSchemas(input: {threadFieldSchemaOrders: [{threadFieldSchemaId: ` + missing + `, order: 1}]}) { threadFieldSchemas { id } ` + errSel + ` } }`,
		`mutation { addLabels(input: {threadId: "` + w.threadID + `", labelTypeIds: ["` + w.labelTypeID + `"]}) { thread { id } ` + errSel + ` } }`,
		`mutation { removeLabels(input: {labelIds: [` + missing + `]}) { thread { id } ` + errSel + ` } }`,
		`mutation { addAdditionalAssignees(input: {threadId: ` + missing + `, userIds: ["` + w.userID + `"]}) { thread { id } ` + errSel + ` } }`,
		`mutation { removeAdditionalAssignees(input: {threadId: ` + missing + `, userIds: ["` + w.userID + `"]}) { thread { id } ` + errSel + ` } }`,
	}
}
