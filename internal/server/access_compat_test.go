package server

// compatSamples select the operations Plain's current client brought in:
// users, machine users, API keys, permissions, roles and workspaces.
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
	}
}
